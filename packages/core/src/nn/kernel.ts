import type { DataShape } from "../plugins/data.ts";
import type { ModelInstance } from "../plugins/model.ts";
import { param } from "../spec/params.ts";
import type { Activation } from "./activations.ts";
import { DenseNetwork } from "./dense-network.ts";
import { KernelDenseNetwork } from "./kernel-dense-network.ts";
import type { LossOptions } from "./losses.ts";
import { bindNativeKernels, nativeDenseAddon, nativeKernelsUnavailable } from "./native-module.ts";
import { denseKernelModule, denseKernelVariant, instantiateKernels } from "./wasm-module.ts";

/** Which implementation computes a dense network. */
export type DenseKernel = "auto" | "native" | "wasm" | "js";

/** The `kernel` parameter the dense models take. */
export const kernelParam = param.choice(["auto", "native", "wasm", "js"], {
  doc: "native: C compiled at install for this CPU (fastest; its last bits depend on the CPU and compiler); wasm: WebAssembly SIMD (float32, the same bits on every machine); js: portable typed-array loops; auto: wasm when built.",
  default: "auto",
});

/**
 * The `labelSmoothing` parameter of models trained with cross-entropy (PyTorch's
 * `CrossEntropyLoss(label_smoothing=...)`): pass it to {@link createDenseNetwork}, or to
 * `outputLoss` / `softmaxCrossEntropy` in a model of your own.
 */
export const labelSmoothingParam = param.number({
  doc: "Label smoothing of the cross-entropy: the target is 1 - e on the label plus e / classes on every class (PyTorch label_smoothing).",
  default: 0,
  min: 0,
  max: 1,
});

/**
 * Throws if `loss` options do not fit the task: label smoothing is for cross-entropy, so a
 * regression task (mean squared error) refuses it. Every network builder calls this first.
 */
export function checkLossOptions(loss: LossOptions, shape: DataShape): void {
  if ((loss.labelSmoothing ?? 0) !== 0 && shape.task !== "classification")
    throw new Error(
      `labelSmoothing applies to cross-entropy, but this dataset is a ${shape.task} task (mean squared error); leave it at 0`,
    );
}

let warned = false;

/**
 * Builds a dense network on the chosen kernel, with `loss` options for its output loss (label
 * smoothing; refused for a regression task, whose loss is mean squared error). `auto` takes the
 * WebAssembly SIMD kernel when it was built at install and falls back to the portable one
 * (saying so once) when it was not. `native` is chosen by name only: it is the fastest, but its
 * results depend on the machine's CPU and compiler, where the WebAssembly kernel's are the same
 * everywhere; it throws, saying why, when the addon was not built.
 */
export function createDenseNetwork(
  sizes: readonly number[],
  activation: Activation,
  shape: DataShape,
  kernel: DenseKernel = "auto",
  loss: LossOptions = {},
): ModelInstance {
  checkLossOptions(loss, shape);
  if (kernel === "js") return new DenseNetwork(sizes, activation, shape, loss);
  if (kernel === "native") {
    const native = nativeDenseAddon();
    if (!native) throw new Error(`kernel=native: ${nativeKernelsUnavailable()}; or use kernel=wasm`);
    return new KernelDenseNetwork(
      sizes,
      activation,
      shape,
      (bytes) => bindNativeKernels(native, bytes),
      `native ${native.vectorBits}-bit`,
      loss,
    );
  }
  const module = denseKernelModule();
  if (module)
    return new KernelDenseNetwork(
      sizes,
      activation,
      shape,
      (bytes) => instantiateKernels(module, bytes),
      `wasm ${denseKernelVariant()}`,
      loss,
    );
  if (kernel === "wasm")
    throw new Error(
      "the WebAssembly kernel is not built (pnpm install builds it from packages/core/assembly)",
    );
  if (!warned) {
    warned = true;
    process.emitWarning(
      "lrsim: the WebAssembly SIMD kernel is not built; using the slower portable kernel (pnpm install builds it)",
    );
  }
  return new DenseNetwork(sizes, activation, shape, loss);
}
