/** How a run ended. A diverged run is a result, not an exception. */
export type RunStatus = "completed" | "diverged" | "failed" | "interrupted";

/** The lr, batch size and momentum in force, as the schedule gave them. */
export interface ScheduleReading {
  readonly lr: number;
  readonly batchSize: number;
  readonly momentum: number | undefined;
}

/** One evaluation: full passes over the training and test sets. */
export interface Evaluation {
  readonly trainLoss: number;
  /** null for regression. */
  readonly trainAccuracy: number | null;
  readonly testLoss: number;
  readonly testAccuracy: number | null;
}

/** One row of a run's history: the state at the end of an epoch (epoch 0 is before training). */
export interface EpochRecord extends Evaluation, ScheduleReading {
  readonly epoch: number;
  readonly updates: number;
  readonly samples: number;
  readonly wallMs: number;
  /** Smoothed gradient noise scale B_simple so far (McCandlish et al.); null before it can be estimated. */
  readonly noiseScale: number | null;
  /** Simulated time on the configured cluster so far, in ms (see cluster.ts). */
  readonly clusterMs: number;
}

/** What a step reports: its batch's mean loss and the schedule's values it used. */
export interface StepRecord extends ScheduleReading {
  /** Updates so far, including this one (1 for the first). */
  readonly step: number;
  /** Epochs so far as samples seen / training-set size: fractional within an epoch. */
  readonly epoch: number;
  readonly samples: number;
  readonly loss: number;
  /** Batch accuracy; null for regression. */
  readonly accuracy: number | null;
  readonly wallMs: number;
}

/** The summary of a run: what `lrsim run --json` prints. */
export interface RunResult {
  readonly status: RunStatus;
  readonly schedule: string;
  readonly model: string;
  readonly dataset: string;
  readonly optimizer: string;
  readonly batchSize: number;
  readonly seed: number;
  /** Epochs completed (fractional when the run stopped inside an epoch). */
  readonly epochs: number;
  readonly updates: number;
  readonly samples: number;
  readonly wallMs: number;
  /** Simulated time of the whole run on `devices` devices, in ms. */
  readonly clusterMs: number;
  readonly devices: number;
  readonly final: {
    readonly trainLoss: number;
    readonly testLoss: number;
    readonly testAccuracy: number | null;
  };
  readonly history: readonly EpochRecord[];
  /** Why the run failed or diverged. */
  readonly error: string | null;
}

/** Typed events a trainer emits; the store and progress display hook into them. */
export interface TrainerEvents {
  /** Before the first update, once plugins are built and the data is loaded. */
  runStart: (info: {
    config: import("./config.ts").RunConfig;
    parameterCount: number;
    trainSize: number;
    testSize: number;
    specs: { schedule: string; model: string; dataset: string; optimizer: string };
  }) => void;
  /** After every optimizer update, before the next batch is drawn. */
  stepEnd: (step: StepRecord) => void;
  /** After the evaluation every `evalEvery` updates (not at epoch ends). */
  evaluation: (info: { step: number; epoch: number; evaluation: Evaluation }) => void;
  /** After each epoch's evaluation (and once for epoch 0, before training). */
  epochEnd: (record: EpochRecord) => void;
  /** Once, whatever the status. */
  runEnd: (result: RunResult) => void;
}
