import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCatalog } from "@lrsim/builtins";
import { Trainer } from "@lrsim/core";
import { describe, expect, it } from "vitest";
import { listRuns, mergeInto, openResults, RunWriter, runEvaluations } from "../src/index.ts";

async function databaseWithRun(schedule: string): Promise<string> {
  const path = join(mkdtempSync(join(tmpdir(), "lrsim-merge-")), "results.db");
  const db = openResults(path);
  const trainer = new Trainer(createCatalog());
  new RunWriter(db, { workers: 0, lrsimVersion: "test" }).attach(trainer);
  await trainer.run({ schedule, model: "linear", dataset: "line", batchSize: 40, epochs: 2 });
  db.close();
  return path;
}

describe("merging results databases", () => {
  it("copies runs with their steps, evaluations and summaries under new ids, and skips runs it already has", async () => {
    const a = await databaseWithRun("constant(lr=0.01)");
    const b = await databaseWithRun("constant(lr=0.02)"); // also run id 1 in its own file
    const target = openResults(join(mkdtempSync(join(tmpdir(), "lrsim-merged-")), "all.db"));
    expect(mergeInto(target, a)).toMatchObject({ runs: 1, skipped: 0 });
    expect(mergeInto(target, b)).toMatchObject({ runs: 1, skipped: 0 });
    expect(mergeInto(target, a)).toMatchObject({ runs: 0, skipped: 1 });
    const runs = listRuns(target);
    expect(runs.map((r) => [r.id, r.schedule, r.updates])).toEqual([
      [2, "constant(lr=0.02)", 4],
      [1, "constant(lr=0.01)", 4],
    ]);
    const source = openResults(b, { readonly: true });
    const withoutRunId = (rows: ReturnType<typeof runEvaluations>) =>
      rows.map(({ run_id: _, ...rest }) => rest);
    expect(withoutRunId(runEvaluations(target, 2))).toEqual(withoutRunId(runEvaluations(source, 1)));
    expect(runEvaluations(target, 2).every((row) => row.run_id === 2)).toBe(true);
    expect(target.prepare("SELECT count(*) n FROM steps WHERE run_id = 2").get()).toEqual({ n: 4 });
    expect(target.pragma("integrity_check", { simple: true })).toBe("ok");
    expect(target.pragma("foreign_key_check")).toEqual([]);
  });

  it("refuses a source that does not exist, leaving the target untouched", () => {
    const target = openResults(join(mkdtempSync(join(tmpdir(), "lrsim-merged-")), "all.db"));
    expect(() => mergeInto(target, "/nonexistent/x.db")).toThrow("no results database at /nonexistent/x.db");
    expect(listRuns(target)).toEqual([]);
  });
});

describe("comparisons and range tests", () => {
  it("records a comparison and a range test (with a NaN loss) and merges them with their runs' links", async () => {
    const { createComparison, recordRangeTest } = await import("../src/index.ts");
    const source = join(mkdtempSync(join(tmpdir(), "lrsim-records-")), "a.db");
    const db = openResults(source);
    const comparison = createComparison(db, { name: "smith", config: { schedules: ["step", "batchramp"] } });
    const trainer = new Trainer(createCatalog());
    new RunWriter(db, { workers: 0, lrsimVersion: "test", comparisonId: comparison }).attach(trainer);
    await trainer.run({
      schedule: "constant(lr=0.01)",
      model: "linear",
      dataset: "line",
      batchSize: 40,
      epochs: 1,
    });
    const test = recordRangeTest(db, {
      model: "linear",
      dataset: "line",
      optimizer: "sgd",
      config: { start: 1e-7, end: 10 },
      suggestedLr: 0.01,
      suggestions: { steepest: 0.01, valley: 0.02, minimumOverTen: 0.005 },
      trials: [{ lr: [1e-7, 1e-6, 1e-5], loss: [5, 4, Number.NaN], smoothedLoss: [5, 4.5, Number.NaN] }],
    });
    const points = db
      .prepare("SELECT lr, loss FROM range_test_points WHERE range_test_id = ? ORDER BY iteration")
      .all(test) as { lr: number; loss: unknown }[];
    expect(points.map((p) => p.loss)).toEqual([5, 4, "NaN"]);
    db.close();
    const target = openResults(join(mkdtempSync(join(tmpdir(), "lrsim-records-")), "all.db"));
    createComparison(target, { config: {} }); // so ids differ from the source's
    expect(mergeInto(target, source)).toMatchObject({ runs: 1, comparisons: 1, rangeTests: 1 });
    const linked = target
      .prepare("SELECT c.name FROM runs r JOIN comparisons c ON c.id = r.comparison_id")
      .get();
    expect(linked).toEqual({ name: "smith" });
    expect(listRuns(target, { comparison: 2 })).toHaveLength(1);
    expect(target.prepare("SELECT count(*) n FROM range_test_points").get()).toEqual({ n: 3 });
  });
});
