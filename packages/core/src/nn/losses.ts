/**
 * Output losses for one sample. Each writes dLoss/dOutput into `delta` at `deltaOffset` (which
 * may be the same array as the outputs) and returns the loss; `correct` is 1 when the
 * prediction is right (classification only).
 */

/** How a network's output loss is computed, beyond its task: options every model using these losses takes. */
export interface LossOptions {
  /** Label smoothing of cross-entropy, in [0, 1] (PyTorch's `label_smoothing`); 0 by default. */
  readonly labelSmoothing?: number;
}

/**
 * Softmax cross-entropy (PyTorch `CrossEntropyLoss` on logits) for class `label`. With
 * `labelSmoothing` = e > 0 the target is (1 - e) on the label plus e / K on each of the K
 * classes, as `CrossEntropyLoss(label_smoothing=e)` (Szegedy et al. 2016, "Rethinking the
 * Inception Architecture"): loss = logsumexp(z) - (1 - e) z_label - e mean(z), and
 * dLoss/dz_k = softmax(z)_k - e / K - (1 - e) [k = label].
 */
export function softmaxCrossEntropy(
  logits: Float32Array,
  offset: number,
  classes: number,
  label: number,
  delta: Float32Array,
  deltaOffset: number,
  result: { correct: number },
  labelSmoothing = 0,
): number {
  let max = Number.NEGATIVE_INFINITY;
  let argmax = 0;
  for (let k = 0; k < classes; k++) {
    const z = logits[offset + k]!;
    if (z > max) {
      max = z;
      argmax = k;
    }
  }
  let sum = 0;
  for (let k = 0; k < classes; k++) sum += Math.exp(logits[offset + k]! - max);
  for (let k = 0; k < classes; k++) delta[deltaOffset + k] = Math.exp(logits[offset + k]! - max) / sum;
  result.correct = argmax === label ? 1 : 0;
  if (labelSmoothing === 0) {
    delta[deltaOffset + label] = delta[deltaOffset + label]! - 1;
    return Math.log(sum) + max - logits[offset + label]!;
  }
  const spread = labelSmoothing / classes;
  let total = 0;
  for (let k = 0; k < classes; k++) {
    total += logits[offset + k]!;
    delta[deltaOffset + k] = delta[deltaOffset + k]! - spread;
  }
  delta[deltaOffset + label] = delta[deltaOffset + label]! - (1 - labelSmoothing);
  return Math.log(sum) + max - (1 - labelSmoothing) * logits[offset + label]! - spread * total;
}

/** Mean squared error over the outputs of one sample (PyTorch `MSELoss`, mean over elements). */
export function meanSquaredError(
  outputs: Float32Array,
  offset: number,
  width: number,
  targets: Float32Array,
  targetOffset: number,
  delta: Float32Array,
  deltaOffset: number,
): number {
  let loss = 0;
  for (let k = 0; k < width; k++) {
    const diff = outputs[offset + k]! - targets[targetOffset + k]!;
    loss += diff * diff;
    delta[deltaOffset + k] = (2 * diff) / width;
  }
  return loss / width;
}
