import type { Db } from "@lrsim/store";
import { recordedKeys } from "@lrsim/store";
import { type Job, Queue } from "bullmq";
import type { PlannedRun } from "./grid.ts";
import { decodeResult, type SweepJobData, validateJobData } from "./job.ts";
import { connectionOf, jobOptions } from "./queue.ts";
import { recordJobFailure, recordJobResult } from "./record.ts";
import type { RedisTarget } from "./redis-url.ts";
import type { JobProgress } from "./train-job.ts";

/** What the coordinator tells its display, after each look at the queue. */
export interface CoordinatorState {
  /** Runs of the sweep recorded (before and during this session). */
  readonly recorded: number;
  readonly planned: number;
  /** Runs being trained now, by identity, with their latest progress. */
  readonly active: ReadonlyMap<string, JobProgress | undefined>;
}

/** One coordinator session over a sweep's queue. */
export interface Coordination {
  readonly db: Db;
  readonly sweep: { readonly id: number; readonly uid: string };
  readonly runs: readonly PlannedRun[];
  readonly target: RedisTarget;
  readonly queue: string;
  readonly signal?: AbortSignal | undefined;
  /** How often the queue is looked at (default 500 ms). */
  readonly pollMs?: number;
  /** First retry delay of a job that failed transiently (default 5 s; doubles each retry). */
  readonly retryDelayMs?: number | undefined;
  readonly onState?: ((state: CoordinatorState) => void) | undefined;
  /** A run was recorded (`fresh` false: it had been recorded already, a duplicate delivery). */
  readonly onRecorded?:
    | ((run: PlannedRun, status: string, error: string | null, fresh: boolean) => void)
    | undefined;
  /** A problem worth one line (Redis gone, a foreign job), password-free. */
  readonly log?: ((line: string) => void) | undefined;
}

/** The id a run's job gets: the sweep's uid and the run's identity, so adding it again is a no-op. */
const jobIdOf = (uid: string, key: string) => `${uid}.${key}`;

/** Jobs fetched per look, at most, of each state. */
const PAGE = 500;
/**
 * Jobs missing from Redis (a server restarted without persistence) are enqueued again as soon
 * as the sweep's marker key is seen gone, and every this many looks anyway (already-queued
 * jobs are not added twice).
 */
const REENQUEUE_EVERY = 20;

/**
 * Enqueues every unrecorded run of the sweep as a BullMQ job (its id is its identity, so
 * jobs already in the queue are not added twice) and records results as they arrive: a
 * completed job's run is written once (see record.ts) and its job removed; a job failed for
 * good is recorded `failed` with its cause. Returns when every run is recorded or the signal
 * trips (jobs stay queued: `lrsim sweep --resume` collects them later).
 */
export async function coordinate(c: Coordination): Promise<void> {
  const queue = new Queue(c.queue, { connection: connectionOf(c.target) });
  let lastError = "";
  queue.on("error", (error) => {
    const line = `redis ${c.target.masked}: ${error.message}`;
    if (line !== lastError) c.log?.(line);
    lastError = line;
  });
  const byKey = new Map(c.runs.map((run) => [run.key, run]));
  const opts = jobOptions(c.retryDelayMs);
  /**
   * Set in Redis once the sweep's jobs are in; gone means Redis lost its data (restarted
   * empty). Under the queue's own prefix, so a Redis ACL that admits BullMQ's keys admits it.
   */
  const marker = queue.toKey(`lrsim-enqueued:${c.sweep.uid}`);
  try {
    const enqueue = async () => {
      const done = recordedKeys(c.db, c.sweep.id);
      const todo = c.runs.filter((run) => !done.has(run.key));
      for (let i = 0; i < todo.length; i += PAGE)
        await queue.addBulk(
          todo.slice(i, i + PAGE).map((run) => ({
            name: "run",
            data: {
              v: 1,
              sweep: c.sweep.uid,
              key: run.key,
              point: run.point,
              options: run.options,
            } satisfies SweepJobData,
            opts: { ...opts, jobId: jobIdOf(c.sweep.uid, run.key) },
          })),
        );
      await (await queue.client).set(marker, "1");
      return done.size;
    };
    let recorded = await enqueue();
    // At least one look, even when everything is recorded: results delivered again are collected (and dropped).
    for (let look = 0; look === 0 || (recorded < c.runs.length && !c.signal?.aborted); look++) {
      if (look > 0) await sleep(c.pollMs ?? 500, c.signal);
      if (c.signal?.aborted) break;
      try {
        if (look > 0 && (look % REENQUEUE_EVERY === 0 || (await (await queue.client).get(marker)) === null))
          await enqueue();
        await collect(queue, c, byKey);
        const active = new Map<string, JobProgress | undefined>();
        for (const job of await queue.getJobs(["active"], 0, PAGE)) {
          if (job?.data?.sweep !== c.sweep.uid) continue;
          active.set(String(job.data.key), isProgress(job.progress) ? job.progress : undefined);
        }
        recorded = recordedKeys(c.db, c.sweep.id).size;
        c.onState?.({ recorded, planned: c.runs.length, active });
      } catch (error) {
        // Redis went away mid-look: ioredis reconnects; look again next time.
        const line = `redis ${c.target.masked}: ${error instanceof Error ? error.message : String(error)}`;
        if (line !== lastError) c.log?.(line);
        lastError = line;
      }
    }
    // Done: nothing left to enqueue again.
    if (recorded >= c.runs.length) await (await queue.client).del(marker).catch(() => {});
  } finally {
    await queue.close();
  }
}

/** Records this sweep's finished jobs (completed or failed for good) and removes them from Redis. */
async function collect(queue: Queue, c: Coordination, byKey: Map<string, PlannedRun>): Promise<void> {
  const ours = (job: Job | undefined): job is Job => job?.data?.sweep === c.sweep.uid;
  for (const job of (await queue.getJobs(["completed"], 0, PAGE)).filter(ours)) {
    const run = runOf(job, byKey, c);
    if (run) {
      const result = decodeResult(String(job.returnvalue));
      if (result.key !== run.key) c.log?.(`job ${job.id}: its result is for another run; ignored`);
      else {
        const fresh = recordJobResult(c.db, c.sweep.id, run, result, Math.max(1, job.attemptsStarted));
        c.onRecorded?.(run, result.result.status, result.result.error, fresh);
      }
    }
    await job.remove();
  }
  for (const job of (await queue.getJobs(["failed"], 0, PAGE)).filter(ours)) {
    const run = runOf(job, byKey, c);
    if (run) {
      const error = job.failedReason || "failed";
      const fresh = recordJobFailure(c.db, c.sweep.id, run, error, Math.max(1, job.attemptsStarted));
      c.onRecorded?.(run, "failed", error, fresh);
    }
    await job.remove();
  }
}

/** The planned run a job of this sweep stands for; a job that is not one (tampered, foreign) is logged and skipped. */
function runOf(job: Job, byKey: Map<string, PlannedRun>, c: Coordination): PlannedRun | undefined {
  try {
    const data = validateJobData(job.id ?? "?", job.data);
    const run = byKey.get(data.key);
    if (!run) c.log?.(`job ${job.id}: not a run of this sweep's grid; ignored`);
    return run;
  } catch (error) {
    c.log?.(error instanceof Error ? error.message : String(error));
    return undefined;
  }
}

function isProgress(value: unknown): value is JobProgress {
  return typeof value === "object" && value !== null && "epoch" in value && "epochs" in value;
}

/** Waits `ms`, or less if the signal trips. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}
