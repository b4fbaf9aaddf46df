import type { StepHyper } from "../optim/types.ts";
import type { LossSum } from "../plugins/data.ts";
import type { Dataset } from "../plugins/dataset.ts";
import type { NoiseSample } from "./noise-scale.ts";

/** What a training step returns: the batch's mean loss and its number of correct predictions. */
export interface StepOutcome {
  readonly loss: number;
  readonly correct: number;
  /** Squared norms of the chunk and batch gradients, for the noise scale (when measured). */
  readonly noise: NoiseSample | undefined;
  /** False when the batch gradient has a NaN or infinite entry (checked on the way, at no extra pass). */
  readonly gradientFinite: boolean;
}

/**
 * Where gradients are computed: in-process (`LocalBackend`) or on a worker pool. Either
 * way a batch is cut into chunks of a fixed size and chunk results are summed in chunk order,
 * so the arithmetic — and the result, bit for bit — does not depend on the backend.
 */
export interface TrainingBackend {
  /** The parameters, initialised. */
  readonly params: Float32Array;
  /** Threads computing gradients, to turn wall time into compute time per sample per thread. */
  readonly threads: number;
  /** Gradient of the mean loss over `indices[from..to)` of the training set, then one optimizer update. */
  step(indices: Int32Array, from: number, to: number, hyper: StepHyper): Promise<StepOutcome>;
  /** Summed loss and correct count over a whole split, in chunk order. */
  evaluate(split: "train" | "test"): Promise<LossSum>;
  /** Releases threads or memory; the backend is unusable afterwards. */
  close(): Promise<void>;
  readonly dataset: Dataset;
}
