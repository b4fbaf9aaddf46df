import { describe, expect, it } from "vitest";
import { compare } from "../src/api/compare.ts";
import { comparisonTable } from "../src/commands/compare-render.ts";

describe("comparisonTable", () => {
  it("gives a speed-up over step decay only to runs that trained to the end", async () => {
    const { runs } = await compare({
      schedules: ["step"],
      model: "softmax",
      dataset: "blobs(n=400)",
      batchSize: 16,
      epochs: 5,
      lr: 0.1,
      workers: 0,
      db: false,
    });
    const row = (table: string, schedule: string) => table.split("\n").find((l) => l.startsWith(schedule))!;
    const speedUp = /\d+\.\d\dx/;
    const table = comparisonTable(runs);
    expect(row(table, "constant")).toMatch(speedUp);
    expect(row(table, "multistep")).toMatch(/1\.00x/);
    // A constant rate that diverged stopped early: its shorter time is no speed-up.
    const diverged = runs.map((r) =>
      r.schedule.startsWith("constant") && r.final
        ? { ...r, status: "diverged" as const, final: r.final, error: "diverged" }
        : r,
    );
    const after = comparisonTable(diverged);
    expect(row(after, "constant")).not.toMatch(speedUp);
    expect(row(after, "constant")).toMatch(/diverged$/);
    expect(row(after, "multistep")).toMatch(/1\.00x/);
  });
});
