import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openResults } from "@lrsim/store";
import { afterEach, describe, expect, it } from "vitest";
import { runCli, startCli as start } from "./helpers/cli.ts";

/** Children still running when a test ends are killed, so a failed test cannot leave a long run behind. */
const children: ReturnType<typeof start>[] = [];
const startCli = (...args: Parameters<typeof start>) => {
  const child = start(...args);
  children.push(child);
  return child;
};
afterEach(() => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
});

const freshDb = () => join(mkdtempSync(join(tmpdir(), "lrsim-db-")), "results.db");
/** Long enough to be killed mid-way: many small updates on a synthetic set. */
const longRun = [
  "run",
  "--schedule",
  "constant(lr=0.01)",
  "--model",
  "mlp(hidden=[32])",
  "--dataset",
  "teacher(n=20000)",
  "--batch-size",
  "8",
  "--epochs",
  "5000",
  "--workers",
  "0",
];

async function waitForSteps(path: string, atLeast: number): Promise<number> {
  for (let i = 0; i < 200; i++) {
    try {
      const db = openResults(path, { readonly: true });
      const { n } = db.prepare("SELECT count(*) n FROM steps").get() as { n: number };
      db.close();
      if (n >= atLeast) return n;
    } catch {
      // not created yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("the run never recorded steps");
}

describe("runs in the results database", () => {
  it("lrsim run records the run; runs, runs show, runs export and query read it back", async () => {
    const db = freshDb();
    const env = { LRSIM_DB: db };
    const run = await runCli(
      [
        "run",
        "--schedule",
        "constant(lr=0.02)",
        "--model",
        "linear",
        "--dataset",
        "line",
        "--batch-size",
        "40",
        "--epochs",
        "3",
        "--json",
      ],
      { env },
    );
    expect(run.code).toBe(0);
    const list = JSON.parse((await runCli(["runs", "--json"], { env })).stdout);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ id: 1, status: "completed", schedule: "constant(lr=0.02)", updates: 6 });
    const shown = JSON.parse((await runCli(["runs", "show", "1", "--json"], { env })).stdout);
    expect(shown.history.map((h: { testLoss: number }) => h.testLoss)).toEqual(
      JSON.parse(run.stdout).history.map((h: { testLoss: number }) => h.testLoss),
    );
    const csv = (await runCli(["runs", "export", "1", "--table", "steps"], { env })).stdout
      .trim()
      .split("\n");
    expect(csv[0]).toBe("run_id,step,epoch,samples,lr,batch_size,momentum,train_loss,accuracy,wall_ms");
    expect(csv).toHaveLength(7);
    const query = await runCli(["query", "SELECT count(*) AS n FROM evaluations", "--json"], { env });
    expect(JSON.parse(query.stdout)).toEqual([{ n: 4 }]);
    const refused = await runCli(["query", "UPDATE runs SET status = 'failed'"], { env });
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim()).toBe(
      "lrsim: lrsim query only reads; this statement would change the database (use lrsim runs rm, or any SQLite client)",
    );
    expect((await runCli(["runs", "rm", "1"], { env })).stdout.trim()).toBe("removed run 1");
    expect(JSON.parse((await runCli(["runs", "--json"], { env })).stdout)).toEqual([]);
  });

  it("a run killed mid-way leaves an intact database with the steps recorded before the kill, shown as stale", async () => {
    const db = freshDb();
    const child = startCli(longRun, { LRSIM_DB: db });
    const seen = await waitForSteps(db, 20);
    child.kill("SIGKILL");
    await child.exited;
    const results = openResults(db);
    expect(results.pragma("integrity_check", { simple: true })).toBe("ok");
    const { n } = results.prepare("SELECT count(*) n FROM steps").get() as { n: number };
    expect(n).toBeGreaterThanOrEqual(seen);
    expect(results.prepare("SELECT status FROM runs").get()).toEqual({ status: "running" });
    results.close();
    const listed = JSON.parse((await runCli(["runs", "--json"], { env: { LRSIM_DB: db } })).stdout);
    expect(listed[0].status).toBe("stale");
    expect((await runCli(["runs", "rm", "--stale"], { env: { LRSIM_DB: db } })).stdout.trim()).toBe(
      "removed run 1",
    );
  });

  it("Ctrl-C flushes, marks the run interrupted and exits 130", async () => {
    const db = freshDb();
    const child = startCli(longRun, { LRSIM_DB: db });
    await waitForSteps(db, 20);
    child.kill("SIGINT");
    expect(await child.exited).toBe(130);
    const results = openResults(db, { readonly: true });
    expect(results.prepare("SELECT status FROM runs").get()).toEqual({ status: "interrupted" });
    const { steps, updates } = results
      .prepare("SELECT (SELECT count(*) FROM steps) steps, updates FROM run_summaries")
      .get() as { steps: number; updates: number };
    expect(steps).toBe(updates);
    results.close();
  });

  it("Ctrl-C during compare shows only the finished runs, and --resume trains the rest into the same comparison", async () => {
    const db = freshDb();
    const env = { LRSIM_DB: db };
    // The first run is short; the second long enough to be interrupted mid-way, even when this
    // test's polling gets the CPU late on a loaded machine (20 epochs of 2,000 steps each).
    const args = [
      "compare",
      "--schedules",
      "step,constant",
      "--lr",
      "0.1",
      "--model",
      "mlp(hidden=[32])",
      "--dataset",
      "teacher(n=20000)",
      "--batch-size",
      "8",
      "--epochs",
      "20",
      "--workers",
      "0",
    ];
    const child = startCli(args, env);
    let out = "";
    child.stdout!.on("data", (d) => (out += d));
    // Wait until the second run has recorded steps, then interrupt.
    for (let i = 0; i < 600; i++) {
      const n = (() => {
        try {
          const r = openResults(db, { readonly: true });
          const row = r.prepare("SELECT count(*) n FROM steps WHERE run_id = 2").get() as { n: number };
          r.close();
          return row.n;
        } catch {
          return 0;
        }
      })();
      if (n >= 20) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill("SIGINT");
    expect(await child.exited).toBe(130);
    expect(out).toContain(
      "interrupted: 1 of 2 runs finished (shown below); lrsim compare --resume 1 runs the other 1 into this comparison",
    );
    expect(out).toMatch(/^multistep\(/m); // the finished run is in the table
    expect(out).not.toMatch(/^constant\s/m); // the interrupted one is not
    const resumed = await runCli(["compare", "--resume", "1", "--workers", "0", "--json"], { env });
    expect(resumed.code, resumed.stderr).toBe(0);
    const result = JSON.parse(resumed.stdout);
    expect(result.comparisonId).toBe(1);
    expect(result.runs.map((r: { status: string }) => r.status)).toEqual(["completed", "completed"]);
    expect(result.runs[0].runId).toBe(1); // kept, not trained again
    const listed = JSON.parse((await runCli(["runs", "--json", "--comparison", "1"], { env })).stdout);
    expect(listed.map((r: { status: string }) => r.status)).toEqual(["completed", "completed"]);
    const shown = (await runCli(["compare", "--show", "1"], { env })).stdout;
    expect(shown).not.toContain("interrupted");
    expect(shown, shown).toMatch(/^constant\s/m);
    expect((await runCli(["runs"], { env })).stdout.split("\n")[0]).toMatch(/optimizer\s+seed\s+comparison/);
  });

  it("two lrsim processes writing the same database at once both succeed", async () => {
    const db = freshDb();
    const args = (seed: string) => [
      "run",
      "--schedule",
      "constant(lr=0.05)",
      "--model",
      "softmax",
      "--dataset",
      "blobs(n=2000)",
      "--batch-size",
      "4",
      "--epochs",
      "3",
      "--seed",
      seed,
      "--workers",
      "0",
    ];
    const [a, b] = [startCli(args("1"), { LRSIM_DB: db }), startCli(args("2"), { LRSIM_DB: db })];
    const stderr = [a, b].map((child) => {
      let text = "";
      child.stderr?.on("data", (chunk) => {
        text += chunk;
      });
      return () => text;
    });
    const codes = await Promise.all([a.exited, b.exited]);
    expect(codes, `stderr: ${stderr.map((read) => read()).join(" | ")}`).toEqual([0, 0]);
    const results = openResults(db, { readonly: true });
    const runs = results
      .prepare(
        "SELECT r.status, r.seed, s.updates, (SELECT count(*) FROM steps WHERE run_id = r.id) steps FROM runs r JOIN run_summaries s ON s.run_id = r.id ORDER BY r.seed",
      )
      .all();
    expect(runs).toEqual([
      { status: "completed", seed: 1, updates: 1200, steps: 1200 },
      { status: "completed", seed: 2, updates: 1200, steps: 1200 },
    ]);
    results.close();
  });

  it("commands that read refuse a database that does not exist, in one line", async () => {
    const r = await runCli(["runs"], { env: { LRSIM_DB: "/nonexistent/dir/x.db" } });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      "lrsim: no results database at /nonexistent/dir/x.db (lrsim run records runs there; --db or LRSIM_DB picks another)",
    );
  });
});
