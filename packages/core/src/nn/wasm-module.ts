import { existsSync, readFileSync } from "node:fs";

/** The exports of `assembly/dense.ts` (pointers are byte offsets into the instance's memory). */
export interface DenseKernels {
  readonly memory: WebAssembly.Memory;
  gemmNT(a: number, b: number, bias: number, c: number, m: number, n: number, k: number): void;
  gemmTNAcc(d: number, a: number, g: number, gb: number, m: number, n: number, k: number): void;
  gemmNN(d: number, w: number, e: number, m: number, n: number, k: number): void;
  relu(x: number, length: number): void;
  reluBackward(out: number, delta: number, length: number): void;
}

const WASM_FILE = new URL("../../generated/dense.wasm", import.meta.url);
let compiled: WebAssembly.Module | null | undefined;

/**
 * The compiled SIMD kernel module, or null when it is not available: not built (it is compiled
 * from `assembly/dense.ts` by `pnpm install`), or a runtime without WebAssembly SIMD.
 */
export function denseKernelModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      compiled = existsSync(WASM_FILE) ? new WebAssembly.Module(readFileSync(WASM_FILE)) : null;
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

/** A fresh instance with its own memory of at least `bytes` bytes. */
export function instantiateKernels(module: WebAssembly.Module, bytes: number): DenseKernels {
  const kernels = new WebAssembly.Instance(module, {}).exports as unknown as DenseKernels;
  const pages = Math.ceil(bytes / 65536) - kernels.memory.buffer.byteLength / 65536;
  if (pages > 0) kernels.memory.grow(pages);
  return kernels;
}
