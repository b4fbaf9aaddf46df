import type { DataShape, DataSplit, LossSum } from "../plugins/data.ts";
import type { ModelInstance } from "../plugins/model.ts";
import type { Rng } from "../random.ts";
import { type Activation, activate, backpropActivation } from "./activations.ts";
import { axpy, dot } from "./kernels.ts";
import { type DenseLayout, denseLayout, initDense, outputLoss } from "./layout.ts";

/** Rows processed together, so each weight row is reused from cache across a block of samples. */
const BLOCK = 32;

/**
 * A fully connected network `sizes[0] -> ... -> sizes[L]` with an activation between layers,
 * trained with softmax cross-entropy (classification) or mean squared error (regression).
 * Parameters are laid out layer by layer, each as a row-major weight matrix
 * (outputs x inputs, like PyTorch's `nn.Linear.weight`) followed by its bias.
 *
 * Samples are processed in blocks of 32 rows; all scratch memory is allocated once here, so
 * `gradient` and `evaluate` allocate nothing. Linear regression, softmax regression and the
 * MLP are all instances of this class.
 */
export class DenseNetwork implements ModelInstance {
  readonly parameterCount: number;
  private readonly layout: DenseLayout;
  private readonly weightOffsets: readonly number[];
  private readonly biasOffsets: readonly number[];
  /** activations[l]: BLOCK x sizes[l] (activations[0] is the gathered input block). */
  private readonly activations: Float32Array[];
  /** deltas[l]: BLOCK x sizes[l], dLoss/d(pre-activation) of layer l's output. */
  private readonly deltas: Float32Array[];
  private readonly sampleResult = { correct: 0 };

  constructor(
    readonly sizes: readonly number[],
    readonly activation: Activation,
    readonly shape: DataShape,
  ) {
    const layout = denseLayout(sizes);
    this.layout = layout;
    this.weightOffsets = layout.weightOffsets;
    this.biasOffsets = layout.biasOffsets;
    this.parameterCount = layout.parameterCount;
    this.activations = sizes.map((n) => new Float32Array(BLOCK * n));
    this.deltas = sizes.map((n) => new Float32Array(BLOCK * n));
  }

  /** PyTorch's `nn.Linear` default: weights and biases uniform in ±1/sqrt(fan_in). */
  init(params: Float32Array, rng: Rng): void {
    initDense(this.sizes, this.layout, params, rng);
  }

  gradient(
    params: Float32Array,
    data: DataSplit,
    indices: Int32Array,
    from: number,
    to: number,
    grad: Float32Array,
    out: LossSum,
  ): void {
    grad.fill(0);
    out.loss = 0;
    out.correct = 0;
    for (let start = from; start < to; start += BLOCK) {
      const rows = Math.min(BLOCK, to - start);
      this.forward(params, data, indices, start, rows);
      this.lossAndDelta(data, indices, start, rows, out);
      this.backward(params, rows, grad);
    }
  }

  evaluate(
    params: Float32Array,
    data: DataSplit,
    indices: Int32Array,
    from: number,
    to: number,
    out: LossSum,
  ): void {
    out.loss = 0;
    out.correct = 0;
    for (let start = from; start < to; start += BLOCK) {
      const rows = Math.min(BLOCK, to - start);
      this.forward(params, data, indices, start, rows);
      this.lossAndDelta(data, indices, start, rows, out);
    }
  }

  private forward(
    params: Float32Array,
    data: DataSplit,
    indices: Int32Array,
    start: number,
    rows: number,
  ): void {
    const inputs = this.sizes[0]!;
    const input = this.activations[0]!;
    for (let r = 0; r < rows; r++)
      input.set(
        data.x.subarray(indices[start + r]! * inputs, (indices[start + r]! + 1) * inputs),
        r * inputs,
      );
    const layers = this.sizes.length - 1;
    for (let l = 0; l < layers; l++) {
      const nIn = this.sizes[l]!;
      const nOut = this.sizes[l + 1]!;
      const a = this.activations[l]!;
      const z = this.activations[l + 1]!;
      const wOff = this.weightOffsets[l]!;
      const bOff = this.biasOffsets[l]!;
      for (let o = 0; o < nOut; o++) {
        const bias = params[bOff + o]!;
        const row = wOff + o * nIn;
        for (let r = 0; r < rows; r++) z[r * nOut + o] = bias + dot(a, r * nIn, params, row, nIn);
      }
      if (l + 1 < layers) activate(this.activation, z, 0, rows * nOut);
    }
  }

  private lossAndDelta(
    data: DataSplit,
    indices: Int32Array,
    start: number,
    rows: number,
    out: LossSum,
  ): void {
    const L = this.sizes.length - 1;
    outputLoss(
      this.shape,
      this.activations[L]!,
      0,
      this.deltas[L]!,
      0,
      data,
      indices,
      start,
      rows,
      out,
      this.sampleResult,
    );
  }

  private backward(params: Float32Array, rows: number, grad: Float32Array): void {
    for (let l = this.sizes.length - 2; l >= 0; l--) {
      const nIn = this.sizes[l]!;
      const nOut = this.sizes[l + 1]!;
      const a = this.activations[l]!;
      const delta = this.deltas[l + 1]!;
      const wOff = this.weightOffsets[l]!;
      const bOff = this.biasOffsets[l]!;
      for (let o = 0; o < nOut; o++) {
        const row = wOff + o * nIn;
        let biasGrad = 0;
        for (let r = 0; r < rows; r++) {
          const d = delta[r * nOut + o]!;
          if (d === 0) continue;
          biasGrad += d;
          axpy(d, a, r * nIn, grad, row, nIn);
        }
        grad[bOff + o] = grad[bOff + o]! + biasGrad;
      }
      if (l === 0) break;
      const below = this.deltas[l]!;
      below.fill(0, 0, rows * nIn);
      for (let r = 0; r < rows; r++) {
        for (let o = 0; o < nOut; o++) {
          const d = delta[r * nOut + o]!;
          if (d !== 0) axpy(d, params, wOff + o * nIn, below, r * nIn, nIn);
        }
      }
      backpropActivation(this.activation, a, 0, below, 0, rows * nIn);
    }
  }
}
