import type { DataShape, DataSplit, LossSum } from "../plugins/data.ts";
import type { ModelInstance, ParameterGroup } from "../plugins/model.ts";
import type { Rng } from "../random.ts";
import { activate, backpropActivation } from "./activations.ts";
import type { ConvKernels } from "./conv-kernels.ts";
import { type ConvNetPlan, type ConvStage, convParameterGroups } from "./conv-layers.ts";
import {
  BLOCK,
  type ConvMemory,
  convMemoryLayout,
  isGrey,
  type PackedConv,
  packConvWeights,
  type Step,
  unpackConvGradients,
} from "./conv-memory.ts";
import { outputLoss } from "./layout.ts";
import type { LossOptions } from "./losses.ts";

/**
 * A convolutional network over a plan of stages (see `planConvNet`), computed by a set of
 * {@link ConvKernels} in one linear memory: parameters, gradient, each stage's outputs and
 * deltas for a block of samples, and one sample's im2col rows, all laid out once here, so
 * `gradient` and `evaluate` allocate nothing.
 *
 * Feature maps are channels-last inside (a sample's image is transposed from the dataset's CHW
 * as it is gathered, and back to CHW where it is flattened, so parameters mean exactly what they
 * mean in PyTorch). Each sample goes through the convolution and pooling stages on its own; the
 * fully connected stages take the block's samples as the rows of one matrix product. Every sum
 * is in a fixed order: results depend only on the samples, never on the thread.
 */
export class ConvNetwork implements ModelInstance {
  readonly parameterCount: number;
  /** Each convolution's and dense layer's weights, then its bias, in parameter order (LARS and LAMB leave the biases out). */
  readonly parameterGroups: readonly ParameterGroup[];
  readonly flopsPerSample: number;
  private readonly steps: Step[];
  /** Steps before the first fully connected one run per sample; the rest per block. */
  private readonly firstDense: number;
  private readonly k: ConvKernels;
  private readonly f32: Float32Array;
  private readonly at: ConvMemory;
  /** The convolutions' packed weights, as a list (no iterator per call). */
  private readonly convs: readonly PackedConv[];
  private readonly bufferSizes: number[];
  private readonly sampleResult = { correct: 0 };
  private prepared = false;

  constructor(
    readonly plan: ConvNetPlan,
    readonly shape: DataShape,
    kernels: (bytes: number) => ConvKernels,
    /** What the kernels are, for the run's record ({@link ModelInstance.computedBy}). */
    readonly computedBy: string,
    private readonly loss: LossOptions = {},
  ) {
    this.parameterCount = plan.parameterCount;
    this.parameterGroups = convParameterGroups(plan);
    const layout = convMemoryLayout(plan, shape);
    this.steps = layout.steps;
    this.bufferSizes = layout.bufferSizes;
    this.flopsPerSample = layout.flopsPerSample;
    this.firstDense = layout.firstDense;
    this.at = layout.at;
    this.convs = [...layout.at.packed.values()];
    const bytes = layout.bytes;
    this.k = kernels(bytes);
    this.f32 = new Float32Array(this.k.memory.buffer);
  }

  /** PyTorch's defaults for `nn.Conv2d` and `nn.Linear`: weights and biases uniform in ±1/sqrt(fan_in). */
  init(params: Float32Array, rng: Rng): void {
    for (const stage of this.plan.stages) {
      let fanIn: number;
      let end: number;
      if (stage.kind === "conv") {
        fanIn = stage.input.channels * stage.kernel * stage.kernel;
        end = stage.bias + stage.output.channels;
      } else if (stage.kind === "dense") {
        fanIn = stage.nIn;
        end = stage.bias + stage.nOut;
      } else continue;
      const bound = 1 / Math.sqrt(fanIn);
      for (let i = stage.weights; i < end; i++) params[i] = rng.uniform(-bound, bound);
    }
  }

  beginChunks(params: Float32Array): void {
    this.load(params);
    this.prepared = true;
  }

  /** Copies the parameters into the kernels' memory and packs each convolution's weights. */
  private load(params: Float32Array): void {
    this.f32.set(params, this.at.params >> 2);
    packConvWeights(this.f32, params, this.convs);
  }

  endChunks(): void {
    this.prepared = false;
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
    const P = this.parameterCount;
    const g = this.at.grad >> 2;
    if (!this.prepared) this.load(params);
    this.f32.fill(0, g, g + P);
    for (const packed of this.convs)
      this.f32.fill(0, packed.grad >> 2, (packed.grad >> 2) + packed.stage.output.channels * packed.depth);
    out.loss = 0;
    out.correct = 0;
    for (let start = from; start < to; start += BLOCK) {
      const rows = Math.min(BLOCK, to - start);
      this.forward(data, indices, start, rows);
      this.lossAndDelta(data, indices, start, rows, out);
      this.backward(rows);
    }
    unpackConvGradients(this.f32, this.at.grad, this.convs);
    grad.set(this.f32.subarray(g, g + P));
  }

