import { errors } from "@lrsim/core";
import type { Db } from "./open.ts";
import { getRun, isStale } from "./queries.ts";

/** A stored row as SQLite returns it: column name to value (NaN still the text 'NaN'; see values.ts). */
export type StoredRow = Record<string, unknown>;

/** A run's summary row (written when it ended), or undefined for a run that has not ended. */
export function runSummary(db: Db, runId: number): StoredRow | undefined {
  return db.prepare("SELECT * FROM run_summaries WHERE run_id = ?").get(runId) as StoredRow | undefined;
}

/** The per-run tables `lrsim runs export` prints. */
export type RunTable = "evaluations" | "steps";

/** A run's rows of one table, in the order they were recorded, with the column names. */
export function runTable(db: Db, runId: number, table: RunTable): { columns: string[]; rows: unknown[][] } {
  const statement = db.prepare(
    table === "steps"
      ? "SELECT * FROM steps WHERE run_id = ? ORDER BY step"
      : "SELECT * FROM evaluations WHERE run_id = ? ORDER BY updates",
  );
  return { columns: statement.columns().map((c) => c.name), rows: statement.raw().all(runId) as unknown[][] };
}

/** A run's rows of one table as objects keyed by column. */
export function runRows(db: Db, runId: number, table: RunTable): StoredRow[] {
  const { columns, rows } = runTable(db, runId, table);
  return rows.map((row) => Object.fromEntries(columns.map((c, i) => [c, row[i]])));
}

/** The newest comparison's or range test's id, or undefined when there is none. */
export function latestId(db: Db, table: "comparisons" | "range_tests"): number | undefined {
  const sql =
    table === "comparisons"
      ? "SELECT max(id) AS id FROM comparisons"
      : "SELECT max(id) AS id FROM range_tests";
  return (db.prepare(sql).get() as { id: number | null }).id ?? undefined;
}

/** A stored comparison's name and config (as `lrsim compare` recorded it); an unknown id is a one-line error. */
export function getComparison(db: Db, id: number): { name: string | null; config: Record<string, unknown> } {
  const row = db.prepare("SELECT name, config FROM comparisons WHERE id = ?").get(id) as
    | { name: string | null; config: string }
    | undefined;
  if (!row) throw errors.noSuchComparison(id);
  return { name: row.name, config: JSON.parse(row.config) as Record<string, unknown> };
}

/** A range test's row and its points (trial, then iteration order); an unknown id is a one-line error. */
export function getRangeTest(db: Db, id: number): { row: StoredRow; points: StoredRow[] } {
  const row = db.prepare("SELECT * FROM range_tests WHERE id = ?").get(id) as StoredRow | undefined;
  if (!row) throw errors.noSuchRangeTest(id);
  const points = db
    .prepare("SELECT * FROM range_test_points WHERE range_test_id = ? ORDER BY trial, iteration")
    .all(id) as StoredRow[];
  return { row, points };
}

/**
 * Removes runs and everything recorded with them, in one transaction. A run still being
 * trained (`running`, its process alive) is refused — removing it would break the trainer's
 * next write — unless it is stale (its process is gone); the refusal tells the user to stop it
 * and then do `then` (default: remove it).
 */
export function removeRuns(db: Db, ids: readonly number[], then?: string): void {
  const remove = db.prepare("DELETE FROM runs WHERE id = ?");
  db.transaction(() => {
    for (const id of ids) {
      const row = getRun(db, id) as { status: string; host: string; pid: number; heartbeat_at: string };
      if (row.status === "running" && !isStale(row)) throw errors.liveRun(id, row.pid, row.host, then);
      remove.run(id);
    }
  }).immediate();
}

/** A comparison's runs by id: each run's id, its schedule as planned (before canonicalisation), seed and status. */
export function comparisonRunRows(
  db: Db,
  comparisonId: number,
): Array<{ id: number; schedule: string; seed: number; status: string }> {
  return db
    .prepare(
      "SELECT id, json_extract(config, '$.schedule') AS schedule, seed, status FROM runs WHERE comparison_id = ? ORDER BY id",
    )
    .all(comparisonId) as Array<{ id: number; schedule: string; seed: number; status: string }>;
}
