import { isAbsolute, resolve } from "node:path";
import { LrsimError } from "@lrsim/core";
import Database from "better-sqlite3";
import { MIGRATIONS, SCHEMA_VERSION } from "./schema.ts";

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
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new LrsimError("DB_OPEN", `cannot open the results database ${path}: ${reason}`, { cause });
  }
  db.pragma("busy_timeout = 10000");
  db.pragma("foreign_keys = ON");
  if (options.readonly) {
    checkVersion(db, path);
    return db;
  }
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.transaction(() => {
    const version = db.pragma("user_version", { simple: true }) as number;
    if (version > SCHEMA_VERSION)
      throw new LrsimError(
        "DB_VERSION",
        `${path} has schema version ${version}, newer than this lrsim understands (${SCHEMA_VERSION}); upgrade lrsim`,
      );
    for (let v = version; v < SCHEMA_VERSION; v++) db.exec(MIGRATIONS[v]!);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
  return db;
}

function checkVersion(db: Db, path: string): void {
  const version = db.pragma("user_version", { simple: true }) as number;
  if (version !== SCHEMA_VERSION)
    throw new LrsimError(
      "DB_VERSION",
      `${path} has schema version ${version}, this lrsim expects ${SCHEMA_VERSION}; open it once for writing to migrate`,
    );
}
