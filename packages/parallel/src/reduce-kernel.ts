import {
  loadWasmModule,
  nativeKernelsOn,
  packagedFile,
  type SlotReduction,
  squaredNormRange,
} from "@lrsim/core";

/**
 * The pool's deterministic reduction: add chunk slots into the batch gradient in slot order.
 * lrsim's C reduction (`native/reduce.c` in @lrsim/core, built at install) when it loads, else
 * WebAssembly SIMD over the shared memory when `generated/reduce.wasm` was built (pnpm install),
 * else portable loops; all round every addition to float32 (IEEE), so they agree bit for bit.
 * The C one reads the slots with the CPU's widest vectors: 1.7-1.9x the WebAssembly loop's
 * speed for the MLP's 32 slots at batch 8,000 (`pnpm bench:reduce`, docs/decisions.md).
 */
export interface ReduceKernel extends SlotReduction {
  /** Sum of squares (float64) of the floats of a slot over [from, to), in `squaredNormRange`'s order. */
  squaredNorm(slot: number, from: number, to: number): number;
}

const WASM_FILE = packagedFile(import.meta.url, "../generated/reduce.wasm", "reduce.wasm");

/** Shared memory for the pool's gradient accumulator and slots: a SharedArrayBuffer that wasm can address. */
export function createSharedArena(bytes: number): WebAssembly.Memory {
  const pages = Math.max(1, Math.ceil(bytes / 65536));
  return new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
}

/**
 * The reduction over `memory`: with `auto`, the native one if it loads, else the WebAssembly
 * SIMD kernel if built, else the portable one; `native` and `wasm` insist on theirs.
 */
export function reduceKernel(
  memory: WebAssembly.Memory,
  use: "auto" | "native" | "wasm" = "auto",
): ReduceKernel {
  const wasm = wasmReduceKernel(memory);
  const native = nativeKernelsOn(memory.buffer, use);
  return native ? { accumulate: native.accumulate, squaredNorm: wasm.squaredNorm } : wasm;
}

/** The WebAssembly SIMD reduction if built, else the portable loops. */
function wasmReduceKernel(memory: WebAssembly.Memory): ReduceKernel {
  const compiledModule = loadWasmModule(WASM_FILE);
  if (compiledModule)
    return new WebAssembly.Instance(compiledModule, { env: { memory } }).exports as unknown as ReduceKernel;
  const f32 = new Float32Array(memory.buffer);
  return {
    accumulate(grad, slots, stride, from, to, count, first, batchSize) {
      const g = grad >> 2;
      let check = 0;
      for (let i = from; i < to; i++) {
        let acc = first ? 0 : f32[g + i]!;
        for (let s = 0, at = (slots >> 2) + i; s < count; s++, at += stride >> 2)
          acc = Math.fround(acc + f32[at]!);
        if (batchSize > 0) {
          acc = Math.fround(acc / batchSize);
          check += acc;
        }
        f32[g + i] = acc;
      }
      return Number.isFinite(check) ? 1 : 0;
    },
    squaredNorm(slot, from, to) {
      return squaredNormRange(f32, (slot >> 2) + from, (slot >> 2) + to);
    },
  };
}
