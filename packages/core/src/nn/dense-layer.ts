import { axpy, dot } from "./kernels.ts";

/**
 * One fully connected layer over a block of samples, forward and backward, in the layout of
 * {@link denseLayout}: a row-major weight matrix (outputs x inputs, PyTorch's
 * `nn.Linear.weight`) at `weights`, its bias at `bias`, both offsets into the flat parameter
 * vector. Samples are rows: sample `r`'s `nIn` inputs start at `r * nIn`. These are the loops of
 * the built-in `mlp`'s portable kernel, so a model built from them sums in the same fixed
 * order (bit-for-bit reproducible) and allocates nothing.
 */
export interface DenseLayer {
  /** Offset of the weight matrix in the parameter vector. */
  readonly weights: number;
  /** Offset of the bias vector in the parameter vector. */
  readonly bias: number;
  /** Inputs per sample. */
  readonly nIn: number;
  /** Outputs per sample. */
  readonly nOut: number;
}

/**
 * `output[r][o] = bias[o] + sum_i weights[o][i] * input[r][i]` for `rows` samples: the layer's
 * pre-activations, overwriting `output[0 .. rows * nOut)`.
 */
export function denseForward(
  layer: DenseLayer,
  params: Float32Array,
  input: Float32Array,
  output: Float32Array,
  rows: number,
): void {
  const { nIn, nOut } = layer;
  for (let o = 0; o < nOut; o++) {
    const bias = params[layer.bias + o]!;
    const row = layer.weights + o * nIn;
    for (let r = 0; r < rows; r++) output[r * nOut + o] = bias + dot(input, r * nIn, params, row, nIn);
  }
}

/**
 * Backpropagates `delta` (dLoss/d pre-activation, `rows x nOut`) through the layer: **adds**
 * the weight and bias gradients into `grad` (so call it once per block on a zeroed `grad`),
 * and, when `inputDelta` is given, overwrites its first `rows * nIn` entries with dLoss/d input
 * (apply `backpropActivation` to it next for the layer below).
 */
export function denseBackward(
  layer: DenseLayer,
  params: Float32Array,
  input: Float32Array,
  delta: Float32Array,
  rows: number,
  grad: Float32Array,
  inputDelta?: Float32Array,
): void {
  const { nIn, nOut } = layer;
  for (let o = 0; o < nOut; o++) {
    const row = layer.weights + o * nIn;
    let biasGrad = 0;
    for (let r = 0; r < rows; r++) {
      const d = delta[r * nOut + o]!;
      if (d === 0) continue;
      biasGrad += d;
      axpy(d, input, r * nIn, grad, row, nIn);
    }
    grad[layer.bias + o] = grad[layer.bias + o]! + biasGrad;
  }
  if (!inputDelta) return;
  inputDelta.fill(0, 0, rows * nIn);
  for (let r = 0; r < rows; r++)
    for (let o = 0; o < nOut; o++) {
      const d = delta[r * nOut + o]!;
      if (d !== 0) axpy(d, params, layer.weights + o * nIn, inputDelta, r * nIn, nIn);
    }
}

/**
 * Copies the inputs of samples `indices[start .. start + rows)` of `x` (`nIn` floats each)
 * into `block` as consecutive rows, the input block a first {@link denseForward} reads.
 */
export function gatherRows(
  x: Float32Array,
  nIn: number,
  indices: Int32Array,
  start: number,
  rows: number,
  block: Float32Array,
): void {
  for (let r = 0; r < rows; r++) {
    const sample = indices[start + r]!;
    block.set(x.subarray(sample * nIn, (sample + 1) * nIn), r * nIn);
  }
}
