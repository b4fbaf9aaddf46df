import type { DataShape } from "../plugins/data.ts";
import type { ModelInstance } from "../plugins/model.ts";
import { param } from "../spec/params.ts";
import type { Activation } from "./activations.ts";
import { DenseNetwork } from "./dense-network.ts";
import { WasmDenseNetwork } from "./wasm-dense-network.ts";
import { denseKernelModule } from "./wasm-module.ts";

/** Which implementation computes a dense network. */
export type DenseKernel = "auto" | "wasm" | "js";

/** The `kernel` parameter the dense models take. */
export const kernelParam = param.choice(["auto", "wasm", "js"], {
  doc: "wasm: WebAssembly SIMD (float32, fast); js: portable typed-array loops; auto: wasm when built.",
  default: "auto",
});

let warned = false;

/**
 * Builds a dense network on the chosen kernel. `auto` takes the WebAssembly SIMD kernel when it
 * was built at install and falls back to the portable one (saying so once) when it was not.
 */
export function createDenseNetwork(
  sizes: readonly number[],
  activation: Activation,
  shape: DataShape,
  kernel: DenseKernel = "auto",
): ModelInstance {
  if (kernel === "js") return new DenseNetwork(sizes, activation, shape);
  const module = denseKernelModule();
  if (module) return new WasmDenseNetwork(sizes, activation, shape, module);
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
  return new DenseNetwork(sizes, activation, shape);
}
