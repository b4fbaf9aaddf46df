import type { EpochRecord, PluginCatalog, RunOptions, RunResult, StepRecord } from "@lrsim/core";
import { Trainer } from "@lrsim/core";
import { GradientPool } from "@lrsim/parallel";
import { type Db, RunWriter } from "@lrsim/store";
import { WORKER_PRELOAD } from "../loader/hooks.ts";
import { version } from "../version.ts";
import type { RunExperimentResult } from "./run.ts";
import { type RunSlots, runStages } from "./run-slots.ts";

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
  readonly slots: RunSlots;
  readonly catalog: PluginCatalog;
  /** Where runs are recorded as they train, or undefined to record nothing. */
  readonly db: Db | undefined;
  readonly comparisonId?: number | undefined;
  readonly signal?: AbortSignal | undefined;
  /** A result already known for run `index` (resuming): it is reported, not trained. */
  readonly known?: (index: number) => RunExperimentResult | undefined;
}

/**
 * Trains a batch of independent runs, `slots.parallel` at a time, each slot on its own worker
 * pool of `slots.workersPerRun` threads, in the stages of `runStages` (the left-over runs may
 * end on all the threads, on pools started with enough for them; see run-slots.ts). Each run
 * is bit-for-bit what it would be alone, since a run's result does not depend on its worker
 * count. Runs with a known result (resuming) are reported first and not trained. An
 * interrupted run (the signal) stops new runs from starting; the runs in progress end
 * `interrupted` too. The result holds, by index, every run that ended (undefined for those
 * never started).
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
  let next = 0;
  let stopping = false;
  const slot = async (pool: GradientPool, workers: number, end: number) => {
    while (!stopping && next < end && !batch.signal?.aborted) {
      const index = todo[next++]!;
      const result = await trainOne(batch, pool, workers, index);
      results[index] = result;
      batch.onRunEnd?.(index, result);
      if (result.status === "interrupted") stopping = true;
    }
  };
  const stages = runStages(todo.length, batch.slots);
  // Slot i's pool has the most threads any stage gives it, started once: the left-over runs
  // of the last stage take the threads the side-by-side runs left idle, without new threads.
  const sizes = Array.from({ length: Math.max(0, ...stages.map((s) => s.parallel)) }, (_, i) =>
    Math.max(...stages.filter((s) => i < s.parallel).map((s) => s.workersPerRun)),
  );
  const pools = sizes.map((workers) => new GradientPool({ workers, preload: WORKER_PRELOAD }));
  try {
    for (const stage of stages) {
      if (stopping || batch.signal?.aborted) break;
      const end = next + stage.runs;
      await Promise.all(pools.slice(0, stage.parallel).map((pool) => slot(pool, stage.workersPerRun, end)));
    }
  } finally {
    await Promise.all(pools.map((pool) => pool.close()));
  }
  return results;
}

async function trainOne(
  batch: ManyRuns,
  pool: GradientPool,
  workers: number,
  index: number,
): Promise<RunExperimentResult> {
  const trainer = new Trainer(batch.catalog, pool.backendOn(workers));
  const writer = batch.db
    ? new RunWriter(batch.db, {
        workers,
        lrsimVersion: version,
        comparisonId: batch.comparisonId,
      })
    : undefined;
  writer?.attach(trainer);
  if (batch.onStep) trainer.on("stepEnd", (step) => batch.onStep?.(index, step));
  if (batch.onEpoch) trainer.on("epochEnd", (row) => batch.onEpoch?.(index, row));
  batch.onRunStart?.(index);
  const result: RunResult = await trainer.run(batch.runs[index]!, batch.signal);
  return { ...result, runId: writer?.id ?? null };
}
