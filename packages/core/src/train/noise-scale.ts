/**
 * The gradient noise scale of McCandlish, Kaplan, Amodei et al. (2018), "An Empirical Model of
 * Large-Batch Training", appendix A.1: from one gradient estimate at a small batch size `b`
 * and one at a big batch size `B`, unbiased estimates of the true gradient's squared norm and
 * of the trace of the per-sample covariance are
 *
 *   |G|^2  ~= (B |G_B|^2 - b |G_b|^2) / (B - b)
 *   tr(S)  ~= (|G_b|^2 - |G_B|^2) / (1/b - 1/B)
 *
 * and B_simple = tr(S) / |G|^2 estimates the critical batch size. Each is noisy, so both are
 * smoothed with an exponential moving average before taking the ratio, as the paper does.
 * lrsim's small batches are the chunks of a step (their mean squared norm), the big one is the
 * whole batch.
 */

/** What a step measured: mean |chunk gradient|^2 over its full chunks, and |batch gradient|^2. */
export interface NoiseSample {
  readonly small: number;
  readonly smallSquared: number;
  readonly big: number;
  readonly bigSquared: number;
}

/** Unbiased one-step estimates of |G|^2 and tr(S); undefined when the two batch sizes coincide. */
export function noiseEstimates(sample: NoiseSample): { gradSquared: number; trace: number } | undefined {
  const { small: b, big: B, smallSquared, bigSquared } = sample;
  if (!(B > b && b > 0)) return undefined;
  return {
    gradSquared: (B * bigSquared - b * smallSquared) / (B - b),
    trace: (smallSquared - bigSquared) / (1 / b - 1 / B),
  };
}

/**
 * Whether a step of `batchSize` samples in chunks of `chunkSize` measures gradient norms for the
 * noise scale: only when it is asked to and the batch has more than one chunk. A one-chunk batch
 * has a single batch size (b = B), so {@link noiseEstimates} has nothing to say of it and the
 * tracker would drop the sample: the two norms it would take (17 µs each for the MNIST MLP)
 * were 17% of such a step with the native kernel.
 */
export function measuresNoise(requested: boolean, chunkSize: number, batchSize: number): boolean {
  return requested && batchSize > chunkSize;
}

/** Updates a tracker needs before it reports anything. */
const NOISE_MIN_UPDATES = 10;

/**
 * What the tracker can say so far: B_simple, or null and why not. It reports a value only
 * when both smoothed estimates are positive and stable: each more than twice its standard
 * error (from the smoothed variance of the one-step estimates), after {@link NOISE_MIN_UPDATES}
 * usable updates. Near a minimum the true gradient drowns in its noise and the |G|^2 estimate
 * turns negative or wildly unstable; the ratio is then meaningless, so it is not reported.
 */
export type NoiseScaleReading =
  | { readonly value: number; readonly why: null }
  | { readonly value: null; readonly why: string };

/** An exponential moving average with bias correction, and the standard error of its mean. */
class Smoothed {
  private mean = 0;
  private square = 0;

  constructor(private readonly decay: number) {}

  add(x: number): void {
    this.mean = this.decay * this.mean + (1 - this.decay) * x;
    this.square = this.decay * this.square + (1 - this.decay) * x * x;
  }

  /** The bias-corrected mean, given the tracker's total weight. */
  value(weight: number): number {
    return this.mean / weight;
  }

  /** Standard error of the smoothed mean, as if the one-step estimates were independent. */
  standardError(weight: number): number {
    const mean = this.mean / weight;
    const variance = Math.max(0, this.square / weight - mean * mean);
    return Math.sqrt((variance * (1 - this.decay)) / (1 + this.decay));
  }
}

/** Smooths the two estimates (EMA with bias correction) and reports B_simple when it can be trusted. */
export class NoiseScaleTracker {
  private readonly gradSquared: Smoothed;
  private readonly trace: Smoothed;
  private weight = 0;
  private count = 0;

  constructor(private readonly decay = 0.95) {
    this.gradSquared = new Smoothed(decay);
    this.trace = new Smoothed(decay);
  }

