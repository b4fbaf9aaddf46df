import { existsSync } from "node:fs";
import { errors } from "@lrsim/core";
import { busyTimeoutMs, type Db, openResults } from "./open.ts";
import { explainSqliteError } from "./sqlite-errors.ts";

/** What `mergeInto` copied from one source database. */
export interface MergeReport {
  readonly source: string;
  readonly runs: number;
  readonly comparisons: number;
  readonly rangeTests: number;
  readonly sweeps: number;
  /** Runs skipped because the target already had them (same uid): merging twice is harmless. */
  readonly skipped: number;
}

const RUN_COLUMNS =
  "uid, comparison_id, schedule, model, dataset, optimizer, config, seed, batch_size, epochs_planned, workers, devices, parameters, kernel, lrsim_version, host, pid, status, error, started_at, ended_at, heartbeat_at";
const STEP_COLUMNS = "step, epoch, samples, lr, batch_size, momentum, train_loss, accuracy, wall_ms";
const EVALUATION_COLUMNS =
  "epoch, updates, samples, lr, batch_size, momentum, train_loss, train_accuracy, test_loss, test_accuracy, noise_scale, cluster_ms, wall_ms";
const SUMMARY_COLUMNS =
  "updates, samples, epochs, final_train_loss, final_test_loss, final_test_accuracy, best_test_loss, best_test_accuracy, wall_ms, cluster_ms";
const prefixed = (alias: string, columns: string) =>
  columns
    .split(", ")
    .map((c) => `${alias}.${c}`)
    .join(", ");

/** Most sources merged in one transaction: SQLite attaches at most 10 databases to a connection. */
const SOURCES_PER_TRANSACTION = 9;

/**
 * Checks that `source` can be merged before anything is written: it exists, is an lrsim
 * database of this schema version, and SQLite's quick_check finds it intact (a truncated copy
 * fails here, not half-way through a merge).
 */
export function checkMergeSource(source: string): void {
  if (!existsSync(source)) throw errors.noDb(source, " (nothing was merged)");
  const db = openResults(source, { readonly: true });
  try {
    const verdict = db.pragma("quick_check", { simple: true });
    if (verdict !== "ok") throw errors.notADb(source, `quick_check: ${String(verdict)}`);
  } catch (cause) {
    throw explainSqliteError(source, cause, busyTimeoutMs()) ?? cause;
  } finally {
    db.close();
  }
}

/**
 * Copies every run, comparison, range test and sweep of each source into `target`, giving them new
 * ids there (ids are per file; uids are global), and skips what `target` already has by uid.
 * All-or-nothing: every source is checked first ({@link checkMergeSource}), then up to nine
 * sources are copied in one immediate transaction (SQLite's limit on attached files) — a
 * failure leaves the target as it was before that transaction, which for nine sources or
 * fewer is as it was before the merge.
 */
export function mergeAll(target: Db, sources: readonly string[]): MergeReport[] {
  for (const source of sources) checkMergeSource(source);
  const reports: MergeReport[] = [];
  for (let first = 0; first < sources.length; first += SOURCES_PER_TRANSACTION) {
    const batch = sources.slice(first, first + SOURCES_PER_TRANSACTION);
    const attached: string[] = [];
    try {
      for (const [i, source] of batch.entries()) {
        target.prepare(`ATTACH DATABASE ? AS src${i}`).run(source);
        attached.push(`src${i}`);
      }
      reports.push(
        ...target
          .transaction(() => batch.map((source, i) => copyFrom(target, `src${i}`, source)))
          .immediate(),
      );
    } finally {
      for (const alias of attached) target.prepare(`DETACH DATABASE ${alias}`).run();
    }
  }
  return reports;
}

/** {@link mergeAll} with one source. */
export function mergeInto(target: Db, source: string): MergeReport {
  return mergeAll(target, [source])[0]!;
}

