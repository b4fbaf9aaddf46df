import { type ChildProcess, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { lockHolders, openResults } from "@lrsim/store";
import { afterEach, describe, expect, it } from "vitest";
import { repoRoot, runCli } from "./helpers/cli.ts";
import { databaseWithRuns, expectIntact, faultPlugins, oneLine, TINY } from "./helpers/faults.ts";

const tsx = import.meta.resolve("tsx");
const entry = join(repoRoot, "packages/cli/src/bin.ts");

/** Starts the CLI in `cwd`, output drained, resolving its exit code (or -1 for a signal death). */
function start(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, ["--conditions=@lrsim/source", "--import", tsx, entry, ...args], {
    cwd,
    env: { ...process.env, INIT_CWD: cwd, NO_COLOR: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => {
    stdout += String(d);
  });
  child.stderr.on("data", (d) => {
    stderr += String(d);
  });
  const exited = new Promise<number>((resolve) => child.on("exit", (code) => resolve(code ?? -1)));
  return Object.assign(child, { exited, stdout: () => stdout, stderr: () => stderr });
}

/** Holds `BEGIN EXCLUSIVE` on a database in the sqlite3 shell until killed. */
async function holdLock(path: string): Promise<ChildProcess> {
  const shell = spawn("sqlite3", [path], { stdio: ["pipe", "pipe", "inherit"] });
  shell.stdin.write("BEGIN EXCLUSIVE;\nSELECT 'locked';\n");
  await new Promise<void>((resolve) => shell.stdout.once("data", () => resolve()));
  return shell;
}

/** The statuses of the runs after the two `databaseWithRuns` made, in order. */
function newRunStatuses(path: string): string[] {
  const db = openResults(path, { readonly: true });
  try {
    const rows = db.prepare("SELECT status FROM runs WHERE id > 2 ORDER BY id").all() as { status: string }[];
    return rows.map((r) => r.status);
  } finally {
    db.close();
  }
}

/** Waits (up to 90 s: starting threads is slow on a loaded machine) until two runs are training. */
async function untilTwoRunning(path: string): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (newRunStatuses(path).filter((s) => s === "running").length < 2 && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 100));
}

const held: ChildProcess[] = [];
afterEach(() => {
  for (const shell of held.splice(0)) shell.kill();
});

const timed = async <T>(work: () => Promise<T>): Promise<[T, number]> => {
  const started = performance.now();
  const value = await work();
  return [value, performance.now() - started];
};

