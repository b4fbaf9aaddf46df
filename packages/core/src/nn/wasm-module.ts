import { existsSync, readFileSync } from "node:fs";
import { packagedFile } from "../paths.ts";

/** The exports of `assembly/dense.ts` (pointers are byte offsets into the instance's memory). */
export interface DenseKernels {
  /** The memory the offsets point into (a WebAssembly.Memory, or the buffer the native kernels are bound to). */
  readonly memory: { readonly buffer: ArrayBuffer };
  /** C[m x n] = A[m x k] B[n x k]^T + bias[n]: a layer's outputs from its inputs (rows) and weights. */
  gemmNT(a: number, b: number, bias: number, c: number, m: number, n: number, k: number): void;
  /** G[n x k] += D[m x n]^T A[m x k] and gb[n] += column sums of D: weight and bias gradients. */
  gemmTNAcc(d: number, a: number, g: number, gb: number, m: number, n: number, k: number): void;
  /** E[m x k] = D[m x n] W[n x k]: the gradient with respect to a layer's inputs. */
  gemmNN(d: number, w: number, e: number, m: number, n: number, k: number): void;
  /** x = max(x, 0) in place. */
  relu(x: number, length: number): void;
  /** delta = 0 where out <= 0, in place. */
  reluBackward(out: number, delta: number, length: number): void;
}

const WASM_FILE = packagedFile(import.meta.url, "../../generated/dense.wasm", "dense.wasm");
const RELAXED_WASM_FILE = packagedFile(
  import.meta.url,
  "../../generated/dense-relaxed.wasm",
  "dense-relaxed.wasm",
);

/**
 * A minimal module using `f32x4.relaxed_madd`: it validates where the runtime has relaxed SIMD
 * (Node 22 and later; Node 20 with `--experimental-wasm-relaxed-simd`).
 */
const RELAXED_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 8, 1, 96, 3, 123, 123, 123, 1, 123, 3, 2, 1, 0, 10, 13, 1, 11, 0, 32, 0, 32,
  1, 32, 2, 253, 133, 2, 11,
]);

/**
 * Which build of the dense kernels this thread runs: the fused multiply-add of relaxed SIMD when
 * the runtime validates it (measured faster: see docs/decisions.md), else plain SIMD. Every
 * thread of a process decides the same way, so runs stay identical across worker counts.
 */
export function denseKernelVariant(): "relaxed-simd" | "simd" {
  return WebAssembly.validate(RELAXED_PROBE) && loadWasmModule(RELAXED_WASM_FILE) ? "relaxed-simd" : "simd";
}
const modules = new Map<string, WebAssembly.Module | null>();

/**
 * Compiles a `.wasm` file once per thread; null when it does not exist (not built yet) or the
 * runtime cannot compile it (no WebAssembly SIMD), so callers can fall back to portable code.
 */
export function loadWasmModule(file: URL): WebAssembly.Module | null {
  if (!modules.has(file.href)) {
    let compiled: WebAssembly.Module | null = null;
    try {
      if (existsSync(file)) compiled = new WebAssembly.Module(readFileSync(file));
    } catch {
      compiled = null;
    }
    modules.set(file.href, compiled);
  }
  return modules.get(file.href)!;
}

/**
 * The dense-layer kernel module (compiled from `assembly/dense.ts` by `pnpm install`), or null:
 * the relaxed-SIMD build where {@link denseKernelVariant} chooses it, else the plain one.
 */
export function denseKernelModule(): WebAssembly.Module | null {
  return denseKernelVariant() === "relaxed-simd"
    ? loadWasmModule(RELAXED_WASM_FILE)
    : loadWasmModule(WASM_FILE);
}

/**
 * A fresh instance of a kernel module (the dense one, or the convolution one, whose exports
 * include the dense products: `K` says which) with its own memory of at least `bytes` bytes.
 */
export function instantiateKernels<K extends DenseKernels = DenseKernels>(
  module: WebAssembly.Module,
  bytes: number,
): K {
  const kernels = new WebAssembly.Instance(module, {}).exports as unknown as K & {
    readonly memory: WebAssembly.Memory;
  };
  const pages = Math.ceil(bytes / 65536) - kernels.memory.buffer.byteLength / 65536;
  if (pages > 0) kernels.memory.grow(pages);
  return kernels;
}
