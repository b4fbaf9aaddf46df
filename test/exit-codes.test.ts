import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openResults } from "@lrsim/store";
import { describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.ts";

const tiny = [
  "--model",
  "linear",
  "--dataset",
  "line",
  "--batch-size",
  "80",
  "--epochs",
  "3",
  "--workers",
  "0",
];

describe("exit codes and how errors read", () => {
  it("an option the core checks is named as the CLI's flag, with the flag it is relative to", async () => {
    const r = await runCli([
      "find-lr",
      "--start",
      "1",
      "--end",
      "0.1",
      "--model",
      "linear",
      "--dataset",
      "line",
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("lrsim: --end must be a number above --start (1), got 0.1\n");
    const batch = await runCli(["run", "--model", "linear", "--dataset", "line", "--batch-size", "0"]);
    expect(batch.code).toBe(1);
    expect(batch.stderr).toBe("lrsim: --batch-size must be an integer >= 1, got 0\n");
  });

  it("a database failing mid-run is an internal error (exit 70), not a failed run", async () => {
    const db = join(mkdtempSync(join(tmpdir(), "lrsim-exit-")), "lrsim.db");
    expect((await runCli(["run", ...tiny, "--db", db])).code).toBe(0); // creates the schema
    const sqlite = openResults(db);
    sqlite.exec(
      "CREATE TRIGGER full BEFORE INSERT ON evaluations BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END",
    );
    sqlite.close();
    const r = await runCli(["run", ...tiny, "--db", db]);
    expect(r.code).toBe(70);
    expect(r.stderr).toContain("lrsim: internal error: database or disk is full\n");
    expect(r.stderr).toContain("please report it");
    expect(r.stdout).toBe("");
  });
});
