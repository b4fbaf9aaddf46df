import { mkdtempSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { createCatalog } from "@lrsim/builtins";
import { Trainer } from "@lrsim/core";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import {
  fromReal,
  getRun,
  listRuns,
  openResults,
  RunWriter,
  readOnlyQuery,
  runEvaluations,
  SCHEMA_VERSION,
  toReal,
} from "../src/index.ts";
import { MIGRATIONS } from "../src/schema.ts";

const tempDb = () => join(mkdtempSync(join(tmpdir(), "lrsim-store-")), "results.db");

async function recordRun(path: string, options: Parameters<Trainer["run"]>[0], flushMs = 1000) {
  const db = openResults(path);
  const trainer = new Trainer(createCatalog());
  const writer = new RunWriter(db, { workers: 0, lrsimVersion: "test", flushMs });
  writer.attach(trainer);
  const result = await trainer.run(options);
  return { db, result, id: writer.id! };
}

describe("the results database", () => {
  it("creates the schema at the current version, in WAL mode", () => {
    const db = openResults(tempDb());
    expect(db.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    const tables = (
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as {
        name: string;
      }[]
    ).map((t) => t.name);
    expect(tables).toEqual([
      "comparisons",
      "evaluations",
      "range_test_points",
      "range_tests",
      "run_summaries",
      "runs",
      "steps",
      "sweep_runs",
      "sweeps",
    ]);
  });

  it("records a run: its row, every step, every evaluation and the summary", async () => {
    const { db, result, id } = await recordRun(tempDb(), {
      schedule: "onecycle(maxLr=0.5)",
      model: "softmax",
      dataset: "blobs(n=400)",
      batchSize: 32,
      epochs: 3,
    });
    const run = getRun(db, id);
    expect(run).toMatchObject({
      status: "completed",
      schedule: result.schedule,
      model: "softmax",
      dataset: "blobs(n=400)",
      seed: 0,
      ended_at: expect.any(String),
      kernel: expect.stringMatching(/^wasm (simd|relaxed-simd)$/), // softmax's default kernel
    });
    expect(JSON.parse(run.config as string)).toMatchObject({ batchSize: 32, epochs: 3 });
    expect(db.prepare("SELECT count(*) n FROM steps WHERE run_id = ?").get(id)).toEqual({
      n: result.updates,
    });
    const evaluations = runEvaluations(db, id);
    expect(evaluations.map((e) => e.test_loss)).toEqual(result.history.map((h) => h.testLoss));
    const [listed] = listRuns(db);
    expect(listed).toMatchObject({
      id,
      status: "completed",
      updates: result.updates,
      finalTestAccuracy: result.final?.testAccuracy,
    });
  });

  it("keeps NaN and infinities: a diverged run reads back as it was", async () => {
    expect(fromReal(toReal(Number.NaN))).toBeNaN();
    expect(fromReal(toReal(Number.POSITIVE_INFINITY))).toBe(Number.POSITIVE_INFINITY);
    const { db, result, id } = await recordRun(tempDb(), {
      schedule: "constant(lr=50)",
      model: "linear",
      dataset: "line",
      batchSize: 80,
      epochs: 30,
    });
    expect(result.status).toBe("diverged");
    expect(getRun(db, id)).toMatchObject({ status: "diverged", error: result.error });
    const stored = runEvaluations(db, id).map((e) => e.train_loss);
    expect(stored).toEqual(result.history.map((h) => h.trainLoss));
  });

  it("answers read-only SQL and refuses statements that write", async () => {
    const { db } = await recordRun(tempDb(), {
      schedule: "constant(lr=0.02)",
      model: "linear",
      dataset: "line",
      batchSize: 80,
      epochs: 2,
    });
    expect(readOnlyQuery(db, "SELECT schedule, status FROM runs")).toEqual({
      columns: ["schedule", "status"],
      rows: [["constant(lr=0.02)", "completed"]],
    });
    expect(() => readOnlyQuery(db, "DELETE FROM runs")).toThrow("lrsim query only reads");
    expect(() => readOnlyQuery(db, "DROP TABLE steps")).toThrow("lrsim query only reads");
    expect(() => readOnlyQuery(db, "SELEKT 1")).toThrow("the query is not valid SQL");
    expect(db.prepare("SELECT count(*) n FROM runs").get()).toEqual({ n: 1 });
  });

  it("shows a run left running by a process that is gone as stale", () => {
    const db = openResults(tempDb());
    db.prepare(
      `INSERT INTO runs (uid, schedule, model, dataset, optimizer, config, seed, batch_size, epochs_planned, workers, devices, lrsim_version, host, pid, status, started_at, heartbeat_at)
       VALUES ('x', 'constant', 'linear', 'line', 'sgd', '{}', 0, 8, 1, 0, 8, 'test', ?, 999999999, 'running', ?, ?)`,
    ).run(hostname(), new Date().toISOString(), new Date().toISOString());
    expect(listRuns(db)[0]!.status).toBe("stale");
    expect(listRuns(db, { status: "stale" })).toHaveLength(1);
  });

  it("records what computed the model: kernel=js and kernel=native say so", async () => {
    const path = tempDb();
    for (const [model, kernel] of [
      ["softmax(kernel=js)", "js"],
      ["mlp(hidden=[8], kernel=native)", expect.stringMatching(/^native (128|256|512)-bit$/)],
    ] as const) {
      const { db, id } = await recordRun(path, { model, dataset: "blobs(n=100)", epochs: 1 });
      expect(getRun(db, id).kernel).toEqual(kernel);
      db.close();
    }
  });

  it("adds the kernel column to a database of the previous version; its runs read NULL", () => {
    const path = tempDb();
    const old = new Database(path);
    for (const migration of MIGRATIONS.slice(0, 2)) old.exec(migration);
    old.pragma("user_version = 2");
    old
      .prepare(
        `INSERT INTO runs (uid, schedule, model, dataset, optimizer, config, seed, batch_size, epochs_planned,
         workers, devices, lrsim_version, host, pid, status, started_at, heartbeat_at)
         VALUES ('r1', 'constant', 'mlp', 'mnist', 'sgd', '{}', 0, 32, 1, 0, 1, '0', 'h', 1, 'completed', 'now', 'now')`,
      )
      .run();
    old.close();
    const db = openResults(path);
    expect(db.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.prepare("SELECT uid, kernel FROM runs").all()).toEqual([{ uid: "r1", kernel: null }]);
    db.close();
  });

  it("refuses a database from a newer lrsim, in one line", () => {
    const path = tempDb();
    openResults(path).pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    expect(() => openResults(path)).toThrow(
      `has schema version ${SCHEMA_VERSION + 1}, newer than this lrsim understands`,
    );
  });

  it("fails clearly on a file that is not a database", () => {
    expect(() => openResults(join(mkdtempSync(join(tmpdir(), "x")), "missing", "dir", "x.db"))).toThrow(
      "cannot open the results database",
    );
  });
});
