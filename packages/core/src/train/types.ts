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
  /**
   * Smoothed gradient noise scale B_simple so far (McCandlish et al., "An Empirical Model of
   * Large-Batch Training", 2018); null unless both of its estimates are positive and stable.
   */
  readonly noiseScale: number | null;
  /** Why {@link noiseScale} is null (null when it is a number, or unknown for stored runs). */
  readonly noiseScaleWhy: string | null;
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

/** The last evaluation of a run: its losses and test accuracy (null for regression). */
export interface FinalMetrics {
  readonly trainLoss: number;
  readonly testLoss: number;
  readonly testAccuracy: number | null;
}

/** What every run's summary holds, whatever its status. */
export interface RunSummary {
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
  /** The simulated cluster's hardware preset (see cluster.ts). */
  readonly cluster: string;
  /** The global L2 norm the mean gradient was clipped to before every update; absent when not clipped. */
  readonly clipGradNorm?: number;
  /** One row per evaluation, epoch 0 (before training) first. */
  readonly history: readonly EpochRecord[];
}

/** A run that trained every epoch. */
interface CompletedRun extends RunSummary {
  readonly status: "completed";
  readonly final: FinalMetrics;
  readonly error: null;
}

/** A run stopped because its loss went non-finite or exploded: a result, not a crash. */
interface DivergedRun extends RunSummary {
  readonly status: "diverged";
  /** The evaluation after the update that diverged (its losses may be NaN or Infinity: they are what was measured). */
  readonly final: FinalMetrics;
  /** What diverged, and when. */
  readonly error: string;
}

/** A run stopped by its signal (Ctrl-C) between updates. */
interface InterruptedRun extends RunSummary {
  readonly status: "interrupted";
  /** The evaluation at the update where it stopped. */
  readonly final: FinalMetrics;
  readonly error: null;
}

/** A run ended by a plugin's error or bad input found mid-run (an LrsimError). */
interface FailedRun extends RunSummary {
  readonly status: "failed";
  /** The last evaluation before the failure; null when it failed before the first one. */
  readonly final: FinalMetrics | null;
  /** The error's one-line message. */
  readonly error: string;
}

/**
 * The summary of a run, a union on `status` (what `lrsim run --json` prints): a completed,
 * diverged or interrupted run has its final evaluation; a failed one carries its error and the
 * last evaluation it reached, if any. A bug in lrsim is not a status: `Trainer.run` rejects.
 */
export type RunResult = CompletedRun | DivergedRun | InterruptedRun | FailedRun;

/**
 * Typed events a trainer emits. Listeners (`trainer.on`) are best-effort: one that throws is
 * reported through `listenerError` and the run goes on. Observers (`trainer.observe`), such as
 * the store's RunWriter, get the same calls first and their errors end the run.
 */
export interface TrainerEvents {
  /** Before the first update, once plugins are built and the data is loaded. */
  runStart: (info: {
    config: import("./config.ts").RunConfig;
    parameterCount: number;
    /** What computes the model (see ModelInstance.computedBy), or null when it does not say. */
    kernel: string | null;
    trainSize: number;
    testSize: number;
    specs: { schedule: string; model: string; dataset: string; optimizer: string };
  }) => void;
  /** After every optimizer update, before the next batch is drawn. */
  stepEnd: (step: StepRecord) => void;
  /** After each epoch's evaluation (and once for epoch 0, before training). */
  epochEnd: (record: EpochRecord) => void;
  /**
   * Just before `runEnd`, when a plugin's error or bad input found mid-run ended the run
   * `failed`: the error itself, with its `cause` chain (the result keeps only its message).
   * For callers that must tell a network fault under a plugin from the plugin's own bug.
   */
  runFailed: (error: import("../errors.ts").LrsimError) => void;
  /** Once, whatever the status (not when the run rejects with an internal error). */
  runEnd: (result: RunResult) => void;
  /**
   * When a listener of another event threw. A listener's error does not fail the run (training
   * goes on); with no listener for this event it is written to the console as a warning.
   */
  listenerError: (info: { event: keyof TrainerEvents; error: unknown }) => void;
}