/** Copies what the database attached as `src` has and `target` lacks (inside the caller's transaction). */
function copyFrom(target: Db, src: string, source: string): MergeReport {
  const count = (sql: string) => (target.prepare(sql).get() as { n: number }).n;
  const comparisons = count(
    `SELECT count(*) n FROM ${src}.comparisons WHERE uid NOT IN (SELECT uid FROM main.comparisons)`,
  );
  target.exec(
    `INSERT INTO main.comparisons (uid, name, config, created_at) SELECT uid, name, config, created_at FROM ${src}.comparisons WHERE uid NOT IN (SELECT uid FROM main.comparisons)`,
  );
  target.exec(
    `DROP TABLE IF EXISTS temp.new_runs; CREATE TEMP TABLE new_runs AS SELECT id AS old_id, uid FROM ${src}.runs WHERE uid NOT IN (SELECT uid FROM main.runs)`,
  );
  const runs = count("SELECT count(*) n FROM temp.new_runs");
  const skipped = count(`SELECT count(*) n FROM ${src}.runs`) - runs;
  target.exec(`
      INSERT INTO main.runs (${RUN_COLUMNS})
      SELECT ${prefixed("s", RUN_COLUMNS).replace("s.comparison_id", `(SELECT c.id FROM main.comparisons c JOIN ${src}.comparisons sc ON sc.uid = c.uid WHERE sc.id = s.comparison_id)`)}
      FROM ${src}.runs s JOIN temp.new_runs n ON n.old_id = s.id ORDER BY s.id;
      INSERT INTO main.steps (run_id, ${STEP_COLUMNS})
      SELECT r.id, ${prefixed("t", STEP_COLUMNS)} FROM ${src}.steps t JOIN temp.new_runs n ON n.old_id = t.run_id JOIN main.runs r ON r.uid = n.uid;
      INSERT INTO main.evaluations (run_id, ${EVALUATION_COLUMNS})
      SELECT r.id, ${prefixed("e", EVALUATION_COLUMNS)} FROM ${src}.evaluations e JOIN temp.new_runs n ON n.old_id = e.run_id JOIN main.runs r ON r.uid = n.uid;
      INSERT INTO main.run_summaries (run_id, ${SUMMARY_COLUMNS})
      SELECT r.id, ${prefixed("m", SUMMARY_COLUMNS)} FROM ${src}.run_summaries m JOIN temp.new_runs n ON n.old_id = m.run_id JOIN main.runs r ON r.uid = n.uid;
    `);
  const rangeTests = count(
    `SELECT count(*) n FROM ${src}.range_tests WHERE uid NOT IN (SELECT uid FROM main.range_tests)`,
  );
  target.exec(`
      DROP TABLE IF EXISTS temp.new_tests;
      CREATE TEMP TABLE new_tests AS SELECT id AS old_id, uid FROM ${src}.range_tests WHERE uid NOT IN (SELECT uid FROM main.range_tests);
      INSERT INTO main.range_tests (uid, model, dataset, optimizer, config, suggested_lr, suggestions, created_at)
      SELECT t.uid, t.model, t.dataset, t.optimizer, t.config, t.suggested_lr, t.suggestions, t.created_at FROM ${src}.range_tests t JOIN temp.new_tests n ON n.old_id = t.id ORDER BY t.id;
      INSERT INTO main.range_test_points (range_test_id, trial, iteration, lr, loss, smoothed_loss)
      SELECT r.id, p.trial, p.iteration, p.lr, p.loss, p.smoothed_loss FROM ${src}.range_test_points p
      JOIN temp.new_tests n ON n.old_id = p.range_test_id JOIN main.range_tests r ON r.uid = n.uid;
      DROP TABLE temp.new_tests;
    `);
  const sweeps = count(`SELECT count(*) n FROM ${src}.sweeps WHERE uid NOT IN (SELECT uid FROM main.sweeps)`);
  // A sweep's identity rows follow it; those of a sweep the target has already gain the runs it lacked.
  target.exec(`
      INSERT INTO main.sweeps (uid, name, config, planned, created_at)
      SELECT uid, name, config, planned, created_at FROM ${src}.sweeps WHERE uid NOT IN (SELECT uid FROM main.sweeps) ORDER BY id;
      INSERT OR IGNORE INTO main.sweep_runs (sweep_id, run_key, point, seed, run_id, status, error, attempts, worker, recorded_at)
      SELECT ms.id, w.run_key, w.point, w.seed,
             (SELECT r.id FROM main.runs r JOIN ${src}.runs sr ON sr.uid = r.uid WHERE sr.id = w.run_id),
             w.status, w.error, w.attempts, w.worker, w.recorded_at
      FROM ${src}.sweep_runs w JOIN ${src}.sweeps ss ON ss.id = w.sweep_id JOIN main.sweeps ms ON ms.uid = ss.uid;
      DROP TABLE temp.new_runs;
    `);
  return { source, runs, comparisons, rangeTests, sweeps, skipped };
}