  /** Adds one step's gradient norms (or nothing, when the step could not measure them). */
  add(sample: NoiseSample | undefined): void {
    const estimate = sample && noiseEstimates(sample);
    if (!estimate || !Number.isFinite(estimate.gradSquared) || !Number.isFinite(estimate.trace)) return;
    this.gradSquared.add(estimate.gradSquared);
    this.trace.add(estimate.trace);
    this.weight = this.decay * this.weight + (1 - this.decay);
    this.count++;
  }

  /** B_simple = tr(S) / |G|^2, or why it is not reported (see `NoiseScaleReading`). */
  reading(): NoiseScaleReading {
    if (this.count === 0)
      return { value: null, why: "no update had two batch sizes to compare (a batch of one chunk)" };
    if (this.count < NOISE_MIN_UPDATES)
      return { value: null, why: `fewer than ${NOISE_MIN_UPDATES} updates measured so far` };
    const g = this.gradSquared.value(this.weight);
    const s = this.trace.value(this.weight);
    if (!(g > 2 * this.gradSquared.standardError(this.weight)))
      return {
        value: null,
        why: "the |G|^2 estimate is not clearly positive: the gradient is lost in its noise",
      };
    if (!(s > 2 * this.trace.standardError(this.weight)))
      return { value: null, why: "the tr(S) estimate is not clearly positive: too little noise to measure" };
    return { value: s / g, why: null };
  }

  /** B_simple when {@link reading} reports one, else null. */
  value(): number | null {
    return this.reading().value;
  }
}

/**
 * What a step measured, from the sum of its `fullChunks` (at least one) full chunks' squared
 * norms (each chunk gradient a sum over its samples) and the mean batch gradient's squared
 * norm. Both backends report their steps through this, so they agree to the bit.
 */
export function chunkNoiseSample(
  chunkSize: number,
  chunkSquaredSum: number,
  fullChunks: number,
  batchSize: number,
  bigSquared: number,
): NoiseSample {
  return {
    small: chunkSize,
    smallSquared: chunkSquaredSum / fullChunks / chunkSize ** 2,
    big: batchSize,
    bigSquared,
  };
}

/**
 * Turns `grad[from..to)`, summed over a batch, into the mean gradient in place; returns false if
 * an entry is NaN or infinite. The check rides on this pass: the double sum of float32 values is
 * non-finite exactly when one of them is (they cannot overflow it).
 */
export function averageGradient(grad: Float32Array, from: number, to: number, batchSize: number): boolean {
  let check = 0;
  for (let i = from; i < to; i++) {
    const g = grad[i]! / batchSize;
    grad[i] = g;
    check += g;
  }
  return Number.isFinite(check);
}

/** Parameters per block of the squared-norm sums: fixed, so sums do not depend on how work is split. */
export const NORM_BLOCK = 4096;

/**
 * |v|^2 of `values[0..length)` summed block by block (float64 within a block, blocks in order),
 * the order every backend uses, so the result is the same bits however the blocks were shared out.
 */
export function blockedSquaredNorm(values: Float32Array, length: number): number {
  let total = 0;
  for (let block = 0; block < length; block += NORM_BLOCK)
    total += squaredNormRange(values, block, Math.min(length, block + NORM_BLOCK));
  return total;
}

/**
 * |v|^2 of `values[from..to)` in float64, in the one order the pool's SIMD kernel also uses
 * (`packages/parallel/assembly/reduce.ts`): four running sums over the elements at offsets
 * 0, 1, 2, 3 (mod 4) from `from`, added as (s0 + s1) + (s2 + s3), then the tail in order.
 * Squares of float32 values are exact in float64, so only this order decides the bits; four
 * independent sums also let the loop run at the adder's throughput instead of its latency.
 */
export function squaredNormRange(values: Float32Array, from: number, to: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = from;
  for (; i + 3 < to; i += 4) {
    const a = values[i]!;
    const b = values[i + 1]!;
    const c = values[i + 2]!;
    const d = values[i + 3]!;
    s0 += a * a;
    s1 += b * b;
    s2 += c * c;
    s3 += d * d;
  }
  let sum = s0 + s1 + (s2 + s3);
  for (; i < to; i++) sum += values[i]! * values[i]!;
  return sum;
}
