import { randomUUID } from "node:crypto";
import { errors } from "@lrsim/core";
import type { Db } from "./open.ts";

/** A sweep as stored: its grid and fixed options are in `config` (what `lrsim sweep --resume` re-expands). */
export interface SweepRow {
  readonly id: number;
  readonly uid: string;
  readonly name: string | null;
  readonly config: unknown;
  readonly planned: number;
  readonly createdAt: string;
}

/** Starts a sweep of `planned` runs; returns its id and its uid (the prefix of its runs' identities). */
export function createSweep(
  db: Db,
  sweep: { name?: string | undefined; config: unknown; planned: number },
): { id: number; uid: string } {
  const uid = randomUUID();
  const row = db
    .prepare("INSERT INTO sweeps (uid, name, config, planned, created_at) VALUES (?, ?, ?, ?, ?)")
    .run(uid, sweep.name ?? null, JSON.stringify(sweep.config), sweep.planned, new Date().toISOString());
  return { id: Number(row.lastInsertRowid), uid };
}

/** The sweep with this id; a missing one is an error naming the id. */
export function getSweep(db: Db, id: number): SweepRow {
  const row = db
    .prepare("SELECT id, uid, name, config, planned, created_at AS createdAt FROM sweeps WHERE id = ?")
    .get(id) as (Omit<SweepRow, "config"> & { config: string }) | undefined;
  if (!row) throw errors.noSuchSweep(id);
  return { ...row, config: JSON.parse(row.config) as unknown };
}

/** One finished run of a sweep, keyed by its identity (grid point × seed). */
export interface SweepRunRecord {
  readonly sweepId: number;
  /** The run's stable identity within the sweep: the same grid point and seed always give the same key. */
  readonly runKey: string;
  /** The grid point's axis values, as JSON-able data. */
  readonly point: unknown;
  readonly seed: number;
  /** The recorded run, or null when the job failed before a run started (a bad spec, a refused plugin). */
  readonly runId: number | null;
  readonly status: "completed" | "diverged" | "failed";
  readonly error: string | null;
  /** How many times the job was started (1 unless it was retried or re-delivered). */
  readonly attempts: number;
  /** Which worker (host:pid) trained it, or null when this process did. */
  readonly worker: string | null;
}

/** The identities of a sweep's runs already recorded. */
export function recordedKeys(db: Db, sweepId: number): Set<string> {
  const rows = db.prepare("SELECT run_key AS key FROM sweep_runs WHERE sweep_id = ?").all(sweepId) as {
    key: string;
  }[];
  return new Set(rows.map((r) => r.key));
}

/**
 * Records one run of a sweep exactly once: in one immediate transaction, if its identity is
 * not recorded yet, `write` records the run (returning its id, or null when there is no run
 * row) and the identity row is inserted. A second delivery of the same run (a stalled job
 * processed again, a coordinator resuming) writes nothing and returns false. A failure inside
 * leaves the database as it was.
 */
export function recordSweepRunOnce(
  db: Db,
  record: Omit<SweepRunRecord, "runId">,
  write: () => number | null,
): boolean {
  return db
    .transaction(() => {
      const exists = db
        .prepare("SELECT 1 FROM sweep_runs WHERE sweep_id = ? AND run_key = ?")
        .get(record.sweepId, record.runKey);
      if (exists) return false;
      const runId = write();
      db.prepare(
        `INSERT INTO sweep_runs (sweep_id, run_key, point, seed, run_id, status, error, attempts, worker, recorded_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        record.sweepId,
        record.runKey,
        JSON.stringify(record.point),
        record.seed,
        runId,
        record.status,
        record.error,
        record.attempts,
        record.worker,
        new Date().toISOString(),
      );
      return true;
    })
    .immediate();
}

/** A recorded run of a sweep with its final metrics, as `lrsim sweep --show` tabulates them. */
export interface SweepRunResult {
  readonly runKey: string;
  readonly point: Record<string, unknown>;
  readonly seed: number;
  readonly runId: number | null;
  readonly status: string;
  readonly error: string | null;
  readonly attempts: number;
  readonly worker: string | null;
  readonly finalTestAccuracy: number | null;
  readonly finalTestLoss: number | null;
  readonly finalTrainLoss: number | null;
  readonly bestTestAccuracy: number | null;
  readonly updates: number | null;
  readonly wallMs: number | null;
}

/** Every recorded run of a sweep, in identity order. */
export function sweepRunResults(db: Db, sweepId: number): SweepRunResult[] {
  const rows = db
    .prepare(
      `SELECT w.run_key AS runKey, w.point, w.seed, w.run_id AS runId, w.status, w.error, w.attempts, w.worker,
              s.final_test_accuracy AS finalTestAccuracy, s.final_test_loss AS finalTestLoss,
              s.final_train_loss AS finalTrainLoss, s.best_test_accuracy AS bestTestAccuracy,
              s.updates, s.wall_ms AS wallMs
       FROM sweep_runs w LEFT JOIN run_summaries s ON s.run_id = w.run_id
       WHERE w.sweep_id = ? ORDER BY w.run_key`,
    )
    .all(sweepId) as (Omit<SweepRunResult, "point"> & { point: string })[];
  return rows.map((r) => ({ ...r, point: JSON.parse(r.point) as Record<string, unknown> }));
}
