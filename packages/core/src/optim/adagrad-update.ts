import { kernelsFor } from "./update-kernel.ts";

/** The settings of one {@link adagradUpdate}. */
export interface AdagradSettings {
  /** This step's rate: lr / (1 + (step - 1) lrDecay). */
  readonly clr: number;
  readonly weightDecay: number;
  /** The sums' starting value; `excess` holds sum - initial, so zeroed memory is the start. */
  readonly initial: number;
  readonly eps: number;
}

/**
 * PyTorch's Adagrad update of `p[from..to)`: d = g + weightDecay p; s = excess + initial + d d
 * (the sum of squared gradients, kept in `excess` as s - initial); p -= clr d / (sqrt(s) + eps).
 * Computed in float64 and stored as float32: the same bits as SIMD (lrsim's C or WebAssembly) (arrays in a
 * memory given to `useUpdateKernelsOn`) and as the JavaScript loop.
 */
export function adagradUpdate(
  p: Float32Array,
  g: Float32Array,
  excess: Float32Array,
  from: number,
  to: number,
  s: AdagradSettings,
): void {
  const { clr, weightDecay, initial, eps } = s;
  const kernels = kernelsFor(p, g, excess);
  if (kernels) {
    kernels.adagrad(p.byteOffset, g.byteOffset, excess.byteOffset, from, to, clr, weightDecay, initial, eps);
    return;
  }
  for (let i = from; i < to; i++) {
    const d = g[i]! + weightDecay * p[i]!;
    const sum = Math.fround(excess[i]! + initial + d * d);
    excess[i] = sum - initial;
    p[i] = p[i]! - (clr * d) / (Math.sqrt(sum) + eps);
  }
}
