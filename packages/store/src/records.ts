import { randomUUID } from "node:crypto";
import type { Db } from "./open.ts";
import { toReal } from "./values.ts";

/** Starts a comparison; its runs are recorded with `RunWriter`'s `comparisonId`. Returns its id. */
export function createComparison(db: Db, comparison: { name?: string | undefined; config: unknown }): number {
  const row = db
    .prepare("INSERT INTO comparisons (uid, name, config, created_at) VALUES (?, ?, ?, ?)")
    .run(randomUUID(), comparison.name ?? null, JSON.stringify(comparison.config), new Date().toISOString());
  return Number(row.lastInsertRowid);
}

/** One learning-rate range test as `lrsim find-lr` measures it: per trial, lr, loss and smoothed loss per mini-batch. */
export interface RangeTestRecord {
  readonly model: string;
  readonly dataset: string;
  readonly optimizer: string;
  readonly config: unknown;
  readonly suggestedLr: number | null;
  readonly suggestions: Readonly<Record<string, number | null>>;
  readonly trials: ReadonlyArray<{
    readonly lr: readonly number[];
    readonly loss: readonly number[];
    readonly smoothedLoss: readonly number[];
  }>;
}

/** Records a range test and all its points in one transaction; returns its id. */
export function recordRangeTest(db: Db, test: RangeTestRecord): number {
  return db
    .transaction(() => {
      const id = Number(
        db
          .prepare(
            "INSERT INTO range_tests (uid, model, dataset, optimizer, config, suggested_lr, suggestions, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
          )
          .run(
            randomUUID(),
            test.model,
            test.dataset,
            test.optimizer,
            JSON.stringify(test.config),
            toReal(test.suggestedLr),
            JSON.stringify(test.suggestions),
            new Date().toISOString(),
          ).lastInsertRowid,
      );
      const point = db.prepare(
        "INSERT INTO range_test_points (range_test_id, trial, iteration, lr, loss, smoothed_loss) VALUES (?, ?, ?, ?, ?, ?)",
      );
      test.trials.forEach((trial, t) => {
        trial.lr.forEach((lr, i) => {
          point.run(id, t, i, lr, toReal(trial.loss[i]), toReal(trial.smoothedLoss[i]));
        });
      });
      return id;
    })
    .immediate();
}
