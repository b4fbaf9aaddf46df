import { createCatalog } from "@lrsim/builtins";
import { GradientPool } from "@lrsim/parallel";
import { type Job, UnrecoverableError, WaitingError, Worker } from "bullmq";
import { WORKER_PRELOAD } from "../loader/hooks.ts";
import { classifyFailure } from "./failure.ts";
import { checkPluginSources, encodeResult, validateJobData } from "./job.ts";
import { connectionOf, type QueueTiming, workerOptions } from "./queue.ts";
import type { RedisTarget } from "./redis-url.ts";
import { planJob, trainJob } from "./train-job.ts";

/** How `lrsim worker` serves a queue. */
export interface ServeOptions {
  readonly target: RedisTarget;
  readonly queue: string;
  /** Jobs trained at the same time, each on its own pool. */
  readonly concurrency: number;
  /** Worker threads of each job's pool (at least 1: training then leaves the event loop free for lock renewals). */
  readonly workers: number;
  /** Load plugins named by path too (off: built-ins and installed packages only). */
  readonly allowPluginPaths: boolean;
  readonly timing: QueueTiming;
  /** Where installed plugin packages are looked up (and relative paths resolved, when allowed). */
  readonly cwd: string;
  /** One line per event worth a log line (job taken, ended, handed back; Redis errors), password-free. */
  readonly log: (line: string) => void;
}

/**
 * What BullMQ does with a job that just failed, for the log line: retry it later (a transient
 * failure with attempts left: BullMQ has counted the attempt and set the delay by now), or not.
 */
function whatNext(job: Job, error: Error): string {
  const attempts = job.opts.attempts ?? 1;
  if (error instanceof UnrecoverableError || error.name === "UnrecoverableError")
    return "not retried (the same job would fail the same way)";
  if (job.attemptsMade >= attempts) return `given up after ${attempts} attempts`;
  const delay = job.delay >= 1000 ? `${job.delay / 1000} s` : `${job.delay} ms`;
  return `retried in ${delay} (attempt ${job.attemptsMade + 1} of ${attempts})`;
}

/** A running worker: stop it gently (finish current jobs) or at once (hand them back). */
export interface ServingWorker {
  /** Takes no new job; resolves when the current ones have finished and been reported. */
  finish(): Promise<void>;
  /** Stops the current jobs between updates and puts them back in the queue for another worker; resolves when done. */
  handBack(): Promise<void>;
  /** Resolves when the worker has stopped, however. */
  readonly closed: Promise<void>;
}

/**
 * Takes sweep jobs from the queue until stopped: each job's data is validated, its plugins
 * checked against what this worker may load, its specs planned, then trained on a pool of
 * `workers` threads; the result goes back to the coordinator through Redis. A failure before
 * training is classified by {@link classifyFailure}: deterministic ones (a bad spec, a missing
 * or refused plugin) become UnrecoverableError, recorded once and never retried; transient ones
 * (a plugin's download reset by the network), like anything else that throws while training
 * (a worker thread that died, Redis lost mid-job), are retried by BullMQ with backoff. A run
 * that training ended `failed` is classified by its error too: a plugin's own error is the
 * result (recorded once, with its history), a network fault under a plugin hook is retried.
 */
export function serveJobs(options: ServeOptions): ServingWorker {
  const catalog = createCatalog(options.cwd);
  const idle: GradientPool[] = [];
  const all: GradientPool[] = [];
  const active = new Set<AbortController>();
  /** Lock renewals per job id while it trains: the proof that training leaves the event loop free. */
  const renewals = new Map<string, number>();
  const takePool = () => {
    const pool = idle.pop() ?? new GradientPool({ workers: options.workers, preload: WORKER_PRELOAD });
    if (!all.includes(pool)) all.push(pool);
    return pool;
  };
  const processor = async (job: Job, token?: string): Promise<string> => {
    const id = job.id ?? "?";
    let data: ReturnType<typeof validateJobData>;
    try {
      data = validateJobData(id, job.data);
      checkPluginSources(data.options, options.allowPluginPaths);
      await planJob(data.options, catalog);
    } catch (error) {
      // Deterministic: fail once, never retried. Transient (a dataset download reset by the
      // network): thrown as is, for BullMQ to retry with backoff.
      if (classifyFailure(error) === "deterministic")
        throw new UnrecoverableError(error instanceof Error ? error.message : String(error));
      throw error;
    }
    const controller = new AbortController();
    active.add(controller);
    const pool = takePool();
    options.log(
      `job ${id}: ${data.options.schedule}, seed ${data.options.seed} (attempt ${job.attemptsStarted})`,
    );
    try {
      const { result, failure } = await trainJob(
        data.options,
        catalog,
        pool,
        data.key,
        controller.signal,
        (progress) => {
          job.updateProgress({ ...progress }).catch(() => {});
        },
      );
      // A run a plugin's network fault failed mid-training (a hook's ECONNRESET): not the
      // job's fault, so thrown for BullMQ to retry with backoff, like the same fault at planning.
      // Recorded `failed` with its cause only when every attempt has met it.
      if (failure && classifyFailure(failure) === "transient") throw failure;
      if (result.result.status === "interrupted") {
        // Stopped by Ctrl-C: back in the queue for another worker, not a failure.
        await job.moveToWait(token);
        options.log(`job ${id}: handed back`);
        throw new WaitingError();
      }
      const renewed = renewals.get(id) ?? 0;
      options.log(
        `job ${id}: ${result.result.status} after ${result.result.updates} updates (lock renewed ${renewed} time${renewed === 1 ? "" : "s"})`,
      );
      return encodeResult(result);
    } finally {
      renewals.delete(id);
      active.delete(controller);
      idle.push(pool);
    }
  };
  const worker = new Worker(
    options.queue,
    processor,
    workerOptions(connectionOf(options.target), options.concurrency, options.timing),
  );
  worker.on("failed", (job, error) => {
    if (job && !(error instanceof WaitingError))
      options.log(`job ${job.id}: failed: ${error.message}; ${whatNext(job, error)}`);
  });
  // A run holds its job by a lock the worker renews while it trains; these say when that broke.
  worker.on("stalled", (jobId) =>
    options.log(`job ${jobId}: stalled (its worker stopped renewing its lock); back in the queue`),
  );
  worker.on("locksRenewed", ({ jobIds }) => {
    for (const jobId of jobIds) renewals.set(jobId, (renewals.get(jobId) ?? 0) + 1);
  });
  worker.on("lockRenewalFailed", (jobIds) => options.log(`jobs ${jobIds.join(", ")}: lock renewal failed`));
  let lastError = "";
  worker.on("error", (error) => {
    // ioredis reports every reconnection attempt; one line per distinct problem is enough.
    const line = `redis ${options.target.masked}: ${error.message}`;
    if (line !== lastError) options.log(line);
    lastError = line;
  });
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= worker.close().then(async () => {
      await Promise.all(all.map((pool) => pool.close()));
    });
    return closing;
  };
  let resolveClosed!: () => void;
  const closed = new Promise<void>((resolve) => {
    resolveClosed = resolve;
  });
  return {
    finish: () => close().then(resolveClosed),
    handBack: () => {
      for (const controller of active) controller.abort();
      return close().then(resolveClosed);
    },
    closed,
  };
}
