import { kernelsFor } from "./update-kernel.ts";

/** The settings of one {@link rmspropUpdate}. */
export interface RmspropSettings {
  readonly lr: number;
  readonly alpha: number;
  readonly eps: number;
  readonly weightDecay: number;
  /** 0: no momentum (`buffer` untouched). */
  readonly momentum: number;
}

/**
 * PyTorch's RMSprop update of `p[from..to)`: d = g + weightDecay p; squareAvg = alpha squareAvg +
 * (1 - alpha) d d; with `gradAvg` (centred) avg = sqrt(squareAvg - gradAvg²) + eps after
 * gradAvg = alpha gradAvg + (1 - alpha) d, else avg = sqrt(squareAvg) + eps; with momentum
 * buffer = momentum buffer + d / avg and p -= lr buffer, else p -= lr d / avg. Computed in
 * float64 and stored as float32: the same bits as SIMD (lrsim's C or WebAssembly) (arrays in a memory given to
 * `useUpdateKernelsOn`) and as the JavaScript loop.
 */
export function rmspropUpdate(
  p: Float32Array,
  g: Float32Array,
  squareAvg: Float32Array,
  gradAvg: Float32Array | undefined,
  buffer: Float32Array,
  from: number,
  to: number,
  s: RmspropSettings,
): void {
  const { lr, alpha, eps, weightDecay, momentum: mu } = s;
  const kernels = gradAvg
    ? kernelsFor(p, g, squareAvg, gradAvg, buffer)
    : kernelsFor(p, g, squareAvg, buffer);
  if (kernels) {
    kernels.rmsprop(
      p.byteOffset,
      g.byteOffset,
      squareAvg.byteOffset,
      gradAvg ? gradAvg.byteOffset : 0,
      buffer.byteOffset,
      from,
      to,
      lr,
      alpha,
      eps,
      weightDecay,
      mu,
      gradAvg !== undefined,
    );
    return;
  }
  for (let i = from; i < to; i++) {
    const d = g[i]! + weightDecay * p[i]!;
    const sq = Math.fround(alpha * squareAvg[i]! + (1 - alpha) * d * d);
    squareAvg[i] = sq;
    let avg: number;
    if (gradAvg) {
      const ga = Math.fround(alpha * gradAvg[i]! + (1 - alpha) * d);
      gradAvg[i] = ga;
      avg = Math.sqrt(sq - ga * ga) + eps;
    } else avg = Math.sqrt(sq) + eps;
    if (mu > 0) {
      const b = Math.fround(mu * buffer[i]! + d / avg);
      buffer[i] = b;
      p[i] = p[i]! - lr * b;
    } else p[i] = p[i]! - (lr * d) / avg;
  }
}
