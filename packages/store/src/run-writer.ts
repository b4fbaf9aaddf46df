import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import {
  type EpochRecord,
  errors,
  type LrsimError,
  type RunResult,
  type StepRecord,
  type Trainer,
  type TrainerEvents,
} from "@lrsim/core";
import { busyTimeoutMs, type Db } from "./open.ts";
import { explainSqliteError, isBusy, isFull } from "./sqlite-errors.ts";
import { toReal } from "./values.ts";

/** What the writer records about a run besides what the trainer reports. */
export interface RunContext {
  readonly workers: number;
  readonly lrsimVersion: string;
  readonly comparisonId?: number | undefined;
  /** Longest time step rows may wait in memory before they are written (default 1,000 ms). */
  readonly flushMs?: number;
  /**
   * Called once when the database stops taking the run (disk full, locked past the busy
   * timeout, damaged): the caller should stop training; `failure` says why.
   */
  readonly onFailure?: (failure: LrsimError) => void;
  /** How long writes may keep finding the database locked before the run fails (default {@link busyTimeoutMs}). */
  readonly busyTimeoutMs?: number;
}

/** The smallest and largest finite values of a list, in one pass (no spread: histories can hold millions). */
function extremes(values: Iterable<number | null>): { min: number | null; max: number | null } {
  let min: number | null = null;
  let max: number | null = null;
  for (const v of values) {
    if (v === null || !Number.isFinite(v)) continue;
    if (min === null || v < min) min = v;
    if (max === null || v > max) max = v;
  }
  return { min, max };
}

function* pick<T, V>(rows: readonly T[], field: (row: T) => V): Generator<V> {
  for (const row of rows) yield field(row);
}

const now = () => new Date().toISOString();

/** Most step rows buffered before a flush, however little time has passed. */
const MAX_PENDING_ROWS = 5000;

/**
 * Records one run in the results database as it happens: the run row when it starts
 * (`running`), step rows batched into transactions at least every `flushMs` and at every epoch
 * end, an evaluation row per epoch, and the summary plus final status when it ends. What was
 * flushed survives a crash; a run left `running` by a dead process reads as stale.
 *
 * Step and evaluation rows are buffered and written together at least every `flushMs` (and
 * every 5,000 steps), so
 * millions of tiny epochs cost one transaction a second, not one each. A write that finds the
 * database locked keeps its rows and tries again at the next flush, until the busy timeout has
 * passed; a full disk, a lock held past the timeout or a damaged file ends the writer's work:
 * it reports `failure` (through `onFailure`) and, where the disk still lets it, marks the run
 * `failed` with that message, keeping every row written before.
 */
export class RunWriter {
  private runId: number | undefined;
  private pending: StepRecord[] = [];
  private pendingEvaluations: EpochRecord[] = [];
  private lastFlush = performance.now();
  /** When writes first found the database locked, while they still do. */
  private busySince: number | undefined;
  private failed: LrsimError | undefined;
  private readonly insertStep;
  private readonly insertEvaluation;
  private readonly heartbeat;

