/**
 * Output losses for one sample. Each writes dLoss/dOutput into `delta` and returns the loss;
 * `correct` is 1 when the prediction is right (classification only).
 */

/** Softmax cross-entropy (PyTorch `CrossEntropyLoss` on logits) for class `label`. */
export function softmaxCrossEntropy(
  logits: Float32Array,
  offset: number,
  classes: number,
  label: number,
  delta: Float32Array,
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
  for (let k = 0; k < classes; k++) delta[offset + k] = Math.exp(logits[offset + k]! - max) / sum;
  delta[offset + label] = delta[offset + label]! - 1;
  result.correct = argmax === label ? 1 : 0;
  return Math.log(sum) + max - logits[offset + label]!;
}

/** Mean squared error over the outputs of one sample (PyTorch `MSELoss`, mean over elements). */
export function meanSquaredError(
  outputs: Float32Array,
  offset: number,
  width: number,
  targets: Float32Array,
  targetOffset: number,
  delta: Float32Array,
): number {
  let loss = 0;
  for (let k = 0; k < width; k++) {
    const diff = outputs[offset + k]! - targets[targetOffset + k]!;
    loss += diff * diff;
    delta[offset + k] = (2 * diff) / width;
  }
  return loss / width;
}
