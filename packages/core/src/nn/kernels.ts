/**
 * The dense-layer inner loops: dot products and axpy with four independent accumulators, so
 * the JIT keeps several multiply-adds in flight. The summation order is fixed, which keeps
 * results bit-for-bit reproducible.
 */

/** sum_k a[aOff + k] * b[bOff + k] for k < n. */
export function dot(a: Float32Array, aOff: number, b: Float32Array, bOff: number, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let k = 0;
  for (; k + 3 < n; k += 4) {
    s0 += a[aOff + k]! * b[bOff + k]!;
    s1 += a[aOff + k + 1]! * b[bOff + k + 1]!;
    s2 += a[aOff + k + 2]! * b[bOff + k + 2]!;
    s3 += a[aOff + k + 3]! * b[bOff + k + 3]!;
  }
  for (; k < n; k++) s0 += a[aOff + k]! * b[bOff + k]!;
  return s0 + s1 + (s2 + s3);
}

/** y[yOff + k] += alpha * x[xOff + k] for k < n. */
export function axpy(
  alpha: number,
  x: Float32Array,
  xOff: number,
  y: Float32Array,
  yOff: number,
  n: number,
): void {
  let k = 0;
  for (; k + 3 < n; k += 4) {
    y[yOff + k] = y[yOff + k]! + alpha * x[xOff + k]!;
    y[yOff + k + 1] = y[yOff + k + 1]! + alpha * x[xOff + k + 1]!;
    y[yOff + k + 2] = y[yOff + k + 2]! + alpha * x[xOff + k + 2]!;
    y[yOff + k + 3] = y[yOff + k + 3]! + alpha * x[xOff + k + 3]!;
  }
  for (; k < n; k++) y[yOff + k] = y[yOff + k]! + alpha * x[xOff + k]!;
}
