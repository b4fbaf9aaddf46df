import type { DataShape, DataSplit, LossSum } from "../plugins/data.ts";
import type { ParameterGroup } from "../plugins/model.ts";
import type { Rng } from "../random.ts";
import type { DenseLayer } from "./dense-layer.ts";
import { meanSquaredError, softmaxCrossEntropy } from "./losses.ts";

/**
 * Where each layer of a dense network `sizes[0] -> ... -> sizes[L]` sits in the flat parameter
 * vector: a row-major weight matrix (outputs x inputs, PyTorch's `nn.Linear.weight`) followed by
 * its bias, layer after layer. Shared by every kernel, so parameters mean the same everywhere.
 */
export interface DenseLayout {
  readonly weightOffsets: readonly number[];
  readonly biasOffsets: readonly number[];
  readonly parameterCount: number;
}

/** The layout of a dense network `sizes[0] -> ... -> sizes[L]`; see {@link DenseLayout}. */
export function denseLayout(sizes: readonly number[]): DenseLayout {
  const weightOffsets: number[] = [];
  const biasOffsets: number[] = [];
  let offset = 0;
  for (let l = 0; l + 1 < sizes.length; l++) {
    weightOffsets.push(offset);
    offset += sizes[l]! * sizes[l + 1]!;
    biasOffsets.push(offset);
    offset += sizes[l + 1]!;
  }
  return { weightOffsets, biasOffsets, parameterCount: offset };
}

/**
 * The parameter groups of a dense network `sizes[0] -> ... -> sizes[L]`: each layer's weight
 * matrix, then its bias, as {@link denseLayout} places them (what LARS and LAMB take norms over).
 */
export function denseParameterGroups(
  sizes: readonly number[],
  layout: DenseLayout = denseLayout(sizes),
): ParameterGroup[] {
  return layout.weightOffsets.flatMap((weights, l) => {
    const bias = layout.biasOffsets[l]!;
    return [
      { from: weights, to: bias, kind: "weight" as const, name: `layer ${l + 1} weight` },
      { from: bias, to: bias + sizes[l + 1]!, kind: "bias" as const, name: `layer ${l + 1} bias` },
    ];
  });
}

/** The layers of a dense network as the dense-layer kernels take them (`denseForward`, `denseBackward`). */
export function denseLayers(
  sizes: readonly number[],
  layout: DenseLayout = denseLayout(sizes),
): DenseLayer[] {
  return layout.weightOffsets.map((weights, l) => ({
    weights,
    bias: layout.biasOffsets[l]!,
    nIn: sizes[l]!,
    nOut: sizes[l + 1]!,
  }));
}

/**
 * Multiply-adds (2 FLOPs each) of one training sample through `sizes`: the forward product of
 * every layer, the weight gradient of every layer and the input gradient of every layer but
 * the first (nothing flows back into the data). Biases and activations are left out: they are
 * O(width). What both kernels report as `flopsPerSample`, for the simulated cluster.
 */
export function denseFlopsPerSample(sizes: readonly number[]): number {
  let flops = 0;
  for (let l = 0; l + 1 < sizes.length; l++) flops += 2 * sizes[l]! * sizes[l + 1]! * (l === 0 ? 2 : 3);
  return flops;
}

/** PyTorch's `nn.Linear` default: weights and biases uniform in ±1/sqrt(fan_in). */
export function initDense(
  sizes: readonly number[],
  layout: DenseLayout,
  params: Float32Array,
  rng: Rng,
): void {
  for (let l = 0; l + 1 < sizes.length; l++) {
    const bound = 1 / Math.sqrt(sizes[l]!);
    const end = layout.biasOffsets[l]! + sizes[l + 1]!;
    for (let i = layout.weightOffsets[l]!; i < end; i++) params[i] = rng.uniform(-bound, bound);
  }
}

/**
 * Adds the output loss of `rows` samples (`indices[start..start+rows)`) whose network outputs
 * are row-major at `outputs[outOffset...]`, and writes dLoss/dOutput row-major at
 * `delta[deltaOffset...]`: softmax cross-entropy for classification (with `labelSmoothing`, see
 * {@link softmaxCrossEntropy}), MSE for regression.
 */
export function outputLoss(
  shape: DataShape,
  outputs: Float32Array,
  outOffset: number,
  delta: Float32Array,
  deltaOffset: number,
  data: DataSplit,
  indices: Int32Array,
  start: number,
  rows: number,
  out: LossSum,
  sampleResult: { correct: number },
  labelSmoothing = 0,
): void {
  const width = shape.outputs;
  for (let r = 0; r < rows; r++) {
    const sample = indices[start + r]!;
    const o = outOffset + r * width;
    const d = deltaOffset + r * width;
    if (shape.task === "classification") {
      out.loss += softmaxCrossEntropy(
        outputs,
        o,
        width,
        data.y[sample]!,
        delta,
        d,
        sampleResult,
        labelSmoothing,
      );
      out.correct += sampleResult.correct;
    } else {
      out.loss += meanSquaredError(outputs, o, width, data.y, sample * width, delta, d);
    }
  }
}
