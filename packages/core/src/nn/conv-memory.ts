import type { DataShape } from "../plugins/data.ts";
import type { ConvNetPlan, ConvNetStage, ConvStage } from "./conv-layers.ts";

/**
 * Whether a convolution runs as a direct convolution (`convGreyForward`/`convGreyBackward`):
 * one input channel, stride 1 — the first layer on grey images, where im2col's rows would be
 * runs of a few floats. Measured faster than im2col there (docs/decisions.md).
 */
export const isGrey = (stage: ConvStage) => stage.input.channels === 1 && stage.stride === 1;

/** Samples per block: the fully connected layers multiply a block at a time. */
export const BLOCK = 32;

/** A stage with the buffers it reads and writes (indices into the network's buffers). */
export interface Step {
  readonly stage: ConvNetStage;
  readonly input: number;
  readonly output: number;
  /** Floats per sample of the input and output buffers. */
  readonly inSize: number;
  readonly outSize: number;
}

/**
 * A convolution's weights as its products take them: one row of `depth` floats per output
 * channel in im2col's (kernel row, kernel column, channel) order, zero-padded to a multiple of
 * 4; `weights` and `grad` are their byte offsets in the kernels' memory.
 */
export interface PackedConv {
  readonly stage: ConvStage;
  readonly depth: number;
  readonly weights: number;
  readonly grad: number;
}

/** Where a network's data sits in its kernels' memory: byte offsets, 16-byte aligned. */
export interface ConvMemory {
  readonly params: number;
  readonly grad: number;
  /** Each buffer's block of samples: buffer 0 is the gathered input, then one per non-activation stage. */
  readonly buffers: readonly number[];
  readonly deltas: readonly number[];
  /** The int32 argmax block of each max-pooling step, by step index. */
  readonly argmax: ReadonlyMap<number, number>;
  readonly packed: ReadonlyMap<ConvStage, PackedConv>;
  /** One sample's im2col rows, their deltas, a padded input map, a grey convolution's delta planes. */
  readonly cols: number;
  readonly colDeltas: number;
  readonly padded: number;
  readonly planes: number;
}

/** A network's steps, buffer sizes and memory layout, and how many bytes its kernels need. */
interface ConvMemoryLayout {
  readonly steps: Step[];
  readonly bufferSizes: number[];
  /** Index of the first fully connected step: the steps before it run per sample. */
  readonly firstDense: number;
  readonly flopsPerSample: number;
  readonly at: ConvMemory;
  readonly bytes: number;
}

/**
 * Lays a plan out in one linear memory: which buffer each step reads and writes (activations
 * work in place), each buffer and delta for a block of {@link BLOCK} samples, the per-sample
 * scratch, and each convolution's packed weights and gradient, 16-byte aligned. Also counts
 * the FLOPs of one training sample (forward, weight gradient, and input gradient except where
 * the input is the data).
 */
export function convMemoryLayout(plan: ConvNetPlan, shape: DataShape): ConvMemoryLayout {
  const sizes = [shape.inputs];
  const steps: Step[] = [];
  let maxCols = 4;
  let maxPadded = 4;
  let maxPlanes = 4;
  let flops = 0;
  for (const stage of plan.stages) {
    const input = sizes.length - 1;
    const inSize = sizes[input]!;
    let outSize = inSize;
    if (stage.kind === "conv") {
      const { output, input: map, kernel } = stage;
      const rows = output.height * output.width;
      outSize = rows * output.channels;
      const depth = Math.ceil((map.channels * kernel * kernel) / 4) * 4;
      maxCols = Math.max(maxCols, rows * depth);
      const p = stage.padding;
      if (p > 0) maxPadded = Math.max(maxPadded, (map.height + 2 * p) * (map.width + 2 * p) * map.channels);
      if (isGrey(stage)) maxPlanes = Math.max(maxPlanes, outSize);
      flops += 2 * rows * output.channels * map.channels * kernel * kernel * (input === 0 ? 2 : 3);
    } else if (stage.kind === "maxpool" || stage.kind === "avgpool") {
      outSize = stage.output.channels * stage.output.height * stage.output.width;
    } else if (stage.kind === "dense") {
      outSize = stage.nOut;
      flops += 2 * stage.nIn * stage.nOut * (input === 0 ? 2 : 3);
    }
    if (stage.kind !== "activation") sizes.push(outSize);
    steps.push({ stage, input, output: sizes.length - 1, inSize, outSize });
  }

  let bytes = 64;
  const take = (floats: number) => {
    const start = bytes;
    bytes += Math.ceil((floats * 4) / 16) * 16;
    return start;
  };
  const argmax = new Map<number, number>();
  const packed = new Map<ConvStage, PackedConv>();
  const at: ConvMemory = {
    params: take(plan.parameterCount),
    grad: take(plan.parameterCount),
    buffers: sizes.map((n) => take(BLOCK * n)),
    deltas: sizes.map((n) => take(BLOCK * n)),
    argmax,
    packed,
    cols: take(maxCols + 4), // 3 floats of slack: im2col copies whole vectors
    colDeltas: take(maxCols),
    padded: take(maxPadded),
    planes: take(maxPlanes),
  };
  steps.forEach(({ stage, outSize }, i) => {
    if (stage.kind === "maxpool") argmax.set(i, take(BLOCK * outSize));
    if (stage.kind === "conv") {
      const depth = Math.ceil((stage.input.channels * stage.kernel * stage.kernel) / 4) * 4;
      const floats = stage.output.channels * depth;
      packed.set(stage, { stage, depth, weights: take(floats), grad: take(floats) });
    }
  });
  const firstDense = steps.findIndex((s) => s.stage.kind === "dense");
  return { steps, bufferSizes: sizes, firstDense, flopsPerSample: flops, at, bytes };
}

/** Packs each convolution's PyTorch-ordered weights from `params` into its rows of `depth` in `f32`. */
export function packConvWeights(f32: Float32Array, params: Float32Array, packed: Iterable<PackedConv>): void {
  for (const { stage, depth, weights } of packed) {
    const { kernel, input, output } = stage;
    const channels = input.channels;
    for (let o = 0; o < output.channels; o++)
      for (let c = 0; c < channels; c++)
        for (let ky = 0; ky < kernel; ky++)
          for (let kx = 0; kx < kernel; kx++)
            f32[(weights >> 2) + o * depth + (ky * kernel + kx) * channels + c] =
              params[stage.weights + ((o * channels + c) * kernel + ky) * kernel + kx]!;
  }
}

/** Writes each convolution's packed weight gradient back in PyTorch's order into the gradient at byte offset `grad`. */
export function unpackConvGradients(f32: Float32Array, grad: number, packed: Iterable<PackedConv>): void {
  const g = grad >> 2;
  for (const { stage, depth, grad: rows } of packed) {
    const { kernel, input, output } = stage;
    const channels = input.channels;
    for (let o = 0; o < output.channels; o++)
      for (let c = 0; c < channels; c++)
        for (let ky = 0; ky < kernel; ky++)
          for (let kx = 0; kx < kernel; kx++)
            f32[g + stage.weights + ((o * channels + c) * kernel + ky) * kernel + kx] =
              f32[(rows >> 2) + o * depth + (ky * kernel + kx) * channels + c]!;
  }
}
