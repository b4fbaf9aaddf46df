import { createCatalog } from "@lrsim/builtins";
import { type EpochRecord, type RunOptions, type RunResult, type StepRecord, Trainer } from "@lrsim/core";
import { GradientPool } from "@lrsim/parallel";
import { RunWriter } from "@lrsim/store";
import { WORKER_PRELOAD } from "../loader/hooks.ts";
import { version } from "../version.ts";
import { type ExperimentOptions, openRecording, workersOf } from "./common.ts";

/** Options of {@link run}: those of `lrsim run`, camelCased, plus progress callbacks. */
export interface RunExperimentOptions extends RunOptions, ExperimentOptions {
  /** Called after every parameter update. */
  readonly onStep?: (step: StepRecord) => void;
  /** Called after every evaluation (each epoch end, and before the first update). */
  readonly onEpoch?: (row: EpochRecord) => void;
}

/** A finished run: what `lrsim run --json` prints, and where it was recorded. */
export interface RunExperimentResult extends RunResult {
  /** Its id in the results database, or null when `db: false`. */
  readonly runId: number | null;
}

/**
 * Trains one model under one schedule, as `lrsim run` does: data-parallel on a worker pool,
 * recorded in the results database. A failed or diverged run resolves with that status (and
 * its error); only bad options reject.
 *
 * @example
 * const r = await run({ schedule: "onecycle(maxLr=0.5)", model: "mlp", dataset: "mnist", epochs: 5 });
 * console.log(r.status, r.final.testAccuracy, r.updates);
 */
export async function run(options: RunExperimentOptions): Promise<RunExperimentResult> {
  const workers = workersOf(options);
  const pool = new GradientPool({ workers, preload: WORKER_PRELOAD });
  const recording = openRecording(options);
  try {
    const trainer = new Trainer(createCatalog(options.cwd ?? process.cwd()), pool.backend);
    const writer = recording ? new RunWriter(recording.db, { workers, lrsimVersion: version }) : undefined;
    writer?.attach(trainer);
    if (options.onStep) trainer.on("stepEnd", options.onStep);
    if (options.onEpoch) trainer.on("epochEnd", options.onEpoch);
    const result = await trainer.run(options, options.signal);
    return { ...result, runId: writer?.id ?? null };
  } finally {
    recording?.db.close();
    await pool.close();
  }
}
