import { nativeKernelsOn } from "../nn/native-module.ts";
import { loadWasmModule } from "../nn/wasm-module.ts";
import { packagedFile } from "../paths.ts";

/**
 * The exports of `assembly/update.ts`, and the same functions of `native/update.c` as the addon
 * binds them (pointers are byte offsets into the shared memory).
 */
export interface UpdateKernels {
  sgd(
    p: number,
    g: number,
    buf: number,
    from: number,
    to: number,
    lr: number,
    weightDecay: number,
    momentum: number,
    dampening: number,
    nesterov: boolean,
    fresh: boolean,
  ): void;
  adam(
    p: number,
    g: number,
    m: number,
    v: number,
    vMax: number,
    from: number,
    to: number,
    beta1: number,
    beta2: number,
    eps: number,
    l2: number,
    shrink: number,
    decoupled: boolean,
    stepSize: number,
    correction2: number,
    amsgrad: boolean,
  ): void;
  rmsprop(
    p: number,
    g: number,
    squareAvg: number,
    gradAvg: number,
    buffer: number,
    from: number,
    to: number,
    lr: number,
    alpha: number,
    eps: number,
    weightDecay: number,
    momentum: number,
    centered: boolean,
  ): void;
  adagrad(
    p: number,
    g: number,
    excess: number,
    from: number,
    to: number,
    clr: number,
    weightDecay: number,
    initial: number,
    eps: number,
  ): void;
  adadelta(
    p: number,
    g: number,
    squareAvg: number,
    accDelta: number,
    from: number,
    to: number,
    lr: number,
    rho: number,
    eps: number,
    weightDecay: number,
  ): void;
}

const WASM_FILE = packagedFile(import.meta.url, "../../generated/update.wasm", "update.wasm");

/** Memories registered with {@link useUpdateKernelsOn}, with the kernels instantiated over them. */
const registered: Array<{ readonly buffer: ArrayBufferLike; readonly kernels: UpdateKernels }> = [];

/**
 * Lets the element-wise updates below run as SIMD on arrays that live in `memory` (a shared
 * memory whose maximum is at most 4 GiB). The worker pool calls it for the memory holding its
 * parameters, mean gradient and optimizer state; elsewhere the updates run as JavaScript loops
 * with the same arithmetic. `use`: `wasm`, the WebAssembly module (does nothing when it was not
 * built); `native`, lrsim's C (`native/update.c`, 8 float64 lanes per vector on AVX-512 against
 * WebAssembly's 2; the same bits); `auto`, native when the addon loads. The first registration
 * of a memory decides.
 */
export function useUpdateKernelsOn(
  memory: WebAssembly.Memory,
  use: "auto" | "native" | "wasm" = "auto",
): void {
  const buffer = memory.buffer;
  if (registered.some((r) => r.buffer === buffer)) return;
  let kernels: UpdateKernels | null = nativeKernelsOn(buffer, use);
  if (!kernels) {
    const module = loadWasmModule(WASM_FILE);
    if (!module) return;
    kernels = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as UpdateKernels;
  }
  registered.push({ buffer, kernels });
  if (registered.length > 4) registered.shift();
}

/**
 * The SIMD kernels over the memory all of `arrays` live in, if it was registered with
 * {@link useUpdateKernelsOn}; undefined (run the JavaScript loop) otherwise.
 */
export function kernelsFor(...arrays: Float32Array[]): UpdateKernels | undefined {
  const buffer = arrays[0]!.buffer;
  if (arrays.some((a) => a.buffer !== buffer)) return undefined;
  return registered.find((r) => r.buffer === buffer)?.kernels;
}

/** The settings of one {@link sgdUpdate}. */
export interface SgdSettings {
  readonly lr: number;
  readonly weightDecay: number;
  /** 0: plain SGD (`buf` untouched). */
  readonly momentum: number;
  readonly dampening: number;
  readonly nesterov: boolean;
  /** The first step with momentum on: the buffer starts as a copy of d (PyTorch). */
  readonly fresh: boolean;
}

/**
 * PyTorch's SGD update of `p[from..to)`: d = g + weightDecay p; without momentum p -= lr d;
 * with it b = fresh ? d : momentum buf + (1 - dampening) d (kept in `buf`), and
 * p -= lr (nesterov ? d + momentum b : b). Computed in float64 and stored as float32, the same
 * bits whether it runs as SIMD — lrsim's C or WebAssembly, on arrays in a memory given to
 * {@link useUpdateKernelsOn}: 5-10x faster than the loop — or as the JavaScript loop.
 */
export function sgdUpdate(
  p: Float32Array,
  g: Float32Array,
  buf: Float32Array,
  from: number,
  to: number,
  s: SgdSettings,
): void {
  const { lr, weightDecay, momentum: mu, dampening, nesterov, fresh } = s;
  const kernels = kernelsFor(p, g, buf);
  if (kernels) {
    kernels.sgd(
      p.byteOffset,
      g.byteOffset,
      buf.byteOffset,
      from,
      to,
      lr,
      weightDecay,
      mu,
      dampening,
      nesterov,
      fresh,
    );
    return;
  }
  if (mu === 0) {
    for (let i = from; i < to; i++) p[i] = p[i]! - lr * (g[i]! + weightDecay * p[i]!);
    return;
  }
  for (let i = from; i < to; i++) {
    const d = g[i]! + weightDecay * p[i]!;
    const b = fresh ? d : mu * buf[i]! + (1 - dampening) * d;
    buf[i] = b;
    p[i] = p[i]! - lr * (nesterov ? d + mu * Math.fround(b) : Math.fround(b));
  }
}