  evaluate(
    params: Float32Array,
    data: DataSplit,
    indices: Int32Array,
    from: number,
    to: number,
    out: LossSum,
  ): void {
    if (!this.prepared) this.load(params);
    out.loss = 0;
    out.correct = 0;
    for (let start = from; start < to; start += BLOCK) {
      const rows = Math.min(BLOCK, to - start);
      this.forward(data, indices, start, rows);
      this.lossAndDelta(data, indices, start, rows, out);
    }
  }

  /** Copies the block's samples into the input buffer, channels-last. */
  private gather(data: DataSplit, indices: Int32Array, start: number, rows: number): void {
    const n = this.shape.inputs;
    const base = this.at.buffers[0]! >> 2;
    const image = this.shape.image;
    const channels = image?.channels ?? 1;
    const pixels = n / channels;
    for (let r = 0; r < rows; r++) {
      const sample = indices[start + r]! * n;
      const to = base + r * n;
      if (channels === 1) this.f32.set(data.x.subarray(sample, sample + n), to);
      else
        for (let c = 0; c < channels; c++)
          for (let p = 0; p < pixels; p++) this.f32[to + p * channels + c] = data.x[sample + c * pixels + p]!;
    }
  }

  private forward(data: DataSplit, indices: Int32Array, start: number, rows: number): void {
    this.gather(data, indices, start, rows);
    const perSample = this.firstDense < 0 ? this.steps.length : this.firstDense;
    for (let r = 0; r < rows; r++)
      for (let i = 0; i < perSample; i++) this.forwardStep(this.steps[i]!, i, r, 1);
    for (let i = perSample; i < this.steps.length; i++) this.forwardStep(this.steps[i]!, i, 0, rows);
  }

  /** One step for `rows` samples starting at sample `row` of the block. */
  private forwardStep(step: Step, index: number, row: number, rows: number): void {
    const { stage, inSize, outSize } = step;
    const src = this.at.buffers[step.input]! + 4 * row * inSize;
    const dst = this.at.buffers[step.output]! + 4 * row * outSize;
    const k = this.k;
    const p = this.at.params;
    switch (stage.kind) {
      case "conv": {
        const { output: o } = stage;
        const { depth, weights } = this.at.packed.get(stage)!;
        if (isGrey(stage)) {
          const map = this.padded(stage, src);
          k.convGreyForward(
            map,
            stage.input.width + 2 * stage.padding,
            stage.kernel,
            o.height,
            o.width,
            weights,
            depth,
            p + 4 * stage.bias,
            o.channels,
            dst,
          );
          return;
        }
        this.im2col(stage, src, depth);
        k.gemmNT(this.at.cols, weights, p + 4 * stage.bias, dst, o.height * o.width, o.channels, depth);
        return;
      }
      case "maxpool": {
        const { input: m, output: o } = stage;
        const argmax = this.at.argmax.get(index)! + 4 * row * outSize;
        k.maxpool(
          src,
          m.height,
          m.width,
          m.channels,
          stage.size,
          stage.stride,
          o.height,
          o.width,
          dst,
          argmax,
        );
        return;
      }
      case "avgpool": {
        const { input: m, output: o } = stage;
        k.avgpool(src, m.height, m.width, m.channels, stage.size, stage.stride, o.height, o.width, dst);
        return;
      }
      case "flatten":
        k.toChannelsFirst(src, stage.input.height * stage.input.width, stage.input.channels, dst);
        return;
      case "dense":
        k.gemmNT(src, p + 4 * stage.weights, p + 4 * stage.bias, dst, rows, stage.nOut, stage.nIn);
        return;
      case "activation":
        if (stage.activation === "relu") k.relu(dst, rows * outSize);
        else activate(stage.activation, this.f32, dst >> 2, (dst >> 2) + rows * outSize);
        return;
    }
  }

  /** The sample's input map at `src`, copied into a zero border first if the layer pads. */
  private padded(stage: ConvStage, src: number): number {
    const { input: m, padding } = stage;
    if (padding === 0) return src;
    this.k.pad(src, m.height, m.width, m.channels, padding, this.at.padded);
    return this.at.padded;
  }