describe("a database locked by another process", () => {
  const env = { LRSIM_BUSY_TIMEOUT_MS: "1500" };
  for (const [name, args] of [
    ["run", ["run", ...TINY, "--epochs", "2"]],
    ["runs rm 1", ["runs", "rm", "1"]],
  ] as const)
    it(`${name} gives up after the busy timeout, naming the file and the holder`, async () => {
      const { path } = await databaseWithRuns();
      held.push(await holdLock(path));
      const [r, ms] = await timed(() => runCli([...args, "--db", path], { env }));
      expect(r.code).toBe(1);
      expect(oneLine(r.stderr)).toMatch(
        /results\.db stayed locked for the 1\.5 s busy timeout \(held by sqlite3 \(pid \d+\)\); end that transaction/,
      );
      expect(ms).toBeLessThan(30_000); // it waited ~17 minutes before
      held.pop()?.kill();
      expectIntact(path);
    });

  it("compare: Ctrl-C while it waits for the lock exits 130 at once and records nothing", async () => {
    const { path } = await databaseWithRuns();
    held.push(await holdLock(path));
    const args = ["--model", "softmax", "--dataset", "blobs(n=400)", "--batch-size", "16", "--epochs", "4"];
    // The default busy timeout (10 s): still waiting for the lock when the signal comes.
    const child = start(["compare", ...args, "--workers", "2", "--db", path], repoRoot);
    await new Promise((r) => setTimeout(r, 2000)); // planned, and waiting for the lock
    const [code, ms] = await timed(() => {
      child.kill("SIGINT");
      return child.exited;
    });
    expect(code, child.stderr()).toBe(130);
    expect(ms).toBeLessThan(5000); // it waited for the lock to be released before
    expect(oneLine(child.stderr())).toMatch(/interrupted while waiting for the lock on .*\.db/);
    held.pop()?.kill();
    expectIntact(path);
    const db = openResults(path, { readonly: true });
    try {
      expect(db.prepare("SELECT count(*) n FROM comparisons").get()).toEqual({ n: 0 });
      expect(db.prepare("SELECT count(*) n FROM runs").get()).toEqual({ n: 2 });
    } finally {
      db.close();
    }
  });

  it("merge -o into it gives up the same way", async () => {
    const { path } = await databaseWithRuns();
    const other = await databaseWithRuns();
    held.push(await holdLock(path));
    const r = await runCli(["merge", other.path, "-o", path], { env });
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toMatch(/stayed locked for the 1\.5 s busy timeout \(held by sqlite3/);
    held.pop()?.kill();
    expectIntact(path);
    const db = openResults(path, { readonly: true });
    expect(db.prepare("SELECT count(*) n FROM runs").get()).toEqual({ n: 2 });
    db.close();
  });

  it("SIGTERM stops a run that is waiting for the lock at once (exit 130)", async () => {
    const { path, dir } = await databaseWithRuns();
    held.push(await holdLock(path));
    const child = start(["run", ...TINY, "--epochs", "2", "--db", path], dir);
    // Wait until it is waiting: it has the database open (its startup can take seconds on a busy machine).
    const deadline = Date.now() + 30_000;
    while (!lockHolders(path).includes(`pid ${child.pid}`) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 300));
    const [code, ms] = await timed(() => {
      child.kill("SIGTERM");
      return child.exited;
    });
    expect(code).toBe(130);
    expect(child.stderr()).toMatch(/interrupted while waiting for the lock on .*results\.db/);
    expect(ms).toBeLessThan(5000);
    held.pop()?.kill();
    expectIntact(path);
  });
});

