import { createCatalog } from "@lrsim/builtins";
import {
  type EpochRecord,
  RUN_DEFAULTS,
  type RunOptions,
  type RunResult,
  type StepRecord,
  Trainer,
} from "@lrsim/core";
import { RunWriter } from "@lrsim/store";
import { version } from "../version.ts";
import { type ExperimentOptions, recordingPath, workersOf } from "./common.ts";
import { deriveScheduleSpec } from "./compare-protocol.ts";
import { type ExperimentResources, withExperiment } from "./resources.ts";
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
 * became). A failed or diverged run resolves with that status (and
 * its error) — so does a run the database stopped taking (disk full, a lock held past the busy
 * timeout): `failed`, the rows written before kept. Bad options reject with an LrsimError, and
 * a bug or an unexplained database failure mid-run rejects with its own error. A throwing
 * `onStep`/`onEpoch` is reported, not fatal.
 *
 * @example
 * const r = await run({ schedule: "onecycle(maxLr=0.5)", model: "mlp", dataset: "mnist", epochs: 5 });
 * console.log(r.status, r.final?.testAccuracy, r.updates);
 */
export async function run(options: RunExperimentOptions): Promise<RunExperimentResult> {
  const workers = workersOf(options);
  return withExperiment(
    { workers, db: recordingPath(options), signal: options.signal },
    async (resources) => {
      const catalog = createCatalog(options.cwd ?? process.cwd());
      const { lr, ...runOptions } = options;
      // Bare `step` means what compare runs (Smith et al.'s milestones); --lr then sets its rate.
      const derived = deriveScheduleSpec(
        options.schedule ?? RUN_DEFAULTS.schedule,
        options.epochs ?? RUN_DEFAULTS.epochs,
      );
      const schedule = lr === undefined ? derived : await withScheduleLr(derived, lr, catalog);
      const trainer = new Trainer(catalog, resources.pool.backend);
      const writer = attachWriter(trainer, resources, workers);
      if (options.onStep) trainer.on("stepEnd", options.onStep);
      if (options.onEpoch) trainer.on("epochEnd", options.onEpoch);
      const result = await trainer.run({ ...runOptions, schedule }, resources.signal);
      return { ...failedBy(result, resources), runId: writer?.id ?? null };
    },
  );
}

/** Records a trainer's run in the experiment's database (if any); a refused write stops the run. */
export function attachWriter(
  trainer: Trainer,
  resources: ExperimentResources,
  workers: number,
  comparisonId?: number,
): RunWriter | undefined {
  if (!resources.db) return undefined;
  const writer = new RunWriter(resources.db, {
    workers,
    lrsimVersion: version,
    comparisonId,
    onFailure: (failure) => resources.stop(failure),
  });
  writer.attach(trainer);
  return writer;
}

/** A run the database stopped (rather than the user) ended `failed`, with the database's reason. */
export function failedBy(result: RunResult, resources: ExperimentResources): RunResult {
  const failure = resources.stopped;
  if (!failure) return result;
  return { ...result, status: "failed", error: failure.message };
}