  constructor(
    private readonly db: Db,
    private readonly context: RunContext,
  ) {
    this.insertStep = db.prepare(
      "INSERT INTO steps (run_id, step, epoch, samples, lr, batch_size, momentum, train_loss, accuracy, wall_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    );
    this.insertEvaluation = db.prepare(
      `INSERT INTO evaluations (run_id, epoch, updates, samples, lr, batch_size, momentum, train_loss, train_accuracy, test_loss,
       test_accuracy, noise_scale, cluster_ms, wall_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.heartbeat = db.prepare("UPDATE runs SET heartbeat_at = ? WHERE id = ?");
  }

  /** The id of the run row, once the run has started. */
  get id(): number | undefined {
    return this.runId;
  }

  /** Why the database stopped taking this run, if it did. */
  get failure(): LrsimError | undefined {
    return this.failed;
  }

  private get path(): string {
    return this.db.name;
  }

  /** Ends recording with `error` (once) and tells the caller to stop training. */
  private fail(error: unknown): void {
    if (this.failed) return;
    const timeout = this.context.busyTimeoutMs ?? busyTimeoutMs();
    const explained = explainSqliteError(this.path, error, timeout);
    if (!explained) throw error;
    this.failed = isFull(error)
      ? errors.dbFull(this.path, ` (run ${this.runId} stopped; everything written before is kept)`, error)
      : explained;
    this.pending = [];
    this.pendingEvaluations = [];
    this.context.onFailure?.(this.failed);
  }

  /**
   * Hooks the writer onto a trainer's events (or anything that delivers them the same way,
   * such as a sweep coordinator replaying a run trained on another host); returns a function
   * that unhooks it.
   */
  attach(trainer: Pick<Trainer, "observe">): () => void {
    // An observer, so an error the writer cannot explain (a bug) ends the run instead of being
    // reported and lost like a listener's; the failures it can explain stop the run through
    // `onFailure` and end it `failed`.
    return trainer.observe({
      runStart: (info) => this.start(info),
      stepEnd: (step) => this.step(step),
      epochEnd: (row) => this.epoch(row),
      runEnd: (result) => this.end(result),
    });
  }

  private start(info: Parameters<TrainerEvents["runStart"]>[0]): void {
    try {
      this.insertRun(info);
    } catch (error) {
      this.fail(error);
    }
  }

  private insertRun(info: Parameters<TrainerEvents["runStart"]>[0]): void {
    const { config, specs } = info;
    const stamp = now();
    const row = this.db
      .prepare(
        `INSERT INTO runs (uid, comparison_id, schedule, model, dataset, optimizer, config, seed, batch_size, epochs_planned, workers,
         devices, parameters, kernel, lrsim_version, host, pid, status, started_at, heartbeat_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'running', ?, ?)`,
      )
      .run(
        randomUUID(),
        this.context.comparisonId ?? null,
        specs.schedule,
        specs.model,
        specs.dataset,
        specs.optimizer,
        JSON.stringify(config),
        config.seed,
        config.batchSize,
        config.epochs,
        this.context.workers,
        config.devices,
        info.parameterCount,
        info.kernel ?? null,
        this.context.lrsimVersion,
        hostname(),
        process.pid,
        stamp,
        stamp,
      );
    this.runId = Number(row.lastInsertRowid);
  }

  private step(step: StepRecord): void {
    if (this.failed) return;
    this.pending.push(step);
    this.flushIfDue();
  }

  private flushIfDue(): void {
    // Also by count: a second of tiny steps can be 50,000 rows, and one flush that size is
    // memory held and, on a nearly full disk, everything lost at once.
    if (
      this.pending.length >= MAX_PENDING_ROWS ||
      performance.now() - this.lastFlush >= (this.context.flushMs ?? 1000)
    )
      this.flush();
  }

  /**
   * Writes buffered step and evaluation rows (and a heartbeat) in one immediate transaction.
   * Locked: the rows stay buffered for the next flush (until the busy timeout has passed).
   * Returns whether they were written.
   */
  flush(extra?: () => void): boolean {
    const id = this.runId;
    if (id === undefined || this.failed) return false;
    try {
      this.write(id, extra);
    } catch (error) {
      if (isBusy(error)) {
        const timeout = this.context.busyTimeoutMs ?? busyTimeoutMs();
        this.busySince ??= performance.now();
        this.lastFlush = performance.now();
        if (performance.now() - this.busySince < timeout) return false;
      }
      this.fail(error);
      return false;
    }
    this.busySince = undefined;
    this.pending = [];
    this.pendingEvaluations = [];
    this.lastFlush = performance.now();
    return true;
  }

  private write(id: number, extra: (() => void) | undefined): void {
    const rows = this.pending;
    const evaluations = this.pendingEvaluations;
    this.db
      .transaction(() => {
        for (const s of rows)
          this.insertStep.run(
            id,
            s.step,
            s.epoch,
            s.samples,
            s.lr,
            s.batchSize,
            toReal(s.momentum),
            toReal(s.loss),
            toReal(s.accuracy),
            s.wallMs,
          );
        for (const e of evaluations) this.evaluationRow(id, e);
        extra?.();
        this.heartbeat.run(now(), id);
      })
      .immediate();
  }

  private epoch(row: EpochRecord): void {
    if (this.failed) return;
    this.pendingEvaluations.push(row);
    this.flushIfDue();
  }

  private evaluationRow(id: number, row: EpochRecord): void {
    this.insertEvaluation.run(
      id,
      row.epoch,
      row.updates,
      row.samples,
      row.lr,
      row.batchSize,
      toReal(row.momentum),
      toReal(row.trainLoss),
      toReal(row.trainAccuracy),
      toReal(row.testLoss),
      toReal(row.testAccuracy),
      toReal(row.noiseScale),
      row.clusterMs,
      row.wallMs,
    );
  }

  private end(result: RunResult): void {
    const id = this.runId;
    if (id === undefined) return;
    const tests = extremes(pick(result.history, (h) => h.testLoss));
    const accuracies = extremes(pick(result.history, (h) => h.testAccuracy));
    const status = this.failed ? "failed" : result.status;
    const error = this.failed ? this.failed.message : result.error;
    const summary = () => {
      this.db
        .prepare(
          `INSERT INTO run_summaries (run_id, updates, samples, epochs, final_train_loss, final_test_loss, final_test_accuracy,
           best_test_loss, best_test_accuracy, wall_ms, cluster_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          id,
          result.updates,
          result.samples,
          result.epochs,
          toReal(result.final?.trainLoss ?? null),
          toReal(result.final?.testLoss ?? null),
          toReal(result.final?.testAccuracy ?? null),
          tests.min,
          accuracies.max,
          result.wallMs,
          result.clusterMs,
        );
      this.markEnded(id, status, error);
    };
    if (!this.failed) {
      // The last rows must land: wait out a lock (up to the busy timeout) rather than drop them.
      while (!this.flush(summary) && !this.failed)
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
      if (!this.failed) return;
    }
    // The database refused the run part-way: record how it ended if it still can.
    try {
      this.markEnded(id, "failed", this.failed!.message);
    } catch {
      // A full disk may not take even that; the run then reads as stale once this process is gone.
    }
  }

  private markEnded(id: number, status: string, error: string | null): void {
    this.db
      .prepare("UPDATE runs SET status = ?, error = ?, ended_at = ? WHERE id = ?")
      .run(status, error, now(), id);
  }
}
