import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { errors, isLrsimError, type LrsimError } from "@lrsim/core";

/** SQLite's result code of a better-sqlite3 error (`SQLITE_BUSY`, `SQLITE_FULL`, ...), or "". */
export function sqliteCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && code.startsWith("SQLITE_") ? code : "";
}

/** Whether SQLite gave up waiting for another connection's lock. */
export function isBusy(error: unknown): boolean {
  const code = sqliteCode(error);
  return code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED");
}

/** Whether the disk (or SQLite's page cap) is full. */
export function isFull(error: unknown): boolean {
  return sqliteCode(error) === "SQLITE_FULL";
}

/**
 * Who else has `path` open, from /proc (Linux): "sqlite3 (pid 4242)", or a plain "another
 * connection" where /proc cannot tell. Only used to word a busy error, so it never throws.
 */
export function lockHolders(path: string): string {
  const holders: string[] = [];
  try {
    for (const pid of readdirSync("/proc")) {
      if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue;
      let fds: string[];
      try {
        fds = readdirSync(`/proc/${pid}/fd`);
      } catch {
        continue;
      }
      const holds = fds.some((fd) => {
        try {
          const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
          return target === path || target === `${path}-wal`;
        } catch {
          return false;
        }
      });
      if (!holds) continue;
      let name = "a process";
      try {
        name = readFileSync(`/proc/${pid}/comm`, "utf8").trim();
      } catch {}
      holders.push(`${name} (pid ${pid})`);
    }
  } catch {}
  return holders.length ? holders.slice(0, 3).join(", ") : "another connection";
}

/**
 * The one-line error a SQLite failure on `path` means for the user: not a database, damaged,
 * read-only, disk full, locked. Errors that are already lrsim's pass through unchanged; a
 * failure that is not SQLite's returns undefined (it is a bug, reported as one).
 */
export function explainSqliteError(
  path: string,
  error: unknown,
  busyTimeoutMs: number,
): LrsimError | undefined {
  if (isLrsimError(error)) return error;
  const code = sqliteCode(error);
  if (!code) return undefined;
  const reason = (error as Error).message;
  if (isBusy(error)) return errors.dbBusy(path, lockHolders(path), busyTimeoutMs, error);
  if (code === "SQLITE_FULL") return errors.dbFull(path, "", error);
  if (code.startsWith("SQLITE_READONLY")) return errors.dbReadOnly(path, error);
  if (code === "SQLITE_NOTADB" || code.startsWith("SQLITE_CORRUPT"))
    return errors.notADb(path, reason, error);
  if (code.startsWith("SQLITE_CANTOPEN")) return errors.dbOpen(path, error);
  // Anything else (a statement lrsim got wrong, an I/O error) is a bug or a failing database:
  // the internal-error path, to be reported.
  return undefined;
}
