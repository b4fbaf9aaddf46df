import { hostname } from "node:os";
import { errors } from "@lrsim/core";
import type { Db } from "./open.ts";
import { fromReal } from "./values.ts";

/** A run as listed: its row, its summary, and `stale` for a `running` run whose process is gone. */
export interface RunListing {
  readonly id: number;
  readonly status: "running" | "completed" | "diverged" | "failed" | "interrupted" | "stale";
  readonly schedule: string;
  readonly model: string;
  readonly dataset: string;
  readonly optimizer: string;
  readonly seed: number;
  readonly comparisonId: number | null;
  readonly startedAt: string;
  readonly updates: number | null;
  readonly finalTestLoss: number | null;
  readonly finalTestAccuracy: number | null;
  readonly wallMs: number | null;
  readonly error: string | null;
}

/** A heartbeat older than this marks a `running` run as stale even on another host. */
const STALE_AFTER_MS = 60_000;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The columns of a `runs` row that say whether it is stale. */
export interface StalenessColumns {
  readonly status?: unknown;
  readonly host?: unknown;
  readonly pid?: unknown;
  readonly heartbeat_at?: unknown;
}

/** `running` in the database, but the process that wrote it is gone (or silent for a minute). */
export function isStale(row: StalenessColumns): boolean {
  if (row.status !== "running") return false;
  if (row.host === hostname() && !alive(Number(row.pid))) return true;
  return Date.now() - Date.parse(String(row.heartbeat_at)) > STALE_AFTER_MS;
}

/** Which runs `listRuns` returns; every field narrows the list. */
export interface RunFilter {
  readonly status?: string | undefined;
  readonly schedule?: string | undefined;
  readonly comparison?: number | undefined;
}

/** Runs with their summaries, newest first; `status: "stale"` selects runs left running by dead processes. */
export function listRuns(db: Db, filter: RunFilter = {}): RunListing[] {
  const where: string[] = [];
  const args: unknown[] = [];
  if (filter.status && filter.status !== "stale") {
    where.push("r.status = ?");
    args.push(filter.status);
  }
  if (filter.status === "stale") where.push("r.status = 'running'");
  if (filter.schedule) {
    where.push("(r.schedule = ? OR r.schedule LIKE ? || '(%')");
    args.push(filter.schedule, filter.schedule);
  }
  if (filter.comparison !== undefined) {
    where.push("r.comparison_id = ?");
    args.push(filter.comparison);
  }
  const rows = db
    .prepare(
      `SELECT r.*, s.updates, s.final_test_loss, s.final_test_accuracy, s.wall_ms
       FROM runs r LEFT JOIN run_summaries s ON s.run_id = r.id
       ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY r.id DESC`,
    )
    .all(...args) as Array<Record<string, unknown>>;
  return rows
    .map((r) => ({
      id: r.id as number,
      status: (isStale(r) ? "stale" : r.status) as RunListing["status"],
      schedule: r.schedule as string,
      model: r.model as string,
      dataset: r.dataset as string,
      optimizer: r.optimizer as string,
      seed: r.seed as number,
      comparisonId: (r.comparison_id as number | null) ?? null,
      startedAt: r.started_at as string,
      updates: (r.updates as number | null) ?? null,
      finalTestLoss: fromReal(r.final_test_loss),
      finalTestAccuracy: fromReal(r.final_test_accuracy),
      wallMs: fromReal(r.wall_ms),
      error: (r.error as string | null) ?? null,
    }))
    .filter((r) => filter.status !== "stale" || r.status === "stale");
}

/** Evaluation rows of a run, oldest first, NaN and infinities restored. */
export function runEvaluations(db: Db, runId: number): Array<Record<string, number | null>> {
  const rows = db.prepare("SELECT * FROM evaluations WHERE run_id = ? ORDER BY updates").all(runId) as Array<
    Record<string, unknown>
  >;
  return rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, fromReal(v)])));
}

/** One run's full row, or a one-line error naming the id. */
export function getRun(db: Db, runId: number): Record<string, unknown> {
  const row = db.prepare("SELECT * FROM runs WHERE id = ?").get(runId) as Record<string, unknown> | undefined;
  if (!row) throw errors.noSuchRun(runId);
  return row;
}

/**
 * Runs one SQL statement that only reads; a statement that would write is refused before it
 * runs. Returns column names and rows (NaN stored as 'NaN' stays text, as any client sees it).
 */
export function readOnlyQuery(db: Db, sql: string): { columns: string[]; rows: unknown[][] } {
  let statement: ReturnType<Db["prepare"]>;
  try {
    statement = db.prepare(sql);
  } catch (cause) {
    throw errors.badSql(cause);
  }
  if (!statement.readonly) throw errors.readOnly();
  if (!statement.reader) return { columns: [], rows: [] };
  const columns = statement.columns().map((c) => c.name);
  try {
    return { columns, rows: statement.raw().all() as unknown[][] };
  } catch (cause) {
    // SQLite refuses some functions outright (load_extension: "not authorized").
    if (!(cause as { code?: string }).code?.startsWith("SQLITE_")) throw cause;
    throw errors.queryFailed((cause as Error).message, cause);
  }
}
