import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createCatalog } from "@lrsim/builtins";
import { type RunResult, Trainer, type TrainerObserver } from "@lrsim/core";
import { openResults, RunWriter, runSummary } from "@lrsim/store";

import { describe, expect, it } from "vitest";
import { runCli, startCli } from "./helpers/cli.ts";
import { databaseWithRuns, expectIntact, oneLine, runMain, scratch, TINY } from "./helpers/faults.ts";

/** Starts a long run whose output is drained (a child blocks once a pipe nobody reads is full). */
function startLongRun(path: string): ReturnType<typeof startCli> {
  const child = startCli(
    ["run", ...TINY, "--epochs", "1000000", "--schedule", "constant(lr=0.01)", "--db", path],
    {},
  );
  child.stdout?.resume();
  child.stderr?.resume();
  return child;
}

/** Waits until `check` holds, polling; fails after `ms`. */
async function until(check: () => boolean, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 100));
  }
}

const statusOf = (path: string, id: number) => {
  const db = openResults(path, { readonly: true });
  try {
    return (db.prepare("SELECT status FROM runs WHERE id = ?").get(id) as { status: string } | undefined)
      ?.status;
  } finally {
    db.close();
  }
};

describe("faults that lost data", () => {
  it("report -o onto the results database is refused, and the database survives", async () => {
    const { path } = await databaseWithRuns();
    const before = readFileSync(path);
    const r = await runMain(["report", "--runs", "1", "--db", path, "-o", path]);
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toMatch(/cannot write .*results\.db: it is the results database/);
    expect(readFileSync(path).equals(before)).toBe(true);
    expectIntact(path);
  });

  it("report -o onto an existing file that is not HTML needs --force", async () => {
    const { path, dir } = await databaseWithRuns();
    const notes = join(dir, "notes.txt");
    writeFileSync(notes, "my notes\n");
    const refused = await runMain(["report", "--runs", "1", "--db", path, "-o", notes]);
    expect(refused.code).toBe(1);
    expect(oneLine(refused.stderr)).toMatch(/it exists and is not an HTML report; pass --force/);
    expect(readFileSync(notes, "utf8")).toBe("my notes\n");
    const forced = await runMain(["report", "--runs", "1", "--db", path, "-o", notes, "--force"]);
    expect(forced.code).toBe(0);
    expect(readFileSync(notes, "utf8")).toMatch(/^<!doctype html>/i);
    // Overwriting a report with a report needs no --force.
    expect((await runMain(["report", "--runs", "2", "--db", path, "-o", notes])).code).toBe(0);
    expectIntact(path);
  });

  it("the writer's summary takes no stack proportional to the history (a 10^6-epoch history)", async () => {
    const { path } = await databaseWithRuns();
    const db = openResults(path);
    // A real run's events, recorded, then its end replayed with a million-row history
    // (Math.min(...history) overflowed the stack beyond ~125,000 rows).
    const trainer = new Trainer(createCatalog());
    const events: Array<[string, unknown]> = [];
    for (const event of ["runStart", "stepEnd", "epochEnd"] as const)
      trainer.on(event, (e: unknown) => events.push([event, e]));
    const ended: RunResult = await trainer.run({
      model: "linear",
      dataset: "line(n=5)",
      batchSize: 5,
      epochs: 1,
    });
    // The writer hooks on as an observer; a stand-in trainer hands its hooks the recorded events.
    let hooks: TrainerObserver = {};
    new RunWriter(db, { workers: 0, lrsimVersion: "test" }).attach({
      observe: (observer: TrainerObserver) => {
        hooks = observer;
        return () => {};
      },
    } as unknown as Trainer);
    for (const [event, e] of events) (hooks[event as "stepEnd"] as (x: unknown) => void)(e);
    const row = ended.history[0]!;
    const history = Array.from({ length: 1_000_000 }, (_, i) => ({ ...row, testLoss: 1 + (i % 1000) }));
    history[777_777] = { ...row, testLoss: 0.25 };
    hooks.runEnd?.({ ...ended, history });
    expect(runSummary(db, 3)?.best_test_loss).toBe(0.25);
    db.close();
    expectIntact(path);
  });

  it("a run of 140,000 epochs ends with its summary (it died on Math.min(...) before)", async () => {
    const { path } = await databaseWithRuns();
    const r = await runCli([
      "run",
      ...TINY,
      "--epochs",
      "140000",
      "--schedule",
      "constant(lr=0.01)",
      "--db",
      path,
      "--json",
    ]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const db = openResults(path, { readonly: true });
    const run = db.prepare("SELECT status FROM runs WHERE id = 3").get() as { status: string };
    const summary = db.prepare("SELECT epochs, best_test_loss FROM run_summaries WHERE run_id = 3").get() as {
      epochs: number;
      best_test_loss: number;
    };
    const evaluations = db.prepare("SELECT count(*) n FROM evaluations WHERE run_id = 3").get() as {
      n: number;
    };
    db.close();
    expect(run.status).toBe("completed");
    expect(summary.epochs).toBe(140_000);
    expect(summary.best_test_loss).toBeGreaterThanOrEqual(0);
    expect(evaluations.n).toBe(140_001);
    expectIntact(path);
  }, 120_000);

  it("Ctrl-C on a long run exits 130 with the run interrupted and summarised", async () => {
    const { path } = await databaseWithRuns();
    const child = startLongRun(path);
    await until(() => statusOf(path, 3) === "running");
    child.kill("SIGINT");
    expect(await child.exited).toBe(130);
    expect(statusOf(path, 3)).toBe("interrupted");
    const db = openResults(path, { readonly: true });
    expect(db.prepare("SELECT count(*) n FROM run_summaries WHERE run_id = 3").get()).toEqual({ n: 1 });
    db.close();
    expectIntact(path);
  });

  it("merge with a truncated source merges nothing and creates no output", async () => {
    const good = await databaseWithRuns();
    const truncated = join(good.dir, "truncated.db");
    writeFileSync(truncated, readFileSync(good.path).subarray(0, 3000));
    const out = join(good.dir, "out.db");
    const r = await runMain(["merge", good.path, truncated, "-o", out]);
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toMatch(/truncated\.db is not a usable results database/);
    expect(r.stdout).toBe("");
    expect(existsSync(out)).toBe(false);
    expectIntact(good.path);
  });

  it("merge into an existing output leaves it as it was when a source is bad", async () => {
    const good = await databaseWithRuns();
    const other = await databaseWithRuns();
    const out = join(good.dir, "out.db");
    copyFileSync(other.path, out);
    const before = readFileSync(out);
    const r = await runMain(["merge", good.path, join(good.dir, "missing.db"), "-o", out]);
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toMatch(/no results database at .*missing\.db \(nothing was merged\)/);
    expect(readFileSync(out).equals(before)).toBe(true);
    expectIntact(out);
    // A missing source does not create an empty output either.
    const fresh = join(good.dir, "fresh.db");
    expect((await runMain(["merge", good.path, join(good.dir, "missing.db"), "-o", fresh])).code).toBe(1);
    expect(existsSync(fresh)).toBe(false);
  });

  it("runs rm refuses a run that is still training; it works once the run has stopped", async () => {
    const { path } = await databaseWithRuns();
    const child = startLongRun(path);
    await until(() => statusOf(path, 3) === "running");
    const refused = await runCli(["runs", "rm", "3", "--db", path]);
    expect(refused.code).toBe(1);
    expect(oneLine(refused.stderr)).toMatch(
      /run 3 is still training \(pid \d+ on .*\); stop it first .*then remove it/,
    );
    child.kill("SIGTERM");
    expect(await child.exited).toBe(130);
    expect(statusOf(path, 3)).toBe("interrupted");
    expect((await runCli(["runs", "rm", "3", "--db", path])).code).toBe(0);
    expectIntact(path);
  });

  it("compare --resume refuses a comparison still training, saying to resume it once stopped", async () => {
    const { path } = await databaseWithRuns();
    const slow = ["--epochs", "1000000", "--lr", "0.001", "--optimizer", "sgd", "--schedules", "step"];
    const child = startCli(["compare", ...TINY, ...slow, "--db", path], {});
    child.stdout?.resume();
    child.stderr?.resume();
    await until(() => statusOf(path, 3) === "running");
    const db = openResults(path, { readonly: true });
    const { id } = db.prepare("SELECT max(id) id FROM comparisons").get() as { id: number };
    db.close();
    const refused = await runCli(["compare", "--resume", String(id), "--db", path]);
    expect(refused.code).toBe(1);
    expect(oneLine(refused.stderr)).toMatch(
      /run 3 is still training \(pid \d+ on .*\); stop it first \(Ctrl-C ends it as interrupted\), then resume the comparison/,
    );
    child.kill("SIGTERM");
    expect(await child.exited).toBe(130);
    expectIntact(path);
  });
});

/** Mounts a tmpfs of `size` at a new folder, or returns undefined where mounting is not allowed. */
function tinyDisk(size: string): { dir: string; unmount: () => void } | undefined {
  const dir = join(scratch(), "disk");
  mkdirSync(dir);
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${size}`, "tmpfs", dir], { stdio: "ignore" });
  } catch {
    return undefined;
  }
  return { dir, unmount: () => execFileSync("umount", ["-l", dir], { stdio: "ignore" }) };
}

describe("a full disk", () => {
  it("during a run: the run ends failed with a one-line message, earlier steps and runs kept, exit 1", async () => {
    const disk = tinyDisk("16m");
    if (!disk) {
      // No mount here: cap the file with SQLite's max_page_count instead, through the same writer.
      const { path } = await databaseWithRuns();
      const db = openResults(path);
      db.pragma(`max_page_count = ${(db.pragma("page_count", { simple: true }) as number) + 8}`);
      const trainer = new Trainer(createCatalog());
      let failure: Error | undefined;
      new RunWriter(db, {
        workers: 0,
        lrsimVersion: "test",
        flushMs: 0,
        onFailure: (f) => {
          failure = f;
        },
      }).attach(trainer);
      await trainer.run(
        { model: "linear", dataset: "line(n=5)", batchSize: 1, epochs: 5000 },
        AbortSignal.timeout(20_000),
      );
      db.close();
      expect(failure?.message).toMatch(
        /the disk holding .* is full \(run 3 stopped; everything written before is kept\)/,
      );
      expect(statusOf(path, 3)).toBe("failed");
      expectIntact(path);
      return;
    }
    try {
      const { path } = await databaseWithRuns(disk.dir);
      const r = await runCli([
        "run",
        ...TINY,
        "--batch-size",
        "1",
        "--epochs",
        "1000000",
        "--schedule",
        "constant(lr=0.01)",
        "--db",
        path,
      ]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        /the disk holding .*results\.db is full \(run 3 stopped; everything written before is kept\); free some space/,
      );
      expect(r.stderr).not.toMatch(/internal error/);
      expectIntact(path);
      const db = openResults(path, { readonly: true });
      const steps = db.prepare("SELECT count(*) n FROM steps WHERE run_id = 3").get() as { n: number };
      const status = (db.prepare("SELECT status FROM runs WHERE id = 3").get() as { status: string }).status;
      db.close();
      expect(steps.n).toBeGreaterThan(0);
      // Where the disk still took the status update, the run reads failed; else it stays running (stale once gone).
      expect(["failed", "running"]).toContain(status);
    } finally {
      disk.unmount();
    }
  }, 120_000);

  it("already full at start: a one-line error naming the file, exit 1", async () => {
    const disk = tinyDisk("64k");
    if (!disk) {
      const { path } = await databaseWithRuns();
      const db = openResults(path);
      db.pragma(`max_page_count = ${db.pragma("page_count", { simple: true }) as number}`);
      const trainer = new Trainer(createCatalog());
      let failure: Error | undefined;
      new RunWriter(db, {
        workers: 0,
        lrsimVersion: "test",
        onFailure: (f) => {
          failure = f;
        },
      }).attach(trainer);
      await trainer.run({ model: "linear", dataset: "line(n=5)", batchSize: 1, epochs: 3 });
      db.close();
      expect(failure?.message).toMatch(/is full/);
      expectIntact(path);
      return;
    }
    try {
      writeFileSync(join(disk.dir, "filler"), Buffer.alloc(statSync(disk.dir).blksize * 16));
      try {
        writeFileSync(join(disk.dir, "filler2"), Buffer.alloc(1 << 20));
      } catch {}
      const r = await runCli(["run", ...TINY, "--epochs", "2", "--db", join(disk.dir, "new.db")]);
      expect(r.code).toBe(1);
      expect(oneLine(r.stderr)).toMatch(/new\.db/);
      expect(r.stderr).toMatch(/is full|cannot open/);
    } finally {
      disk.unmount();
    }
  });
});
