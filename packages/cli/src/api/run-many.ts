import type { EpochRecord, LrsimError, PluginCatalog, RunOptions, RunResult, StepRecord } from "@lrsim/core";
import { Trainer } from "@lrsim/core";
import { GradientPool } from "@lrsim/parallel";
import { type Db, RunWriter } from "@lrsim/store";
import { WORKER_PRELOAD } from "../loader/hooks.ts";
import { version } from "../version.ts";
import { closeAfterGrace } from "./resources.ts";
import type { RunExperimentResult } from "./run.ts";
import { chooseRunSlots, runStages } from "./run-slots.ts";

/** Callbacks of {@link runMany}, by the run's index in the batch. */
interface ManyRunsHooks {
  /** Run `index` is about to start. */
  readonly onRunStart?: ((index: number) => void) | undefined;
  readonly onStep?: ((index: number, step: StepRecord) => void) | undefined;
  readonly onEpoch?: ((index: number, row: EpochRecord) => void) | undefined;
  /** Run `index` has ended (completed or not). */
  readonly onRunEnd?: ((index: number, result: RunExperimentResult) => void) | undefined;
}

/** What {@link runMany} trains and where it records. */
export interface ManyRuns extends ManyRunsHooks {
  /** The runs, in order; the result list has the same order whatever order they finish in. */
  readonly runs: readonly RunOptions[];
  /** Worker threads in all (0: in the calling thread, one run at a time). */
  readonly workers: number;
  /** Runs at once, given explicitly (`--runs-at-once`); default: {@link chooseRunSlots}'s choice. */
  readonly runsAtOnce?: number | undefined;
  readonly catalog: PluginCatalog;
  /** Where runs are recorded as they train, or undefined to record nothing. */
  readonly db: Db | undefined;
  readonly comparisonId?: number | undefined;
  readonly signal?: AbortSignal | undefined;
  /** A result already known for run `index` (resuming): it is reported, not trained. */
  readonly known?: (index: number) => RunExperimentResult | undefined;
}

/**
 * Trains a batch of independent runs on one worker pool: the runs still to train (those
 * without a known result, which are reported first) are split among the threads by
 * {@link chooseRunSlots} and trained in the stages of {@link runStages}, each run on its share
 * of the pool's threads (`GradientPool.backendOn`), so the left-over runs of the last stage
 * take the threads the side-by-side runs used and no thread beyond `workers` is started. Each
 * run is bit-for-bit what it would be alone, since a run's result does not depend on its
 * worker count. An interrupted run (the signal) stops new runs from starting; the runs in
 * progress end `interrupted` too. When the database stops taking a run's records (a full disk,
 * a lock held too long, a damaged file), that run ends `failed` with the database's reason and
 * the others are interrupted, and then the database's error is thrown: nothing more could be
 * recorded. A run that throws (a callback's bug) likewise stops new runs and interrupts the ones
 * beside it, which end and are reported before the error is thrown again. The result holds, by
 * index, every run that ended (undefined for those never started). A stop that a run does not
 * honour within a second (a plugin's gradient that never returns) ends the pool's threads, as
 * `lrsim run` does, so Ctrl-C always ends the batch.
 */
export async function runMany(batch: ManyRuns): Promise<(RunExperimentResult | undefined)[]> {
  const results: (RunExperimentResult | undefined)[] = new Array(batch.runs.length).fill(undefined);
  const todo: number[] = [];
  for (const [index] of batch.runs.entries()) {
    const known = batch.known?.(index);
    if (!known) todo.push(index);
    else {
      results[index] = known;
      batch.onRunEnd?.(index, known);
    }
  }
  const stages = runStages(
    todo.length,
    chooseRunSlots({ runs: todo.length, workers: batch.workers, runsAtOnce: batch.runsAtOnce }),
  );
  // The runs' own signal: the caller's, or a sibling run's failure.
  const stop = new AbortController();
  const signal = batch.signal ? AbortSignal.any([batch.signal, stop.signal]) : stop.signal;
  let next = 0;
  let failure: { error: unknown } | undefined;
  const slot = async (pool: GradientPool, workers: number, end: number) => {
    while (!signal.aborted && next < end) {
      const index = todo[next++]!;
      // The database refused the run's records (disk full, locked too long, damaged).
      let refused: LrsimError | undefined;
      try {
        const trained = await trainOne(batch, pool, workers, index, signal, (reason) => {
          refused ??= reason;
          stop.abort();
        });
        const result: RunExperimentResult = refused
          ? { ...trained, status: "failed", error: refused.message }
          : trained;
        results[index] = result;
        batch.onRunEnd?.(index, result);
        if (refused) failure ??= { error: refused };
      } catch (error) {
        failure ??= { error };
        stop.abort();
      }
    }
  };
  // One pool with as many threads as any stage uses at once (never more than `workers`).
  const pool = new GradientPool({
    workers: signal.aborted ? 0 : Math.max(0, ...stages.map((s) => s.parallel * s.workersPerRun)),
    preload: WORKER_PRELOAD,
  });
  const disarm = closeAfterGrace(signal, pool);
  try {
    for (const stage of stages) {
      if (signal.aborted) break;
      const end = next + stage.runs;
      await Promise.all(Array.from({ length: stage.parallel }, () => slot(pool, stage.workersPerRun, end)));
    }
  } finally {
    disarm();
    await pool.close();
  }
  if (failure) throw failure.error;
  return results;
}

async function trainOne(
  batch: ManyRuns,
  pool: GradientPool,
  workers: number,
  index: number,
  signal: AbortSignal,
  onRefused: (failure: LrsimError) => void,
): Promise<RunExperimentResult> {
  const trainer = new Trainer(batch.catalog, pool.backendOn(workers));
  const writer = batch.db
    ? new RunWriter(batch.db, {
        workers,
        lrsimVersion: version,
        comparisonId: batch.comparisonId,
        onFailure: onRefused,
      })
    : undefined;
  writer?.attach(trainer);
  if (batch.onStep) trainer.on("stepEnd", (step) => batch.onStep?.(index, step));
  if (batch.onEpoch) trainer.on("epochEnd", (row) => batch.onEpoch?.(index, row));
  batch.onRunStart?.(index);
  const result: RunResult = await trainer.run(batch.runs[index]!, signal);
  return { ...result, runId: writer?.id ?? null };
}
