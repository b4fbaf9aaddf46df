import { isAbsolute, resolve } from "node:path";
import { errors } from "@lrsim/core";
import Database from "better-sqlite3";
import { MIGRATIONS, SCHEMA_VERSION } from "./schema.ts";

/** A results database connection (better-sqlite3). */
export type Db = Database.Database;

/** The database file: `--db`, else `LRSIM_DB`, else `./lrsim.db`, relative to `cwd`. */
export function databasePath(option: string | undefined, env: NodeJS.ProcessEnv, cwd: string): string {
  const chosen = option ?? env.LRSIM_DB ?? "lrsim.db";
  return isAbsolute(chosen) ? chosen : resolve(cwd, chosen);
}

/**
 * Opens (creating if needed) a results database for writing: WAL, synchronous=NORMAL, a busy
 * timeout so concurrent lrsim processes wait for each other instead of failing, foreign keys,
 * and any pending migrations applied in one immediate transaction.
 */
export function openResults(path: string, options: { readonly?: boolean } = {}): Db {
  let db: Db;
  try {
    db = new Database(path, {
      readonly: options.readonly ?? false,
      fileMustExist: options.readonly ?? false,
    });
  } catch (cause) {
    throw errors.dbOpen(path, cause);
  }
  db.pragma("busy_timeout = 10000");
  db.pragma("foreign_keys = ON");
  if (options.readonly) {
    checkVersion(db, path);
    return db;
  }
  // Two processes creating the same new file at once: switching to WAL needs the file to
  // itself and can fail busy instead of waiting, so retry the setup for a few seconds.
  retryWhileBusy(() => db.pragma("journal_mode = WAL"));
  db.pragma("synchronous = NORMAL");
  retryWhileBusy(() => migrate(db, path));
  return db;
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: string }).code ?? "";
  return code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED");
}

function retryWhileBusy<T>(work: () => T): T {
  for (let attempt = 0; ; attempt++) {
    try {
      return work();
    } catch (error) {
      if (!isBusy(error) || attempt >= 100) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20 + Math.random() * 30);
    }
  }
}

function migrate(db: Db, path: string): void {
  db.transaction(() => {
    const version = db.pragma("user_version", { simple: true }) as number;
    if (version > SCHEMA_VERSION)
      throw errors.dbVersion(
        path,
        version,
        `newer than this lrsim understands (${SCHEMA_VERSION}); upgrade lrsim`,
      );
    for (let v = version; v < SCHEMA_VERSION; v++) db.exec(MIGRATIONS[v]!);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}

function checkVersion(db: Db, path: string): void {
  const version = db.pragma("user_version", { simple: true }) as number;
  if (version !== SCHEMA_VERSION)
    throw errors.dbVersion(
      path,
      version,
      `this lrsim expects ${SCHEMA_VERSION}; open it once for writing to migrate`,
    );
}
