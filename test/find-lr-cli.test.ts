import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.ts";

describe("lrsim find-lr", () => {
  it("--json prints the curve and suggestions, and the test is recorded in the database", async () => {
    const db = join(mkdtempSync(join(tmpdir(), "lrsim-findlr-")), "results.db");
    const r = await runCli(
      ["find-lr", "--model", "linear", "--dataset", "line", "--batch-size", "80", "--trials", "2", "--json"],
      { env: { LRSIM_DB: db } },
    );
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(
      expect.arrayContaining(["suggestedLr", "suggestions", "lr", "loss", "smoothedLoss"]),
    );
    expect(out.lr.length).toBe(out.smoothedLoss.length);
    expect(out.suggestedLr).toBe(out.suggestions.minimumOverTen);
    expect(out.trials).toHaveLength(2);
    const stored = JSON.parse(
      (
        await runCli(
          [
            "query",
            "SELECT t.suggested_lr, count(p.iteration) AS points FROM range_tests t JOIN range_test_points p ON p.range_test_id = t.id",
            "--json",
          ],
          { env: { LRSIM_DB: db } },
        )
      ).stdout,
    );
    expect(stored).toEqual([
      { suggested_lr: out.suggestedLr, points: out.trials[0].lr.length + out.trials[1].lr.length },
    ]);
    const text = await runCli(["find-lr", "--model", "linear", "--dataset", "line", "--batch-size", "80"], {
      env: { LRSIM_DB: db },
    });
    expect(text.stdout).toContain("smoothed loss vs lr");
    expect(text.stdout).toContain(`onecycle(maxLr=`);
  });
});
