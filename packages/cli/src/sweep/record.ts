import type { TrainerObserver } from "@lrsim/core";
import { type Db, RunWriter, recordSweepRunOnce } from "@lrsim/store";
import { version } from "../version.ts";
import type { PlannedRun } from "./grid.ts";
import type { SweepJobResult } from "./job.ts";

/**
 * Records a run a worker trained, once: its events are replayed into a `RunWriter` (the same
 * rows a local run writes), inside the transaction that also records its identity, so a run
 * delivered twice — a stalled job processed again, a coordinator resuming — is written once,
 * and a crash half-way writes nothing. Returns whether it was new.
 */
export function recordJobResult(
  db: Db,
  sweepId: number,
  run: PlannedRun,
  job: SweepJobResult,
  attempts: number,
): boolean {
  const { result } = job;
  return recordSweepRunOnce(
    db,
    {
      sweepId,
      runKey: run.key,
      point: run.point,
      seed: run.seed,
      status: result.status === "interrupted" ? "failed" : result.status,
      error: result.error,
      attempts,
      worker: job.worker,
    },
    () => {
      if (!job.start) return null;
      const writer = new RunWriter(db, { workers: job.workers, lrsimVersion: version, flushMs: Infinity });
      let observer: TrainerObserver = {};
      writer.attach({
        observe: (o) => {
          observer = o;
          return () => {};
        },
      });
      observer.runStart?.(job.start);
      for (const step of job.steps) observer.stepEnd?.(step);
      for (const row of job.evaluations) observer.epochEnd?.(row);
      observer.runEnd?.(result);
      if (writer.failure) throw writer.failure;
      return writer.id ?? null;
    },
  );
}

/** Records a job that failed for good (a deterministic error, or its retries used up), once. */
export function recordJobFailure(
  db: Db,
  sweepId: number,
  run: PlannedRun,
  error: string,
  attempts: number,
): boolean {
  return recordSweepRunOnce(
    db,
    {
      sweepId,
      runKey: run.key,
      point: run.point,
      seed: run.seed,
      status: "failed",
      error,
      attempts,
      worker: null,
    },
    () => null,
  );
}
