import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { EpochRecord, RunResult, StepRecord, Trainer, TrainerEvents } from "@lrsim/core";
import type { Db } from "./open.ts";
import { toReal } from "./values.ts";

/** What the writer records about a run besides what the trainer reports. */
export interface RunContext {
  readonly workers: number;
  readonly lrsimVersion: string;
  readonly comparisonId?: number | undefined;
  /** Longest time step rows may wait in memory before they are written (default 1,000 ms). */
  readonly flushMs?: number;
}

const now = () => new Date().toISOString();

/**
 * Records one run in the results database as it happens: the run row when it starts
 * (`running`), step rows batched into transactions at least every `flushMs` and at every epoch
 * end, an evaluation row per epoch, and the summary plus final status when it ends. What was
 * flushed survives a crash; a run left `running` by a dead process reads as stale.
 */
export class RunWriter {
  private runId: number | undefined;
  private pending: StepRecord[] = [];
  private lastFlush = performance.now();
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

  /**
   * Hooks the writer onto a trainer's events as an observer, so a database error ends the run
   * (the trainer rejects with it) instead of being reported and lost like a listener's.
   * Returns a function that unhooks it.
   */
  attach(trainer: Trainer): () => void {
    return trainer.observe({
      runStart: (info) => this.start(info),
      stepEnd: (step) => this.step(step),
      epochEnd: (row) => this.epoch(row),
      runEnd: (result) => this.end(result),
    });
  }

  private start(info: Parameters<TrainerEvents["runStart"]>[0]): void {
    const { config, specs } = info;
    const stamp = now();
    const row = this.db
      .prepare(
        `INSERT INTO runs (uid, comparison_id, schedule, model, dataset, optimizer, config, seed, batch_size, epochs_planned, workers,
         devices, parameters, lrsim_version, host, pid, status, started_at, heartbeat_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'running', ?, ?)`,
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
        this.context.lrsimVersion,
        hostname(),
        process.pid,
        stamp,
        stamp,
      );
    this.runId = Number(row.lastInsertRowid);
  }

  private step(step: StepRecord): void {
    this.pending.push(step);
    if (performance.now() - this.lastFlush >= (this.context.flushMs ?? 1000)) this.flush();
  }

  /** Writes buffered step rows (and a heartbeat) in one immediate transaction. */
  flush(extra?: () => void): void {
    const id = this.runId;
    if (id === undefined) return;
    const rows = this.pending;
    this.pending = [];
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
        extra?.();
        this.heartbeat.run(now(), id);
      })
      .immediate();
    this.lastFlush = performance.now();
  }

  private epoch(row: EpochRecord): void {
    this.flush(() =>
      this.insertEvaluation.run(
        this.runId,
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
      ),
    );
  }

  private end(result: RunResult): void {
    const id = this.runId;
    if (id === undefined) return;
    const tests = result.history.map((h) => h.testLoss).filter((v) => Number.isFinite(v));
    const accuracies = result.history.map((h) => h.testAccuracy).filter((v): v is number => v !== null);
    this.flush(() => {
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
          tests.length ? Math.min(...tests) : null,
          accuracies.length ? Math.max(...accuracies) : null,
          result.wallMs,
          result.clusterMs,
        );
      this.db
        .prepare("UPDATE runs SET status = ?, error = ?, ended_at = ? WHERE id = ?")
        .run(result.status, result.error, now(), id);
    });
  }
}