  /** The im2col rows of one sample's input map at `src` into the column scratch, padded first if the layer pads. */
  private im2col(stage: ConvStage, src: number, depth: number): void {
    const { input: m, output: o, kernel, stride, padding } = stage;
    if (padding === 0) {
      this.k.im2col(
        src,
        m.height,
        m.width,
        m.channels,
        kernel,
        stride,
        0,
        o.height,
        o.width,
        depth,
        this.at.cols,
      );
      return;
    }
    this.k.pad(src, m.height, m.width, m.channels, padding, this.at.padded);
    const height = m.height + 2 * padding;
    const width = m.width + 2 * padding;
    this.k.im2col(
      this.at.padded,
      height,
      width,
      m.channels,
      kernel,
      stride,
      0,
      o.height,
      o.width,
      depth,
      this.at.cols,
    );
  }

  private lossAndDelta(
    data: DataSplit,
    indices: Int32Array,
    start: number,
    rows: number,
    out: LossSum,
  ): void {
    const last = this.bufferSizes.length - 1;
    outputLoss(
      this.shape,
      this.f32,
      this.at.buffers[last]! >> 2,
      this.f32,
      this.at.deltas[last]! >> 2,
      data,
      indices,
      start,
      rows,
      out,
      this.sampleResult,
      this.loss.labelSmoothing,
    );
  }

  private backward(rows: number): void {
    const perSample = this.firstDense < 0 ? this.steps.length : this.firstDense;
    for (let i = this.steps.length - 1; i >= perSample; i--) this.backwardStep(this.steps[i]!, i, 0, rows);
    for (let r = 0; r < rows; r++)
      for (let i = perSample - 1; i >= 0; i--) this.backwardStep(this.steps[i]!, i, r, 1);
  }

  /**
   * Backpropagates one step: adds its parameter gradients and, unless its input is the data,
   * overwrites the delta of its input buffer.
   */
  private backwardStep(step: Step, index: number, row: number, rows: number): void {
    const { stage, inSize, outSize } = step;
    const needInput = step.input !== 0;
    const src = this.at.buffers[step.input]! + 4 * row * inSize;
    const out = this.at.buffers[step.output]! + 4 * row * outSize;
    const delta = this.at.deltas[step.output]! + 4 * row * outSize;
    const inDelta = this.at.deltas[step.input]! + 4 * row * inSize;
    const k = this.k;
    const p = this.at.params;
    const g = this.at.grad;
    switch (stage.kind) {
      case "conv": {
        const { input: m, output: o, kernel, stride, padding } = stage;
        const positions = o.height * o.width;
        const packed = this.at.packed.get(stage)!;
        const depth = packed.depth;
        if (isGrey(stage)) {
          const map = this.padded(stage, src);
          const width = m.width + 2 * padding;
          k.convGreyBackward(
            map,
            width,
            kernel,
            o.height,
            o.width,
            delta,
            o.channels,
            this.at.planes,
            packed.grad,
            depth,
            g + 4 * stage.bias,
          );
        } else {
          this.im2col(stage, src, depth);
          k.gemmTNAcc(delta, this.at.cols, packed.grad, g + 4 * stage.bias, positions, o.channels, depth);
        }
        if (!needInput) return;
        k.gemmNN(delta, packed.weights, this.at.colDeltas, positions, o.channels, depth);
        k.col2im(
          this.at.colDeltas,
          m.height,
          m.width,
          m.channels,
          kernel,
          stride,
          padding,
          o.height,
          o.width,
          depth,
          inDelta,
        );
        return;
      }
      case "maxpool":
        if (needInput)
          k.maxpoolBackward(delta, this.at.argmax.get(index)! + 4 * row * outSize, outSize, inDelta, inSize);
        return;
      case "avgpool": {
        const { input: m, output: o } = stage;
        if (needInput)
          k.avgpoolBackward(
            delta,
            m.height,
            m.width,
            m.channels,
            stage.size,
            stage.stride,
            o.height,
            o.width,
            inDelta,
          );
        return;
      }
      case "flatten":
        if (needInput)
          k.toChannelsLast(delta, stage.input.height * stage.input.width, stage.input.channels, inDelta);
        return;
      case "dense":
        k.gemmTNAcc(delta, src, g + 4 * stage.weights, g + 4 * stage.bias, rows, stage.nOut, stage.nIn);
        if (needInput) k.gemmNN(delta, p + 4 * stage.weights, inDelta, rows, stage.nOut, stage.nIn);
        return;
      case "activation":
        if (stage.activation === "relu") k.reluBackward(out, delta, rows * outSize);
        else backpropActivation(stage.activation, this.f32, out >> 2, this.f32, delta >> 2, rows * outSize);
        return;
    }
  }
}
