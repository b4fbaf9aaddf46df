import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openResults } from "@lrsim/store";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli, startCli } from "./helpers/cli.ts";

// The embedded sweep (no server): the grid, --show, --json, the config file's sweep section,
// report --sweep and merge. Short runs: softmax on 500 MNIST digits, 4 epochs.

const dir = mkdtempSync(join(tmpdir(), "lrsim-sweep-cli-"));
const db = join(dir, "sweep.db");
const SMALL = ["--epochs", "4", "--dataset", "mnist(train=500, test=200)"];

function count(path: string, sql: string): number {
  const handle = openResults(path, { readonly: true });
  try {
    return (handle.prepare(sql).get() as { n: number }).n;
  } finally {
    handle.close();
  }
}

let sweepOutput: { code: number; stdout: string; stderr: string };

beforeAll(async () => {
  sweepOutput = await runCli([
    "sweep",
    "--schedules",
    "step,onecycle",
    "--lr",
    "0.1,0.5",
    "--seeds",
    "2",
    ...SMALL,
    "--db",
    db,
  ]);
}, 120_000);

describe("lrsim sweep (embedded)", () => {
  it("announces its size, trains every run once and prints the table best first", () => {
    expect(sweepOutput.code).toBe(0);
    expect(sweepOutput.stderr).toContain("sweep 1: 2 schedules × 2 lr × 2 seeds = 8 runs");
    const lines = sweepOutput.stdout.trim().split("\n");
    expect(lines[0]).toContain("sweep 1: 8 of 8 runs recorded");
    expect(lines[2]).toMatch(/^#\s+schedule\s+lr\s+seeds\s+final test acc/);
    const accuracies = lines.slice(4).map((l) => Number(/(\d+\.\d+)% ±/.exec(l)![1]));
    expect(accuracies).toHaveLength(4);
    expect([...accuracies].sort((a, b) => b - a)).toEqual(accuracies);
    expect(count(db, "SELECT count(*) n FROM sweep_runs")).toBe(8);
    expect(count(db, "SELECT count(DISTINCT run_id) n FROM sweep_runs")).toBe(8);
  });

  it("--show ranks by another metric and --json has rows with mean ± std over seeds", async () => {
    const show = await runCli(["sweep", "--show", "1", "--metric", "test-loss", "--db", db]);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain("by final test loss, best first");
    expect(show.stderr).not.toContain("--resume");
    const json = await runCli(["sweep", "--show", "1", "--json", "--db", db]);
    const parsed = JSON.parse(json.stdout) as {
      planned: number;
      axes: string[];
      rows: { seeds: number; metric: { mean: number; std: number; n: number } }[];
    };
    expect(parsed.planned).toBe(8);
    expect(parsed.axes).toEqual(["schedule", "lr"]);
    expect(parsed.rows.map((r) => r.seeds)).toEqual([2, 2, 2, 2]);
    expect(parsed.rows[0]!.metric.n).toBe(2);
    expect(parsed.rows[0]!.metric.std).toBeGreaterThanOrEqual(0);
  });

  it("--show of a sweep with runs missing says how to finish it, on stderr", async () => {
    const partial = join(dir, "partial.db");
    const handle = openResults(db, { readonly: true });
    handle.exec(`VACUUM INTO '${partial}'`);
    handle.close();
    const copy = openResults(partial);
    copy.exec("DELETE FROM sweep_runs WHERE run_key IN (SELECT run_key FROM sweep_runs LIMIT 3)");
    copy.close();
    const show = await runCli(["sweep", "--show", "1", "--db", partial]);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain("sweep 1: 5 of 8 runs recorded");
    expect(show.stderr).toContain("5 of 8 runs recorded; lrsim sweep --resume 1 finishes it");
  });

  it("takes its grid from the config file's sweep section, and refuses absurd sizes without --yes", async () => {
    const config = join(dir, "lrsim.config.json");
    writeFileSync(
      config,
      JSON.stringify({
        sweep: {
          schedules: "batchramp",
          lr: [0.1, 0.2],
          "batch-size": "32,64",
          "lr-scaling": "sqrt",
          "clip-grad-norm": 5,
        },
      }),
    );
    const refused = await runCli([
      "sweep",
      "--config",
      config,
      "--seeds",
      "300",
      ...SMALL,
      "--db",
      join(dir, "big.db"),
    ]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      "this sweep is 1 schedule × 2 lr × 2 batch sizes × 300 seeds = 1200 runs, more than 1000: add --yes if you mean it",
    );
    const small = await runCli(["sweep", "--config", config, ...SMALL, "--db", join(dir, "config.db")]);
    expect(small.code).toBe(0);
    expect(small.stderr).toContain("1 schedule × 2 lr × 2 batch sizes × 1 seed = 4 runs");
    // The fixed options reach every run: the scaling rule in its schedule, clipping in its config.
    const handle = openResults(join(dir, "config.db"), { readonly: true });
    try {
      const rows = handle.prepare("SELECT schedule, config FROM runs").all() as {
        schedule: string;
        config: string;
      }[];
      expect(rows).toHaveLength(4);
      for (const row of rows) {
        expect(row.schedule).toContain("lrScaling=sqrt");
        expect(JSON.parse(row.config)).toMatchObject({ clipGradNorm: 5 });
      }
    } finally {
      handle.close();
    }
  }, 120_000);

  it("report --sweep draws the best configuration per schedule and a heatmap per schedule", async () => {
    const out = join(dir, "sweep.html");
    const result = await runCli(["report", "--sweep", "1", "--db", db, "-o", out]);
    expect(result.code).toBe(0);
    const html = readFileSync(out, "utf8");
    expect(html).toContain("Sweep 1: best configuration per schedule");
    expect(html.match(/<figure class="heatmap">/g)).toHaveLength(2);
    expect(html).toContain("final test acc over lr × batch size");
    const bad = await runCli(["report", "--sweep", "1", "--x", "colour", "--db", db, "-o", out]);
    expect(bad.stderr).toContain(
      "--x must be one of lr, batch-size, optimizer, model, dataset, epochs, got colour",
    );
  });

  it("stops on Ctrl-C keeping what finished, and --resume trains the rest", async () => {
    const path = join(dir, "resumed.db");
    const child = startCli([
      "sweep",
      "--schedules",
      "step,onecycle",
      "--lr",
      "0.1,0.2,0.5",
      ...SMALL,
      "--workers",
      "1",
      "--db",
      path,
    ]);
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    while (!/: completed/.test(stderr)) await new Promise((r) => setTimeout(r, 50));
    child.kill("SIGINT");
    expect(await child.exited).toBe(130);
    expect(stderr).toMatch(/interrupted: \d of 6 runs recorded; lrsim sweep --resume 1 finishes it/);
    const before = count(path, "SELECT count(*) n FROM sweep_runs");
    expect(before).toBeLessThan(6);
    // The run Ctrl-C stopped is not kept: only recorded runs have rows.
    expect(count(path, "SELECT count(*) n FROM runs")).toBe(before);
    const resumed = await runCli(["sweep", "--resume", "1", "--workers", "1", "--db", path]);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toContain(`${before} recorded already`);
    expect(count(path, "SELECT count(*) n FROM sweep_runs")).toBe(6);
    expect(count(path, "SELECT count(*) n FROM runs")).toBe(6);
  }, 120_000);

  it("lrsim merge carries sweeps and their identities over", async () => {
    const merged = join(dir, "merged.db");
    const result = await runCli(["merge", db, join(dir, "config.db"), "-o", merged]);
    expect(result.code).toBe(0);
    expect(count(merged, "SELECT count(*) n FROM sweeps")).toBe(2);
    expect(count(merged, "SELECT count(*) n FROM sweep_runs WHERE run_id IS NOT NULL")).toBe(12);
    const show = await runCli(["sweep", "--show", "2", "--db", merged]);
    expect(show.stdout).toContain("sweep 2: 4 of 4 runs recorded");
  }, 60_000);
});
