/**
 * Output losses for one sample. Each writes dLoss/dOutput into `delta` at `deltaOffset` (which
 * may be the same array as the outputs) and returns the loss; `correct` is 1 when the
 * prediction is right (classification only).
 */

/** Softmax cross-entropy (PyTorch `CrossEntropyLoss` on logits) for class `label`. */
export function softmaxCrossEntropy(
  logits: Float32Array,
  offset: number,
  classes: number,
  label: number,
  delta: Float32Array,
  deltaOffset: number,
  result: { correct: number },
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
  const loss = Math.log(sum) + max - logits[offset + label]!;
  for (let k = 0; k < classes; k++) delta[deltaOffset + k] = Math.exp(logits[offset + k]! - max) / sum;
  delta[deltaOffset + label] = delta[deltaOffset + label]! - 1;
  result.correct = argmax === label ? 1 : 0;
  return loss;
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
