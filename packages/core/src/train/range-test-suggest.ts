/**
 * Learning-rate suggestions from a range test's (lr, smoothed loss) curve. Three rules, because
 * practitioners use all three and they disagree:
 *
 * - `steepest`: the lr where the smoothed loss falls fastest per unit of log10(lr)
 *   (pytorch-lr-finder's suggestion; the Learning Rate Finder article's "largest change in loss for a given lr").
 * - `valley`: fastai's default — inside the longest stretch over which the loss keeps
 *   decreasing, the point half a third past its first third.
 * - `minimumOverTen`: a tenth of the lr at the lowest loss (the one-cycle article, Smith's rule of thumb).
 */
export interface Suggestions {
  readonly steepest: number | null;
  readonly valley: number | null;
  readonly minimumOverTen: number | null;
}

/** Index of the steepest descent of `losses` against log10(`lrs`), by central differences. */
export function steepestIndex(lrs: readonly number[], losses: readonly number[]): number | null {
  if (lrs.length < 3) return null;
  let best: number | null = null;
  let bestSlope = 0;
  for (let i = 1; i + 1 < lrs.length; i++) {
    const slope = (losses[i + 1]! - losses[i - 1]!) / (Math.log10(lrs[i + 1]!) - Math.log10(lrs[i - 1]!));
    if (Number.isFinite(slope) && slope < bestSlope) {
      bestSlope = slope;
      best = i;
    }
  }
  return best;
}

/** fastai's `valley` rule (fastai/callback/schedule.py), index form. */
export function valleyIndex(losses: readonly number[]): number | null {
  const n = losses.length;
  if (n < 2) return null;
  const lds = new Array<number>(n).fill(1);
  let maxStart = 0;
  let maxEnd = 0;
  for (let i = 1; i < n; i++) {
    for (let j = 0; j < i; j++) {
      if (losses[i]! < losses[j]! && lds[i]! < lds[j]! + 1) lds[i] = lds[j]! + 1;
      if (lds[maxEnd]! < lds[i]!) {
        maxEnd = i;
        maxStart = maxEnd - lds[maxEnd]!;
      }
    }
  }
  const sections = (maxEnd - maxStart) / 3;
  return Math.min(n - 1, maxStart + Math.trunc(sections) + Math.trunc(sections / 2));
}

/** All three suggestions from a curve (points with a non-finite loss are ignored). */
export function suggestLearningRates(lrs: readonly number[], smoothed: readonly number[]): Suggestions {
  const keep = smoothed.map((l, i) => (Number.isFinite(l) ? i : -1)).filter((i) => i >= 0);
  const x = keep.map((i) => lrs[i]!);
  const y = keep.map((i) => smoothed[i]!);
  const steep = steepestIndex(x, y);
  const valley = valleyIndex(y);
  let minimum = -1;
  y.forEach((l, i) => {
    if (minimum < 0 || l < y[minimum]!) minimum = i;
  });
  return {
    steepest: steep === null ? null : x[steep]!,
    valley: valley === null ? null : x[valley]!,
    minimumOverTen: minimum < 0 ? null : x[minimum]! / 10,
  };
}

/** The rule the headline suggestion follows, in order of preference (see `headlineSuggestion`). */
export const HEADLINE_RULES = [
  "minimumOverTen",
  "valley",
  "steepest",
] as const satisfies readonly (keyof Suggestions)[];

/**
 * The headline suggestion of a range test: a tenth of the lr at the minimum, falling back to
 * valley, then steepest, when a rule has nothing to say. Measured on every built-in dataset
 * (docs/range-test.md): the minimum sits where the loss is about to blow up, so a tenth of it
 * is fast yet safe; valley tends to be an order of magnitude more cautious, and steepest can
 * land on the blow-up itself (4.75 on the MNIST MLP).
 */
export function headlineSuggestion(s: Suggestions): number | null {
  for (const rule of HEADLINE_RULES) if (s[rule] !== null) return s[rule];
  return null;
}
