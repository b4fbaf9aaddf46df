import { existsSync, readFileSync } from "node:fs";
import { packagedFile } from "../paths.ts";

/** The exports of `assembly/dense.ts` (pointers are byte offsets into the instance's memory). */
export interface DenseKernels {
  readonly memory: WebAssembly.Memory;
  gemmNT(a: number, b: number, bias: number, c: number, m: number, n: number, k: number): void;
  gemmTNAcc(d: number, a: number, g: number, gb: number, m: number, n: number, k: number): void;
  gemmNN(d: number, w: number, e: number, m: number, n: number, k: number): void;
  relu(x: number, length: number): void;
  reluBackward(out: number, delta: number, length: number): void;
}

const WASM_FILE = packagedFile(import.meta.url, "../../generated/dense.wasm", "dense.wasm");
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

/** The dense-layer kernel module (compiled from `assembly/dense.ts` by `pnpm install`), or null. */
export function denseKernelModule(): WebAssembly.Module | null {
  return loadWasmModule(WASM_FILE);
}

/** A fresh instance with its own memory of at least `bytes` bytes. */
export function instantiateKernels(module: WebAssembly.Module, bytes: number): DenseKernels {
  const kernels = new WebAssembly.Instance(module, {}).exports as unknown as DenseKernels;
  const pages = Math.ceil(bytes / 65536) - kernels.memory.buffer.byteLength / 65536;
  if (pages > 0) kernels.memory.grow(pages);
  return kernels;
}
