import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCatalog } from "@lrsim/builtins";
import { Trainer } from "@lrsim/core";
import { createComparison, openResults, RunWriter, readOnlyQuery } from "@lrsim/store";
import { beforeAll, describe, expect, it } from "vitest";

const doc = readFileSync(new URL("../docs/results-db.md", import.meta.url), "utf8");
const queries = [...doc.matchAll(/```sql\n([\s\S]*?)```/g)].map((m) => m[1]!.trim());

/** A real database: a comparison of two schedules x two seeds on blobs, plus one diverged run. */
async function buildDatabase(): Promise<ReturnType<typeof openResults>> {
  const db = openResults(join(mkdtempSync(join(tmpdir(), "lrsim-docs-db-")), "results.db"));
  const comparisonId = createComparison(db, {
    name: "docs",
    config: { schedules: ["step", "batchramp"], seeds: 2 },
  });
  const record = async (options: Parameters<Trainer["run"]>[0], inComparison: boolean) => {
    const trainer = new Trainer(createCatalog());
    new RunWriter(db, {
      workers: 0,
      lrsimVersion: "test",
      comparisonId: inComparison ? comparisonId : undefined,
    }).attach(trainer);
    return trainer.run(options);
  };
  for (const schedule of [
    "step(lr=0.5, stepSize=2)",
    "batchramp(lr=0.5, batchSize=16, factor=4, milestones=[2])",
  ])
    for (const seed of [1, 2])
      await record(
        { schedule, model: "softmax", dataset: "blobs(n=600, classes=3)", batchSize: 16, epochs: 4, seed },
        true,
      );
  await record(
    { schedule: "constant(lr=50)", model: "linear", dataset: "line", batchSize: 80, epochs: 10 },
    false,
  );
  return db;
}

describe("the example queries of docs/results-db.md", () => {
  let db: ReturnType<typeof openResults>;
  beforeAll(async () => {
    db = await buildDatabase();
  });

  it("has at least ten", () => {
    expect(queries.length).toBeGreaterThanOrEqual(10);
  });

  it.each(queries.map((q, i) => [i + 1, q] as const))("query %i runs and reads", (_n, sql) => {
    const { columns } = readOnlyQuery(db, sql);
    expect(columns.length).toBeGreaterThan(0);
  });

  it("answer what they say on this database", () => {
    const rows = (i: number) => readOnlyQuery(db, queries[i]!).rows;
    expect(rows(0)).toHaveLength(5);
    expect(rows(1)).toHaveLength(1); // one comparison, one best schedule
    expect(rows(2).map((r) => r[1])).toEqual(expect.arrayContaining([2, 2, 1]));
    expect(rows(3).length).toBeGreaterThan(0); // blobs reach 95%
    expect(rows(4)).toHaveLength(5); // epochs 0..4
    // batchramp: 480 training samples at batch 16 (30 updates) for 2 epochs, then 64 (8 updates).
    const ramp = rows(6).filter((r) => r[0] === 3);
    expect(ramp).toEqual([
      [3, 1, 30, 16],
      [3, 2, 30, 16],
      [3, 3, 8, 64],
      [3, 4, 8, 64],
    ]);
    expect(rows(10)).toEqual([[5, "constant(lr=50)", "diverged", expect.stringContaining("training loss")]]);
  });
});
