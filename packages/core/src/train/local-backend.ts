import type { StepHyper } from "../optim/types.ts";
import type { ParameterUpdate } from "../optim/update.ts";
import { ChunkReader } from "../plugins/chunk-reader.ts";
import type { LossSum } from "../plugins/data.ts";
import type { Dataset } from "../plugins/dataset.ts";
import { callLossHook, type ModelHookTarget, type PluginOrigin, pluginLabel } from "../plugins/hooks.ts";
import type { ModelInstance } from "../plugins/model.ts";
import type { StepOutcome, TrainingBackend } from "./backend.ts";
import { baseChunkSize, stepChunkSize } from "./config.ts";
import { averageGradient, blockedSquaredNorm, chunkNoiseSample, measuresNoise } from "./noise-scale.ts";

/**
 * Computes gradients in the calling thread, chunk by chunk: each chunk's gradient goes into a
 * scratch slot and is then added to the batch gradient, in chunk order — the same arithmetic
 * the worker pool performs, so both give identical results.
 */
export class LocalBackend implements TrainingBackend {
  readonly params: Float32Array;
  readonly threads = 1;
  private readonly grad: Float32Array;
  private readonly slot: Float32Array;
  private readonly chunkResult: LossSum = { loss: 0, correct: 0 };
  private readonly evalOrder: { train: Int32Array; test: Int32Array };
  /** The model as its loss hooks are called (name, origin, label for errors). */
  private readonly target: ModelHookTarget;
  /** Hands the model each chunk as float32 (decoding byte-stored images). */
  private readonly reader: ChunkReader;

  constructor(
    private readonly model: ModelInstance,
    modelName: string,
    readonly dataset: Dataset,
    /** The optimizer, behind clipping when the run clips (see {@link ParameterUpdate}). */
    private readonly update: ParameterUpdate,
    private readonly chunkSize: number | "auto",
    params: Float32Array,
    private readonly measureNoise: boolean,
    modelOrigin?: PluginOrigin,
  ) {
    this.target = {
      name: modelName,
      origin: modelOrigin,
      label: pluginLabel("model", modelName, modelOrigin),
    };
    this.params = params;
    this.grad = new Float32Array(params.length);
    this.slot = new Float32Array(params.length);
    const identity = (n: number) => Int32Array.from({ length: n }, (_, i) => i);
    this.evalOrder = { train: identity(dataset.train.size), test: identity(dataset.test.size) };
    const { outputs, task } = dataset.shape;
    this.reader = new ChunkReader(dataset.shape.inputs, task === "classification" ? 1 : outputs);
  }

  async step(indices: Int32Array, from: number, to: number, hyper: StepHyper): Promise<StepOutcome> {
    const { grad, slot, params, chunkResult } = this;
    grad.fill(0);
    let loss = 0;
    let correct = 0;
    let smallSquared = 0;
    let fullChunks = 0;
    const chunkSize = stepChunkSize(this.chunkSize, to - from);
    const norms = measuresNoise(this.measureNoise, chunkSize, to - from);
    this.model.beginChunks?.(params);
    for (let start = from; start < to; start += chunkSize) {
      const end = Math.min(start + chunkSize, to);
      const chunk = this.reader.read(this.dataset.train, indices, start, end);
      callLossHook(this.target, "gradient", chunkResult, end - start, () =>
        this.model.gradient(params, chunk.data, chunk.indices, chunk.start, chunk.end, slot, chunkResult),
      );
      for (let i = 0; i < grad.length; i++) grad[i] = grad[i]! + slot[i]!;
      loss += chunkResult.loss;
      correct += chunkResult.correct;
      if (norms && end - start === chunkSize) {
        smallSquared += blockedSquaredNorm(slot, slot.length);
        fullChunks++;
      }
    }
    this.model.endChunks?.();
    const size = to - from;
    const gradientFinite = averageGradient(grad, 0, grad.length, size);
    const noise =
      norms && fullChunks > 0
        ? chunkNoiseSample(chunkSize, smallSquared, fullChunks, size, blockedSquaredNorm(grad, grad.length))
        : undefined;
    this.update.runWhole(params, grad, hyper);
    return { loss: loss / size, correct, noise, gradientFinite };
  }

  async evaluate(split: "train" | "test"): Promise<LossSum> {
    const data = this.dataset[split];
    const order = this.evalOrder[split];
    const total: LossSum = { loss: 0, correct: 0 };
    const chunkSize = baseChunkSize(this.chunkSize);
    for (let start = 0; start < data.size; start += chunkSize) {
      const end = Math.min(start + chunkSize, data.size);
      const chunk = this.reader.read(data, order, start, end);
      callLossHook(this.target, "evaluate", this.chunkResult, end - start, () =>
        this.model.evaluate(this.params, chunk.data, chunk.indices, chunk.start, chunk.end, this.chunkResult),
      );
      total.loss += this.chunkResult.loss;
      total.correct += this.chunkResult.correct;
    }
    return total;
  }

  async close(): Promise<void> {}
}
