import type { DataShape, DataSplit, LossSum } from "../plugins/data.ts";
import type { ModelInstance, ParameterGroup } from "../plugins/model.ts";
import type { Rng } from "../random.ts";
import { type Activation, activate, backpropActivation } from "./activations.ts";
import { type DenseLayer, denseBackward, denseForward, gatherRows } from "./dense-layer.ts";
import {
  type DenseLayout,
  denseFlopsPerSample,
  denseLayers,
  denseLayout,
  denseParameterGroups,
  initDense,
  outputLoss,
} from "./layout.ts";
import type { LossOptions } from "./losses.ts";

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
  /** Each layer's weight matrix and bias ({@link denseParameterGroups}). */
  readonly parameterGroups: readonly ParameterGroup[];
  /** FLOPs of one training sample ({@link denseFlopsPerSample}). */
  readonly flopsPerSample: number;
  /** The portable typed-array loops ({@link ModelInstance.computedBy}). */
  readonly computedBy = "js";
  private readonly layout: DenseLayout;
  /** The layers, as the dense-layer kernels take them. */
  private readonly layers: readonly DenseLayer[];
  /** activations[l]: BLOCK x sizes[l] (activations[0] is the gathered input block). */
  private readonly activations: Float32Array[];
  /** deltas[l]: BLOCK x sizes[l], dLoss/d(pre-activation) of layer l's output. */
  private readonly deltas: Float32Array[];
  private readonly sampleResult = { correct: 0 };

  constructor(
    readonly sizes: readonly number[],
    readonly activation: Activation,
    readonly shape: DataShape,
    private readonly loss: LossOptions = {},
  ) {
    const layout = denseLayout(sizes);
    this.layout = layout;
    this.layers = denseLayers(sizes, layout);
    this.parameterCount = layout.parameterCount;
    this.parameterGroups = denseParameterGroups(sizes, layout);
    this.flopsPerSample = denseFlopsPerSample(sizes);
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
    gatherRows(data.x, this.sizes[0]!, indices, start, rows, this.activations[0]!);
    const layers = this.layers.length;
    for (let l = 0; l < layers; l++) {
      const z = this.activations[l + 1]!;
      denseForward(this.layers[l]!, params, this.activations[l]!, z, rows);
      if (l + 1 < layers) activate(this.activation, z, 0, rows * this.layers[l]!.nOut);
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
      this.loss.labelSmoothing,
    );
  }

  private backward(params: Float32Array, rows: number, grad: Float32Array): void {
    for (let l = this.layers.length - 1; l >= 0; l--) {
      const a = this.activations[l]!;
      const below = l === 0 ? undefined : this.deltas[l]!;
      denseBackward(this.layers[l]!, params, a, this.deltas[l + 1]!, rows, grad, below);
      if (below) backpropActivation(this.activation, a, 0, below, 0, rows * this.layers[l]!.nIn);
    }
  }
}
