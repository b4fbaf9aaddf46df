import { kernelsFor } from "./update-kernel.ts";

/** The settings of one {@link adamUpdate}: the step's coefficients, computed once per step. */
export interface AdamSettings {
  /** The first moment's decay (a schedule's momentum, when it cycles one). */
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  /** L2 penalty added to the gradient (Adam's weight decay; 0 for AdamW). */
  readonly l2: number;
  /** AdamW's decoupled decay: p is first scaled by `shrink` (1 - lr weightDecay). */
  readonly decoupled: boolean;
  readonly shrink: number;
  /** lr / (1 - beta1^t). */
  readonly stepSize: number;
  /** sqrt(1 - beta2^t). */
  readonly correction2: number;
}

/**
 * PyTorch's Adam / AdamW update of `p[from..to)` with moments `m`, `v` (and, for AMSGrad, the
 * running maximum `vMax`): pi = decoupled ? float32(p shrink) : p; d = g + l2 pi;
 * m = b1 m + (1 - b1) d; v = b2 v + (1 - b2) d d; p = pi - stepSize m / (sqrt(max(vMax, v)) /
 * correction2 + eps). Computed in float64 and stored as float32: the same bits whether it runs
 * as SIMD (lrsim's C or WebAssembly) (arrays in a memory given to `useUpdateKernelsOn`, as the worker pool's
 * are) or as the JavaScript loop (in-process runs).
 */
export function adamUpdate(
  p: Float32Array,
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  vMax: Float32Array | undefined,
  from: number,
  to: number,
  s: AdamSettings,
): void {
  const { beta1: b1, beta2, eps, l2, decoupled, shrink, stepSize, correction2 } = s;
  const kernels = vMax ? kernelsFor(p, g, m, v, vMax) : kernelsFor(p, g, m, v);
  if (kernels) {
    const maxAt = vMax ? vMax.byteOffset : 0;
    kernels.adam(
      p.byteOffset,
      g.byteOffset,
      m.byteOffset,
      v.byteOffset,
      maxAt,
      from,
      to,
      b1,
      beta2,
      eps,
      l2,
      shrink,
      decoupled,
      stepSize,
      correction2,
      vMax !== undefined,
    );
    return;
  }
  for (let i = from; i < to; i++) {
    const pi = decoupled ? Math.fround(p[i]! * shrink) : p[i]!;
    const d = g[i]! + l2 * pi;
    const mi = Math.fround(b1 * m[i]! + (1 - b1) * d);
    const vi = Math.fround(beta2 * v[i]! + (1 - beta2) * d * d);
    m[i] = mi;
    v[i] = vi;
    let second = vi;
    if (vMax) {
      second = Math.max(vMax[i]!, vi);
      vMax[i] = second;
    }
    p[i] = pi - (stepSize * mi) / (Math.sqrt(second) / correction2 + eps);
  }
}
