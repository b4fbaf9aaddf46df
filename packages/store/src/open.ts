import { accessSync, constants, existsSync, statSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { errors } from "@lrsim/core";
import Database from "better-sqlite3";
import { MIGRATIONS, SCHEMA_VERSION } from "./schema.ts";
import { explainSqliteError, isBusy, sqliteCode } from "./sqlite-errors.ts";

/** A results database connection (better-sqlite3). */
export type Db = Database.Database;

/** How long a command waits for another connection's lock before giving up, by default (10 s). */
const BUSY_TIMEOUT_MS = 10_000;

/** The busy timeout in force: `LRSIM_BUSY_TIMEOUT_MS` if set to a non-negative number, else `BUSY_TIMEOUT_MS`. */
export function busyTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const text = env.LRSIM_BUSY_TIMEOUT_MS;
  const value = text === undefined || text.trim() === "" ? Number.NaN : Number(text);
  return Number.isFinite(value) && value >= 0 ? value : BUSY_TIMEOUT_MS;
}

/**
 * The database file: `--db`, else `LRSIM_DB`, else `./lrsim.db`, relative to `cwd`. An empty
 * `LRSIM_DB` counts as unset; an empty `--db` is an error.
 */
export function databasePath(option: string | undefined, env: NodeJS.ProcessEnv, cwd: string): string {
  if (option !== undefined && option.trim() === "")
    throw errors.invalidOption("--db", "a database file", '""');
  const fromEnv = env.LRSIM_DB?.trim() ? env.LRSIM_DB : undefined;
  const chosen = option ?? fromEnv ?? "lrsim.db";
  return isAbsolute(chosen) ? chosen : resolve(cwd, chosen);
}

/**
 * How long each statement on `db` may wait for another connection's lock. A training run uses
 * a short wait (its writer retries at the next flush) so the event loop, and with it Ctrl-C,
 * is never blocked for long.
 */
export function setBusyWait(db: Db, ms: number): void {
  db.pragma(`busy_timeout = ${Math.max(0, Math.round(ms))}`);
}

/** How {@link openResults} opens a database. */
export interface OpenOptions {
  /** Open an existing file without writing (no migration). */
  readonly readonly?: boolean;
  /** The longest wait for another connection's lock, per statement and for setting up (default {@link busyTimeoutMs}). */
  readonly busyTimeoutMs?: number;
}

/**
 * Opens (creating if needed) a results database for writing: WAL, synchronous=NORMAL, a busy
 * timeout so concurrent lrsim processes wait for each other instead of failing, foreign keys,
 * and any pending migrations applied in one immediate transaction. Every failure is a
 * one-line error naming the file: not a database, read-only, disk full, or still locked after
 * the busy timeout (naming who holds it).
 */
export function openResults(path: string, options: OpenOptions = {}): Db {
  const timeout = options.busyTimeoutMs ?? busyTimeoutMs();
  try {
    return attempt(path, options.readonly ?? false, timeout);
  } catch (cause) {
    throw explain(path, cause, timeout, options.readonly ?? false);
  }
}

/** SQLite's error as the user's one line; "unable to open" on a file lrsim may not write is the read-only error. */
function explain(path: string, cause: unknown, timeout: number, readonly: boolean): unknown {
  if (!readonly && sqliteCode(cause).startsWith("SQLITE_CANTOPEN") && !writable(path))
    return errors.dbReadOnly(path, cause);
  return explainSqliteError(path, cause, timeout) ?? cause;
}

/** Whether this process may write the file (if it exists) and its folder (WAL creates -wal and -shm there). */
function writable(path: string): boolean {
  try {
    if (existsSync(path)) accessSync(path, constants.W_OK);
    accessSync(dirname(path), constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * {@link openResults} for a command that must stay responsive to signals while another
 * connection holds the lock: each attempt waits at most a quarter second, and between
 * attempts the event loop runs, so Ctrl-C or SIGTERM (tripping `signal`) is honoured at once.
 */
export async function openResultsWhenFree(
  path: string,
  options: OpenOptions & { readonly signal?: AbortSignal | undefined } = {},
): Promise<Db> {
  const timeout = options.busyTimeoutMs ?? busyTimeoutMs();
  const deadline = performance.now() + timeout;
  for (;;) {
    if (options.signal?.aborted) throw errors.interrupted(`waiting for the lock on ${path}`);
    const left = deadline - performance.now();
    try {
      const db = attempt(path, options.readonly ?? false, Math.max(0, Math.min(250, left)));
      db.pragma(`busy_timeout = ${Math.round(timeout)}`);
      return db;
    } catch (cause) {
      if (!isBusy(cause) || left <= 250) throw explain(path, cause, timeout, options.readonly ?? false);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** One try at opening and setting up; SQLite's errors are thrown as they are. */
function attempt(path: string, readonly: boolean, timeout: number): Db {
  if (isDirectory(path)) throw errors.dbIsDirectory(path);
  if (!isDirectory(dirname(path))) throw errors.dbNoFolder(path, dirname(path));
  const db = new Database(path, { readonly, fileMustExist: readonly });
  try {
    db.pragma(`busy_timeout = ${Math.round(timeout)}`);
    db.pragma("foreign_keys = ON");
    if (readonly) checkVersion(db, path);
    else {
      // Switching to WAL needs the file to itself and can fail busy at once instead of
      // waiting, so setting up is retried until the busy timeout has passed.
      const deadline = performance.now() + timeout;
      retryWhileBusy(() => db.pragma("journal_mode = WAL"), deadline);
      db.pragma("synchronous = NORMAL");
      retryWhileBusy(() => migrate(db, path), deadline);
    }
    return db;
  } catch (cause) {
    db.close();
    throw cause;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function retryWhileBusy<T>(work: () => T, deadline: number): T {
  for (;;) {
    try {
      return work();
    } catch (error) {
      if (!isBusy(error) || performance.now() >= deadline) throw error;
      const pause = Math.min(20 + Math.random() * 30, Math.max(1, deadline - performance.now()));
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, pause);
    }
  }
}

function migrate(db: Db, path: string): void {
  db.transaction(() => {
    const version = db.pragma("user_version", { simple: true }) as number;
    if (version > SCHEMA_VERSION) throw newer(path, version);
    for (let v = version; v < SCHEMA_VERSION; v++) db.exec(MIGRATIONS[v]!);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}

function checkVersion(db: Db, path: string): void {
  const version = db.pragma("user_version", { simple: true }) as number;
  if (version > SCHEMA_VERSION) throw newer(path, version);
  if (version < SCHEMA_VERSION)
    throw errors.dbVersion(
      path,
      version,
      `older than this lrsim's (${SCHEMA_VERSION}); any lrsim command that writes (lrsim run, lrsim merge -o) migrates it`,
    );
}

/** A database written by a newer lrsim: the same advice for every command, reading or writing. */
function newer(path: string, version: number) {
  return errors.dbVersion(
    path,
    version,
    `newer than this lrsim understands (${SCHEMA_VERSION}); upgrade lrsim`,
  );
}
