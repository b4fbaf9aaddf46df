import { execFileSync } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { openResults } from "@lrsim/store";
import { describe, expect, it } from "vitest";
import {
  databaseWithRuns,
  expectIntact,
  faultPlugins,
  oneLine,
  runMain,
  scratch,
  TINY,
} from "./helpers/faults.ts";

// These faults need no real process, so `main` runs in this one (a child costs a second or two each).
describe("input sized by the user is bounded", () => {
  for (const steps of ["1e12", "1e8"])
    it(`schedule constant --steps ${steps} is refused in one line (it crashed V8 or took 1.6 GB)`, async () => {
      const r = await runMain(["schedule", "constant", "--steps", steps]);
      expect(r.code).toBe(1);
      expect(oneLine(r.stderr)).toBe(`lrsim: --steps must be at most 1,000,000, got ${Number(steps)}`);
    });

  it("compare --seeds 1e9 is refused before anything is planned (V8 ran out of memory)", async () => {
    const { path } = await databaseWithRuns();
    const r = await runMain(["compare", ...TINY, "--seeds", "1e9", "--db", path]);
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toMatch(/--seeds must be at most 10,000, got 1000000000/);
    expectIntact(path);
  });

  it("compare --schedules step,step is refused: the copies were reported as two seeds", async () => {
    const { path } = await databaseWithRuns();
    const r = await runMain(["compare", ...TINY, "--epochs", "4", "--schedules", "step,step", "--db", path]);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toMatch(
      /^lrsim: --schedules names multistep\(.*\) twice; each schedule trains once per seed/,
    );
    expectIntact(path);
  });

  it("sweep --lr 0.1,0.1 is refused as a value listed twice, not blamed on a schedule spec", async () => {
    const { path } = await databaseWithRuns();
    const r = await runMain([
      "sweep",
      ...TINY,
      "--epochs",
      "4",
      "--schedules",
      "step",
      "--lr",
      "0.1,0.1",
      "--db",
      path,
    ]);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toMatch(
      /twice \(schedule step, lr 0\.1, .*\): a value is listed twice on an axis; drop one/,
    );
    expectIntact(path);
  });

  // They trained on 1 worker, or started a pool of 100,000 threads.
  for (const [flag, value, message] of [
    ["--workers", "-1", /^lrsim: --workers must be a non-negative integer, got -1$/],
    ["--workers", "1.5", /^lrsim: --workers must be a non-negative integer, got 1\.5$/],
    [
      "--workers",
      "100000",
      /^lrsim: --workers \(4 threads per core on this \d+-core machine\) must be at most \d+, got 100000$/,
    ],
    ["--runs-at-once", "0", /^lrsim: --runs-at-once must be a positive integer, got 0$/],
  ] as const)
    it(`compare ${flag} ${value} is refused before anything is recorded`, async () => {
      const { path } = await databaseWithRuns();
      const tiny = TINY.slice(0, TINY.indexOf("--workers")); // without its --workers 0
      const r = await runMain(["compare", ...tiny, flag, value, "--db", path]);
      expect(r.code).toBe(1);
      expect(oneLine(r.stderr)).toMatch(message);
      expectIntact(path);
    });
});

describe("usage errors that looked like success", () => {
  for (const seeds of ["0", "-1"])
    it(`compare --seeds ${seeds} is a usage error, and records no comparison`, async () => {
      const { path } = await databaseWithRuns();
      const r = await runMain(["compare", ...TINY, "--epochs", "1", "--seeds", seeds, "--db", path]);
      expect(r.code).toBe(2);
      expect(oneLine(r.stderr)).toMatch(
        new RegExp(`--seeds must be a positive integer \\(runs per schedule\\), got ${seeds}`),
      );
      const db = openResults(path, { readonly: true });
      expect(db.prepare("SELECT count(*) n FROM comparisons").get()).toEqual({ n: 0 });
      db.close();
      expectIntact(path);
    });

  it("run --epochs with no value is a usage error (it trained 10 epochs)", async () => {
    const { path } = await databaseWithRuns();
    const r = await runMain(["run", ...TINY, "--db", path, "--epochs"]);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toBe("lrsim: --epochs needs a number (lrsim run --help shows the options)");
    expectIntact(path);
  });

  it("runs list --comparison abc is a usage error (it printed (no runs))", async () => {
    const { path } = await databaseWithRuns();
    const r = await runMain(["runs", "list", "--comparison", "abc", "--db", path]);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toBe(
      'lrsim: --comparison must be a number, got "abc" (lrsim runs --help shows the options)',
    );
  });

  it("runs rm with neither an id nor --stale is a usage error", async () => {
    const { path } = await databaseWithRuns();
    const r = await runMain(["runs", "rm", "--db", path]);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toBe("lrsim: give a run id or --stale (lrsim runs --help shows the options)");
    expectIntact(path);
  });

  it("--eval-every is gone (it was accepted and never recorded or shown)", async () => {
    const r = await runMain(["run", ...TINY, "--eval-every", "2"]);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toMatch(/Unknown arguments?: eval-every/);
  });

  it("--db given twice is a usage error", async () => {
    const { path } = await databaseWithRuns();
    const r = await runMain(["runs", "list", "--db", path, "--db", "other.db"]);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toBe(
      "lrsim: --db is given more than once; give it once (lrsim runs --help shows the options)",
    );
  });
});

