import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Trainer } from "@lrsim/core";
import { createCatalog } from "lrsim/catalog";
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
