import { createCatalog } from "@lrsim/builtins";
import {
  type EpochRecord,
  RUN_DEFAULTS,
  type RunOptions,
  type RunResult,
  type StepRecord,
  Trainer,
} from "@lrsim/core";
import { GradientPool } from "@lrsim/parallel";
import { RunWriter } from "@lrsim/store";
import { deriveScheduleSpec } from "../commands/compare-protocol.ts";
import { WORKER_PRELOAD } from "../loader/hooks.ts";
import { version } from "../version.ts";
import { type ExperimentOptions, openRecording, workersOf } from "./common.ts";
import { withScheduleLr } from "./schedule-lr.ts";

/** Options of {@link run}: those of `lrsim run`, camelCased, plus progress callbacks. */
export interface RunExperimentOptions extends RunOptions, ExperimentOptions {
  /**
   * The schedule's learning rate (its `lr`, or `maxLr` for onecycle), as `lrsim run --lr`
   * sets it; an lr written in the schedule spec wins. Default: the schedule's own (0.1 for
   * the built-ins, the same as compare's).
   */
  readonly lr?: number;
  /** Called after every parameter update. */
  readonly onStep?: (step: StepRecord) => void;
  /** Called after every evaluation (each epoch end, and before the first update). */
  readonly onEpoch?: (row: EpochRecord) => void;
}

/** A finished run: what `lrsim run --json` prints, and where it was recorded. */
export type RunExperimentResult = RunResult & {
  /** Its id in the results database, or null when `db: false`. */
  readonly runId: number | null;
};

/**
 * Trains one model under one schedule, as `lrsim run` does: data-parallel on a worker pool,
 * recorded in the results database. Bare `step` means what it means in {@link compare}: a
 * `multistep` decay by 5 at 30/60/80% of the epochs (the result's `schedule` is the spec it
 * became). A failed or diverged run resolves with that status (and its error); bad options
 * reject with an LrsimError, and a bug or a database failing mid-run rejects with its own
 * error. A throwing `onStep`/`onEpoch` is reported, not fatal.
 *
 * @example
 * const r = await run({ schedule: "onecycle(maxLr=0.5)", model: "mlp", dataset: "mnist", epochs: 5 });
 * console.log(r.status, r.final?.testAccuracy, r.updates);
 */
export async function run(options: RunExperimentOptions): Promise<RunExperimentResult> {
  const workers = workersOf(options);
  const pool = new GradientPool({ workers, preload: WORKER_PRELOAD });
  const recording = openRecording(options);
  try {
    const catalog = createCatalog(options.cwd ?? process.cwd());
    const { lr, ...runOptions } = options;
    // Bare `step` means what compare runs (Smith et al.'s milestones); --lr then sets its rate.
    const derived = deriveScheduleSpec(
      options.schedule ?? RUN_DEFAULTS.schedule,
      options.epochs ?? RUN_DEFAULTS.epochs,
    );
    const schedule = lr === undefined ? derived : await withScheduleLr(derived, lr, catalog);
    const trainer = new Trainer(catalog, pool.backend);
    const writer = recording ? new RunWriter(recording.db, { workers, lrsimVersion: version }) : undefined;
    writer?.attach(trainer);
    if (options.onStep) trainer.on("stepEnd", options.onStep);
    if (options.onEpoch) trainer.on("epochEnd", options.onEpoch);
    const result = await trainer.run({ ...runOptions, schedule }, options.signal);
    return { ...result, runId: writer?.id ?? null };
  } finally {
    recording?.db.close();
    await pool.close();
  }
}
