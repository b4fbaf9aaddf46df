import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { errors, type LrsimError } from "@lrsim/core";
import { GradientPool } from "@lrsim/parallel";
import {
  busyTimeoutMs,
  type Db,
  explainSqliteError,
  openResults,
  openResultsWhenFree,
  setBusyWait,
} from "@lrsim/store";
import { WORKER_PRELOAD } from "../loader/hooks.ts";

/** Most worker threads any machine gets, whatever its core count. */
const MAX_WORKERS = 256;

/** Most worker threads this machine gets: 4 per core (at least 8), never more than {@link MAX_WORKERS}. */
function maxWorkers(cores = availableParallelism()): number {
  return Math.min(MAX_WORKERS, Math.max(8, 4 * cores));
}

/** Checks a worker count against the machine before any thread starts. */
export function checkWorkers(workers: number, option = "--workers"): number {
  if (!Number.isInteger(workers) || workers < 0)
    throw errors.invalidOption(option, "a non-negative integer", String(workers));
  const max = maxWorkers();
  if (workers > max)
    throw errors.tooLarge(
      `${option} (4 threads per core on this ${availableParallelism()}-core machine)`,
      max,
      String(workers),
    );
  return workers;
}

/** How long a stopped run may take to reach its next update before its worker threads are ended. */
const STOP_GRACE_MS = 1000;

/**
 * Ends `pool`'s threads {@link STOP_GRACE_MS} after `signal` trips, for work that does not
 * honour the stop — a plugin's gradient that never returns: ending the threads rejects the step
 * in progress, and the trainer then reports the run interrupted. Returns the function that
 * disarms it (call it once the work is over).
 */
export function closeAfterGrace(signal: AbortSignal, pool: GradientPool): () => void {
  let killer: NodeJS.Timeout | undefined;
  const onAbort = () => {
    killer = setTimeout(() => pool.close().catch(() => {}), STOP_GRACE_MS);
    killer.unref();
  };
  signal.addEventListener("abort", onAbort, { once: true });
  return () => {
    signal.removeEventListener("abort", onAbort);
    if (killer) clearTimeout(killer);
  };
}

/** What {@link withExperiment} opened for the work, and how the work can be stopped. */
export interface ExperimentResources {
  readonly pool: GradientPool;
  /** The results database, or undefined when nothing is recorded. */
  readonly db: Db | undefined;
  readonly path: string | undefined;
  /** Trips on the caller's signal (Ctrl-C) or on {@link stop}; training stops between updates. */
  readonly signal: AbortSignal;
  /** Stops the work because something failed (the database refused a write); the first reason stands. */
  stop(reason: LrsimError): void;
  /** Why {@link stop} was called, if it was. */
  readonly stopped: LrsimError | undefined;
}

/**
 * Owns the resources of one experiment (run, compare, find-lr): the results database is
 * opened first — waiting for a lock stays responsive to Ctrl-C — and only then the worker
 * pool starts, so a database that cannot be opened leaves no threads behind. Both are closed
 * however the work ends. A stop (Ctrl-C, SIGTERM, a database failure) that the work does not
 * honour within {@link STOP_GRACE_MS} — a plugin's gradient that never returns — ends the
 * worker threads, which fails the step in progress and lets the run end `interrupted`.
 * SQLite failures escaping the work become one-line errors naming the file.
 */
export async function withExperiment<T>(
  options: {
    readonly workers: number;
    /** The database file to record in, or undefined to record nothing. */
    readonly db: string | undefined;
    readonly signal?: AbortSignal | undefined;
  },
  work: (resources: ExperimentResources) => Promise<T>,
): Promise<T> {
  const workers = checkWorkers(options.workers);
  const path = options.db;
  const timeout = busyTimeoutMs();
  const db = path === undefined ? undefined : await openResultsWhenFree(path, { signal: options.signal });
  // Writes during training wait at most a quarter second each (and retry), so signals keep working.
  if (db) setBusyWait(db, 250);
  let pool: GradientPool;
  try {
    pool = new GradientPool({ workers, preload: WORKER_PRELOAD });
  } catch (error) {
    db?.close();
    throw error;
  }
  const controller = new AbortController();
  let stopped: LrsimError | undefined;
  const signal = options.signal ? AbortSignal.any([options.signal, controller.signal]) : controller.signal;
  const disarm = closeAfterGrace(signal, pool);
  try {
    return await work({
      pool,
      db,
      path,
      signal,
      stop: (reason) => {
        stopped ??= reason;
        controller.abort();
      },
      get stopped() {
        return stopped;
      },
    });
  } catch (error) {
    throw (path && explainSqliteError(path, error, timeout)) || error;
  } finally {
    disarm();
    await pool.close();
    db?.close();
  }
}

/** Whether a database is opened to read or to change. */
export type DbMode = "read" | "write";

/**
 * Opens an existing results database (read-only unless `mode` is "write"), runs `work` on it
 * and closes it; a missing file is an error (with `hint` appended) rather than a new empty
 * database, and SQLite failures (not a database, damaged, locked, read-only) become one-line
 * errors naming the file.
 */
export function withDatabase<T>(path: string, mode: DbMode, work: (db: Db) => T, hint = ""): T {
  const db = openExisting(path, mode, hint);
  try {
    return work(db);
  } catch (error) {
    throw explainSqliteError(path, error, busyTimeoutMs()) ?? error;
  } finally {
    db.close();
  }
}

/** Opens an existing results database; the caller closes it. See {@link withDatabase}. */
export function openExisting(path: string, mode: DbMode = "read", hint = ""): Db {
  if (!existsSync(path)) throw errors.noDb(path, hint);
  return mode === "write" ? openResults(path) : openResults(path, { readonly: true });
}
