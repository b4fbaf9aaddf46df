import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCatalog } from "@lrsim/builtins";
import { openResults } from "@lrsim/store";
import { describe, expect, it } from "vitest";
import { runMany } from "../src/api/run-many.ts";

/** A run far too long to finish here: only a stop ends it. */
const endless = {
  model: "linear",
  dataset: "line(n=5)",
  schedule: "constant(lr=0.001)",
  batchSize: 1,
  epochs: 1_000_000,
} as const;

describe("runMany", () => {
  it("stops the batch when the database stops taking a run: that run failed, the one beside it interrupted, the database's error thrown", async () => {
    const db = openResults(join(mkdtempSync(join(tmpdir(), "lrsim-run-many-")), "full.db"));
    // A disk that fills up after a few pages: SQLite's page cap, through the same writer.
    db.pragma(`max_page_count = ${(db.pragma("page_count", { simple: true }) as number) + 8}`);
    const ended: { index: number; status: string; error: string | null }[] = [];
    try {
      await expect(
        runMany({
          runs: [endless, endless, endless],
          workers: 2,
          catalog: createCatalog(),
          db,
          signal: AbortSignal.timeout(60_000),
          onRunEnd: (index, r) => ended.push({ index, status: r.status, error: r.error }),
        }),
      ).rejects.toThrow(/is full \(run \d stopped; everything written before is kept\)/);
    } finally {
      db.close();
    }
    // Two side by side (one worker each); the third never started.
    expect(ended.map((e) => e.index).sort()).toEqual([0, 1]);
    const failed = ended.filter((e) => e.status === "failed");
    expect(failed.length).toBeGreaterThanOrEqual(1);
    for (const e of failed) expect(e.error).toMatch(/is full/);
    for (const e of ended) expect(["failed", "interrupted"]).toContain(e.status);
  }, 90_000);
});
