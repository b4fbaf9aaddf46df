import { errors } from "@lrsim/core";
import type { ConnectionOptions, JobsOptions, WorkerOptions } from "bullmq";
import { Redis } from "ioredis";
import { type RedisTarget, scrubPassword } from "./redis-url.ts";

/** The BullMQ queue sweeps use unless `--queue` names another (one queue per Redis database serves every sweep). */
export const DEFAULT_QUEUE = "lrsim-sweep";

/**
 * How long a worker's hold on a job lasts without renewal, and how often workers look for
 * jobs whose holder stopped renewing (a worker killed mid-run). A run is long and CPU-bound,
 * but training awaits its worker threads (Atomics.waitAsync), so the event loop renews the
 * lock every `lockMs / 2` however long the run: 60 s is generous against a busy machine's
 * pauses, and a dead worker's run is taken up again within `lockMs + stalledMs` (about a
 * minute and a half). Tests lower both.
 */
export interface QueueTiming {
  readonly lockMs: number;
  readonly stalledMs: number;
}

export const DEFAULT_TIMING: QueueTiming = { lockMs: 60_000, stalledMs: 30_000 };

/**
 * Times a job may be found stalled (its worker vanished) and taken up again before it fails:
 * generous, since a stall here means a killed or frozen host, not a bad job (BullMQ's default
 * is 1).
 */
const MAX_STALLED = 5;

/** Attempts of a job that fails transiently (see failure.ts: a download reset, a worker thread that died, Redis gone mid-write). */
const ATTEMPTS = 3;
/** First retry delay; each next one doubles (BullMQ's exponential backoff): 5 s, then 10 s. */
const DEFAULT_RETRY_DELAY_MS = 5_000;

/** BullMQ's options for a worker of `concurrency` jobs at a time. */
export function workerOptions(
  connection: ConnectionOptions,
  concurrency: number,
  timing: QueueTiming,
): WorkerOptions {
  return {
    connection,
    concurrency,
    lockDuration: timing.lockMs,
    stalledInterval: timing.stalledMs,
    maxStalledCount: MAX_STALLED,
  };
}

/**
 * Every job of a sweep: retried with exponential backoff from `retryDelayMs` when it fails
 * transiently (deterministic failures are thrown as UnrecoverableError, which BullMQ does not
 * retry), and kept after it ends so a coordinator that was down meanwhile still finds its
 * result; the coordinator removes it once recorded.
 */
export function jobOptions(retryDelayMs: number = DEFAULT_RETRY_DELAY_MS): JobsOptions {
  return {
    attempts: ATTEMPTS,
    backoff: { type: "exponential", delay: retryDelayMs },
    removeOnComplete: false,
    removeOnFail: false,
  };
}

/**
 * ioredis options for the target. `maxRetriesPerRequest: null` is what BullMQ requires of
 * blocking connections; reconnecting is ioredis's default (a back-off up to 2 s), so a Redis
 * that goes away briefly is waited for, not fatal.
 */
export function connectionOf(target: RedisTarget): ConnectionOptions {
  return {
    host: target.host,
    port: target.port,
    db: target.db,
    ...(target.username === undefined ? {} : { username: target.username }),
    ...(target.password === undefined ? {} : { password: target.password }),
    ...(target.tls ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
  };
}

/**
 * Checks once, with a short timeout and no retries, that Redis answers before a coordinator
 * or worker starts waiting on it: unreachable (or refusing the password) is one line naming
 * the masked URL and the reason.
 */
export async function checkReachable(target: RedisTarget, timeoutMs = 5_000): Promise<void> {
  const client = new Redis({
    ...(connectionOf(target) as object),
    lazyConnect: true,
    connectTimeout: timeoutMs,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
  });
  // The socket's own error (ECONNREFUSED, ENOTFOUND) says more than the rejection ("Connection is closed").
  let socketError: string | undefined;
  client.on("error", (error: Error) => {
    socketError ??= error.message;
  });
  try {
    await client.connect();
    await client.ping();
  } catch (cause) {
    const reason = socketError ?? (cause instanceof Error ? cause.message : String(cause));
    throw errors.redisUnreachable(target.masked, scrubPassword(reason || "no answer", target));
  } finally {
    // A connection that never opened has ended already; disconnecting it again would arm
    // ioredis's 2 s disconnect timer and hold the process that long before it exits.
    if (client.status !== "end") client.disconnect();
  }
}
