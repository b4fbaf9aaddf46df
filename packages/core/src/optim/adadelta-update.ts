import { kernelsFor } from "./update-kernel.ts";

/** The settings of one {@link adadeltaUpdate}. */
export interface AdadeltaSettings {
  readonly lr: number;
  readonly rho: number;
  readonly eps: number;
  readonly weightDecay: number;
}

/**
 * PyTorch's Adadelta update of `p[from..to)`: d = g + weightDecay p; squareAvg = rho squareAvg +
 * (1 - rho) d d; delta = sqrt(accDelta + eps) / sqrt(squareAvg + eps) d; accDelta = rho accDelta
 * + (1 - rho) delta delta; p -= lr delta. Computed in float64 and stored as float32: the same
 * bits as SIMD (lrsim's C or WebAssembly) (arrays in a memory given to `useUpdateKernelsOn`) and as the
 * JavaScript loop.
 */
export function adadeltaUpdate(
  p: Float32Array,
  g: Float32Array,
  squareAvg: Float32Array,
  accDelta: Float32Array,
  from: number,
  to: number,
  s: AdadeltaSettings,
): void {
  const { lr, rho, eps, weightDecay } = s;
  const kernels = kernelsFor(p, g, squareAvg, accDelta);
  if (kernels) {
    kernels.adadelta(
      p.byteOffset,
      g.byteOffset,
      squareAvg.byteOffset,
      accDelta.byteOffset,
      from,
      to,
      lr,
      rho,
      eps,
      weightDecay,
    );
    return;
  }
  for (let i = from; i < to; i++) {
    const d = g[i]! + weightDecay * p[i]!;
    const sq = Math.fround(rho * squareAvg[i]! + (1 - rho) * d * d);
    squareAvg[i] = sq;
    const delta = (Math.sqrt(accDelta[i]! + eps) / Math.sqrt(sq + eps)) * d;
    accDelta[i] = rho * accDelta[i]! + (1 - rho) * delta * delta;
    p[i] = p[i]! - lr * delta;
  }
}
