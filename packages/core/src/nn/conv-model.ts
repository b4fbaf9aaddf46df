import type { DataShape } from "../plugins/data.ts";
import type { SpecCall } from "../spec/ast.ts";
import { type ConvKernels, convKernelModule } from "./conv-kernels.ts";
import { jsConvKernels } from "./conv-kernels-js.ts";
import { planConvNet } from "./conv-layers.ts";
import { ConvNetwork } from "./conv-network.ts";
import { checkLossOptions, type DenseKernel } from "./kernel.ts";
import type { LossOptions } from "./losses.ts";
import { instantiateKernels } from "./wasm-module.ts";

let warned = false;

/**
 * Builds a convolutional network of `layers` (the `cnn` model's list, as bound calls or as text:
 * `"conv(16, 5), relu, maxpool(2), dense(128), relu"`; see `CONV_LAYERS`) for data of `shape`, with the output
 * layer added. `auto` computes it with the WebAssembly SIMD kernels when they were built at
 * install and falls back to the portable ones (saying so once) when they were not. `loss` sets the
 * output loss's options (label smoothing; refused for a regression task). Throws an Error naming
 * the layer that does not fit the data, or for `native`: the native kernels are dense-only.
 */
export function createConvNetwork(
  layers: readonly SpecCall[] | string,
  shape: DataShape,
  kernel: DenseKernel = "auto",
  loss: LossOptions = {},
): ConvNetwork {
  checkLossOptions(loss, shape);
  const plan = planConvNet(layers, shape);
  if (kernel === "js") return new ConvNetwork(plan, shape, jsConvKernels, "js", loss);
  if (kernel === "native")
    throw new Error(
      "kernel=native: the native kernels compute dense networks only; convolutional networks run on kernel=wasm (or auto)",
    );
  const module = convKernelModule();
  if (module)
    return new ConvNetwork(
      plan,
      shape,
      (bytes) => instantiateKernels<ConvKernels>(module, bytes),
      "wasm simd",
      loss,
    );
  if (kernel === "wasm")
    throw new Error(
      "the WebAssembly convolution kernel is not built (pnpm install builds it from packages/core/assembly)",
    );
  if (!warned) {
    warned = true;
    process.emitWarning(
      "lrsim: the WebAssembly SIMD convolution kernel is not built; using the slower portable kernel (pnpm install builds it)",
    );
  }
  return new ConvNetwork(plan, shape, jsConvKernels, "js", loss);
}