describe("schedules that return what training cannot use", () => {
  for (const [plugin, pattern] of [
    ["./negative-batch.js", /schedule "\.\/negative-batch\.js" returned batchSize -5 at step 0/],
    ["./nan-lr.js", /schedule "\.\/nan-lr\.js" returned lr NaN at step 3/],
  ] as const)
    it(`${plugin} fails the run naming the plugin, the step and the value`, async () => {
      const { path } = await databaseWithRuns();
      const r = await runMain(["run", ...TINY, "--schedule", plugin, "--epochs", "5", "--db", path], {
        cwd: faultPlugins,
      });
      expect(r.code).toBe(1);
      expect(oneLine(r.stderr)).toMatch(pattern);
      expect(r.stderr).not.toMatch(/NOT NULL/);
      expectIntact(path);
    });
});

describe("schedule and schedules resolve plugins like every other command", () => {
  it("lrsim schedule ./file.js prints it; lrsim schedules ./file.js describes it", async () => {
    const printed = await runMain(["schedule", "./nan-lr.js", "--steps", "3"], { cwd: faultPlugins });
    expect(printed.code).toBe(0);
    expect(printed.stdout).toMatch(/^\.\/nan-lr\.js\n/);
    expect(printed.stdout).toMatch(/ 2\s+0\.01\n?$/);
    const described = await runMain(["schedules", "./negative-batch.js"], { cwd: faultPlugins });
    expect(described.code).toBe(0);
    expect(described.stdout).toMatch(/^\.\/negative-batch\.js — Returns batchSize -5\./);
  });
});

describe("files that are not usable databases get one line naming them", () => {
  const cases: Array<[string, (db: string) => string[]]> = [
    ["run", (db) => ["run", ...TINY, "--epochs", "1", "--db", db]],
    ["runs list", (db) => ["runs", "list", "--db", db]],
    ["query", (db) => ["query", "SELECT count(*) FROM runs", "--db", db]],
    ["merge -o", (db) => ["merge", "SOURCE", "-o", db]],
  ];
  for (const kind of ["not SQLite", "truncated"] as const)
    for (const [name, args] of cases)
      it(`${name} on a ${kind} file`, async () => {
        const { path, dir } = await databaseWithRuns();
        const bad = join(dir, "bad.db");
        if (kind === "not SQLite") writeFileSync(bad, "id,loss\n1,0.5\n");
        else writeFileSync(bad, readFileSync(path).subarray(0, 3000));
        const before = readFileSync(bad);
        const r = await runMain(args(bad).map((a) => (a === "SOURCE" ? path : a)));
        expect(r.code).toBe(1);
        expect(oneLine(r.stderr)).toMatch(
          /bad\.db is not a usable results database \(SQLite: (file is not a database|database disk image is malformed)\); pass another --db/,
        );
        expect(readFileSync(bad).equals(before)).toBe(true);
        expectIntact(path);
      });

  it("a read-only database", async () => {
    const { path } = await databaseWithRuns();
    const dir = join(scratch(), "ro");
    mkdirSync(dir);
    let unmount = () => {};
    try {
      execFileSync("mount", ["-t", "tmpfs", "-o", "size=4m", "tmpfs", dir], { stdio: "ignore" });
      copyFileSync(path, join(dir, "results.db"));
      execFileSync("mount", ["-o", "remount,ro", dir], { stdio: "ignore" });
      unmount = () => execFileSync("umount", ["-l", dir], { stdio: "ignore" });
    } catch {
      // Not root: file permissions do the same.
      copyFileSync(path, join(dir, "results.db"));
      chmodSync(join(dir, "results.db"), 0o444);
      chmodSync(dir, 0o555);
    }
    try {
      const r = await runMain(["run", ...TINY, "--epochs", "1", "--db", join(dir, "results.db")]);
      expect(r.code).toBe(1);
      expect(oneLine(r.stderr)).toMatch(
        /cannot write to .*results\.db: the file or its folder is read-only; fix the permissions or pass another --db/,
      );
      expect(readFileSync(join(dir, "results.db")).equals(readFileSync(path))).toBe(true);
    } finally {
      unmount();
    }
  });

  it('query "SELECT load_extension(...)" is refused in one line', async () => {
    const { path } = await databaseWithRuns();
    const r = await runMain(["query", "SELECT load_extension('/tmp/evil.so')", "--db", path]);
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toBe(
      "lrsim: the query failed: not authorized (lrsim query does not load extensions; use the sqlite3 shell)",
    );
  });

  it("an empty LRSIM_DB counts as unset (it opened the current folder: disk I/O error)", async () => {
    const cwd = scratch();
    const r = await runMain(["runs", "list"], { cwd, env: { LRSIM_DB: "" } });
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toBe(
      `lrsim: no results database at ${join(cwd, "lrsim.db")} (lrsim run records runs there; --db or LRSIM_DB picks another)`,
    );
  });
});

describe("report -o where it cannot write", () => {
  it("into a missing folder", async () => {
    const { path, dir } = await databaseWithRuns();
    const r = await runMain(["report", "--runs", "1", "--db", path, "-o", join(dir, "missing", "out.html")]);
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toMatch(
      /cannot write .*out\.html: the folder .*missing does not exist; create it first/,
    );
  });

  it("onto a folder, leaving no temporary file behind", async () => {
    const { path, dir } = await databaseWithRuns();
    const folder = join(dir, "reports");
    mkdirSync(folder);
    const r = await runMain(["report", "--runs", "1", "--db", path, "-o", folder]);
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toMatch(/cannot write .*reports: it is a folder; give a file name/);
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    expect(existsSync(folder)).toBe(true);
  });
});
