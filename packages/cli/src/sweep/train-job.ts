import { hostname } from "node:os";
import {
  type EpochRecord,
  type LrsimError,
  type PluginCatalog,
  planRun,
  resolveRunConfig,
  type StepRecord,
  Trainer,
  type TrainerEvents,
} from "@lrsim/core";
import type { GradientPool } from "@lrsim/parallel";
import type { SweepRunOptions } from "./grid.ts";
import type { SweepJobResult } from "./job.ts";

/** Where a job's run is, for the coordinator's progress line (sent at most once a second). */
export interface JobProgress {
  readonly epoch: number;
  readonly epochs: number;
  readonly testLoss: number | null;
  readonly testAccuracy: number | null;
  readonly worker: string;
}

/** `host:pid` of this process: who trained a run. */
const WORKER_NAME = `${hostname()}:${process.pid}`;

/** Most often a run's progress goes to Redis. */
const PROGRESS_EVERY_MS = 1000;

/**
 * Checks a run's specs against this host's plugins before any training (a bad spec or a
 * plugin this host lacks rejects with its LrsimError — a deterministic failure).
 */
export async function planJob(options: SweepRunOptions, catalog: PluginCatalog): Promise<void> {
  await planRun(resolveRunConfig(options), catalog);
}

/** A run trained by a worker: what goes back to the coordinator, and why it failed, if it did. */
export interface TrainedJob {
  readonly result: SweepJobResult;
  /**
   * The error that ended the run `failed`, with its cause chain (the result keeps only its
   * message): what tells a plugin's network fault (transient) from its bug (deterministic).
   */
  readonly failure: LrsimError | null;
}

/**
 * Trains one run of a sweep on `pool` and keeps everything the coordinator records: the
 * start, every step and evaluation, and the result. Training awaits the pool's threads, so
 * this process's event loop stays free (BullMQ renews the job's lock meanwhile).
 */
export async function trainJob(
  options: SweepRunOptions,
  catalog: PluginCatalog,
  pool: GradientPool,
  key: string,
  signal: AbortSignal,
  onProgress: (progress: JobProgress) => void,
): Promise<TrainedJob> {
  const trainer = new Trainer(catalog, pool.backend);
  let start: Parameters<TrainerEvents["runStart"]>[0] | null = null;
  const steps: StepRecord[] = [];
  const evaluations: EpochRecord[] = [];
  let failure: LrsimError | null = null;
  trainer.observe({
    runStart: (info) => {
      start = info;
    },
    stepEnd: (step) => {
      steps.push(step);
    },
    epochEnd: (row) => {
      evaluations.push(row);
    },
    runFailed: (error) => {
      failure = error;
    },
  });
  let sent = 0;
  const report = (epoch: number, force: boolean) => {
    if (!force && performance.now() - sent < PROGRESS_EVERY_MS) return;
    sent = performance.now();
    const last = evaluations.at(-1);
    onProgress({
      epoch,
      epochs: options.epochs,
      testLoss: last?.testLoss ?? null,
      testAccuracy: last?.testAccuracy ?? null,
      worker: WORKER_NAME,
    });
  };
  trainer.on("stepEnd", (step) => report(step.epoch, false));
  trainer.on("epochEnd", (row) => report(row.epoch, true));
  const result = await trainer.run(options, signal);
  return {
    result: { v: 1, key, worker: WORKER_NAME, workers: pool.workers, start, steps, evaluations, result },
    failure,
  };
}