describe("runaway resources", () => {
  it("--workers 1000 is refused against the machine before any thread starts", async () => {
    const { path } = await databaseWithRuns();
    const r = await runCli([
      "run",
      "--model",
      "linear",
      "--dataset",
      "line(n=5)",
      "--workers",
      "1000",
      "--db",
      path,
    ]);
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toMatch(
      /--workers \(4 threads per core on this \d+-core machine\) must be at most \d+, got 1000/,
    );
    expectIntact(path);
  });

  it("a database that cannot be opened leaves no worker threads behind: the process exits at once", async () => {
    const { dir } = await databaseWithRuns();
    const bad = join(dir, "not-a-db.db");
    writeFileSync(bad, "hello, I am a text file\n");
    // A leaked pool keeps its threads (and the process) alive for their 60 s idle timeout.
    const [r, ms] = await timed(() => runCli(["run", ...TINY.slice(0, -2), "--workers", "2", "--db", bad]));
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toMatch(
      /not-a-db\.db is not a usable results database \(SQLite: file is not a database\)/,
    );
    expect(ms).toBeLessThan(20_000);
  });

  it("one SIGTERM ends a run whose worker is stuck in a plugin's gradient, recorded interrupted", async () => {
    const { path } = await databaseWithRuns();
    const child = start(
      [
        "run",
        "--model",
        "./stuck-model.js",
        "--dataset",
        "line(n=5)",
        "--workers",
        "1",
        "--epochs",
        "2",
        "--db",
        path,
      ],
      faultPlugins,
    );
    const status = () => {
      const db = openResults(path, { readonly: true });
      try {
        return (db.prepare("SELECT status FROM runs WHERE id = 3").get() as { status: string } | undefined)
          ?.status;
      } finally {
        db.close();
      }
    };
    // Starting the worker thread can take many seconds on a loaded machine.
    const deadline = Date.now() + 90_000;
    while (status() !== "running" && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(status(), child.stderr()).toBe("running");
    await new Promise((r) => setTimeout(r, 500)); // the worker is now spinning
    const [code, ms] = await timed(() => {
      child.kill("SIGTERM");
      return child.exited;
    });
    expect(code, child.stderr()).toBe(130);
    expect(ms).toBeLessThan(5000); // the stop grace is 1 s; it never stopped before
    expect(status()).toBe("interrupted");
    expectIntact(path);
  }, 150_000);

  it("two SIGTERMs at once (timeout signals the process, then its group) are one stop", async () => {
    const { path } = await databaseWithRuns();
    const args = ["--model", "softmax", "--dataset", "blobs(n=2000)", "--batch-size", "4", "--lr", "0.1"];
    const child = start(["compare", ...args, "--epochs", "400", "--workers", "2", "--db", path], repoRoot);
    const statuses = () => newRunStatuses(path);
    await untilTwoRunning(path);
    expect(statuses(), child.stderr()).toEqual(["running", "running"]);
    // As coreutils timeout does: the process, then its group, microseconds apart.
    child.kill("SIGTERM");
    child.kill("SIGTERM");
    expect(await child.exited, child.stderr()).toBe(130);
    // Stopped as by one signal: the runs recorded interrupted, the summary and the way to resume printed.
    expect(statuses()).toEqual(["interrupted", "interrupted"]);
    expect(child.stdout()).toMatch(
      /interrupted: 0 of 4 runs finished; lrsim compare --resume \d+ runs the other 4/,
    );
    expectIntact(path);
  }, 150_000);

  it("compare --json, interrupted: the JSON on stdout, the way to resume on stderr; --show of a killed one says the same", async () => {
    const { path } = await databaseWithRuns();
    const args = ["--model", "softmax", "--dataset", "blobs(n=2000)", "--batch-size", "4", "--lr", "0.1"];
    const long = ["compare", ...args, "--epochs", "400", "--workers", "2", "--db", path];
    const interrupted = start([...long, "--json"], repoRoot);
    await untilTwoRunning(path);
    interrupted.kill("SIGINT");
    expect(await interrupted.exited, interrupted.stderr()).toBe(130);
    expect(JSON.parse(interrupted.stdout()).planned).toBe(4);
    expect(oneLine(interrupted.stderr())).toMatch(
      /interrupted: 0 of 4 runs finished; lrsim compare --resume 1 runs the other 4 into this comparison/,
    );
    // Killed outright: its runs stay `running`, then stale; --show counts them as missing, not results.
    const killed = start(long, repoRoot);
    await untilTwoRunning(path);
    killed.kill("SIGKILL");
    await killed.exited;
    const shown = await runCli(["compare", "--show", "2", "--db", path]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(
      /interrupted: 0 of 4 runs finished; lrsim compare --resume 2 runs the other 4/,
    );
    expect(shown.stdout).not.toMatch(/\d+\.\d\dx/); // no table of unfinished runs
  }, 200_000);

  it("one SIGTERM ends a compare whose runs side by side are stuck in a plugin's gradient (it never exited)", async () => {
    const { path } = await databaseWithRuns();
    const args = ["--model", "./stuck-model.js", "--dataset", "line(n=5)", "--batch-size", "5"];
    const child = start(["compare", ...args, "--workers", "2", "--epochs", "4", "--db", path], faultPlugins);
    const statuses = () => newRunStatuses(path);
    // Two runs side by side, one worker each, both stuck in their first gradient.
    await untilTwoRunning(path);
    expect(statuses(), child.stderr()).toEqual(["running", "running"]);
    await new Promise((r) => setTimeout(r, 500));
    const [code, ms] = await timed(() => {
      child.kill("SIGTERM");
      return child.exited;
    });
    expect(code, child.stderr()).toBe(130);
    expect(ms).toBeLessThan(5000); // the stop grace is 1 s
    expect(statuses()).toEqual(["interrupted", "interrupted"]);
    expectIntact(path);
  }, 150_000);
});
