import { availableParallelism } from "node:os";
import { errors } from "@lrsim/core";
import { type Db, databasePath, openResultsWhenFree } from "@lrsim/store";

/** What every experiment of the programmatic API accepts besides its own options. */
export interface ExperimentOptions {
  /**
   * Worker threads computing gradients (default: the number of cores; `0` computes in the
   * calling thread). Results are bit-for-bit the same for any count.
   */
  readonly workers?: number;
  /** Results database to record in (default: `$LRSIM_DB`, else `./lrsim.db`); `false` records nothing. */
  readonly db?: string | false;
  /** Where relative plugin paths and the database path are taken from (default: `process.cwd()`). */
  readonly cwd?: string;
  /** Stops training between updates; the run ends `interrupted` (and is recorded so). */
  readonly signal?: AbortSignal;
}

/** The worker count an experiment uses. */
export function workersOf(options: ExperimentOptions): number {
  return options.workers ?? availableParallelism();
}

/** The database file an experiment records in, or undefined with `db: false`. */
export function recordingPath(options: ExperimentOptions): string | undefined {
  if (options.db === false) return undefined;
  return databasePath(options.db, process.env, options.cwd ?? process.cwd());
}

/**
 * Opens the results database an experiment records in (created if missing), or undefined with
 * `db: false`. While another connection holds the lock it keeps trying until the busy timeout,
 * but the signal (Ctrl-C) ends the wait at once; a signal tripped by then rejects too, so an
 * experiment stopped before it began records nothing.
 */
export async function openRecording(
  options: ExperimentOptions,
): Promise<{ db: Db; path: string } | undefined> {
  const path = recordingPath(options);
  if (path === undefined) return undefined;
  const db = await openResultsWhenFree(path, { signal: options.signal });
  if (options.signal?.aborted) {
    db.close();
    throw errors.interrupted(`opening ${path}`);
  }
  return { db, path };
}
