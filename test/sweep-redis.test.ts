import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openResults } from "@lrsim/store";
import { Queue } from "bullmq";
import { sweep } from "lrsim";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot, runCli, startCli } from "./helpers/cli.ts";
import { startRedis, type TestRedis } from "./helpers/redis.ts";

// Distributed sweeps against a real redis-server on loopback, with `lrsim worker` processes
// standing for hosts. Runs are short (softmax on 2,000 MNIST digits, 6 epochs) and the workers'
// lock and stalled-check intervals are lowered so a killed worker's run is taken up in seconds.
// One redis-server serves every test; the tests that need no worker of their own (nothing
// killed, stopped, or started with other flags) share two workers on one queue, started while
// the reference sweep trains. Tests run in file order, one at a time, and each sweep only
// collects its own jobs, so sharing does not couple their assertions.

const dir = mkdtempSync(join(tmpdir(), "lrsim-sweep-"));
const GRID = [
  "--schedules",
  "step,onecycle",
  "--lr",
  "0.1,0.5",
  "--seeds",
  "2",
  "--epochs",
  "6",
  "--dataset",
  "mnist(train=2000, test=500)",
];
const PLANNED = 8;
/** Lock 1.5 s, stalled check every 0.5 s: renewals must happen every 0.75 s while a run trains. */
const FAST_LOCKS = ["--lock-ms", "1500", "--stalled-ms", "500"];

let redis: TestRedis;
let reference: string;
let queueCount = 0;
/** The queue of the two workers the tests share. */
const SHARED = "shared";
let shared: ReturnType<typeof start>[] = [];
const live = new Set<ReturnType<typeof startCli>>();

/** Collects a child's stderr as text as it arrives. */
function capture(child: ReturnType<typeof startCli>) {
  let text = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    text += chunk.toString();
  });
  child.stdout?.on("data", (chunk: Buffer) => {
    text += chunk.toString();
  });
  return () => text;
}

function start(args: string[]) {
  const child = startCli(args);
  live.add(child);
  void child.exited.then(() => live.delete(child));
  return { child, output: capture(child) };
}

function startWorker(queue: string, extra: string[] = []) {
  return start(["worker", "--redis", redis.url, "--queue", queue, "--workers", "1", ...FAST_LOCKS, ...extra]);
}

async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Stops worker processes gently (Ctrl-C: they finish their current run, here none) and waits for them. */
async function stopAll(children: ReturnType<typeof startCli>[]): Promise<void> {
  for (const child of children) if (child.exitCode === null) child.kill("SIGINT");
  await Promise.all(children.map((c) => c.exited));
}

function read<T>(db: string, sql: string): T[] {
  const handle = openResults(db, { readonly: true });
  try {
    return handle.prepare(sql).all() as T[];
  } finally {
    handle.close();
  }
}

/** Everything a run computed, by identity: steps and evaluations without wall-clock times. */
function trajectories(db: string): string {
  const steps = read(
    db,
    `SELECT w.run_key, s.step, s.epoch, s.samples, s.lr, s.batch_size, s.momentum, s.train_loss, s.accuracy
     FROM sweep_runs w JOIN steps s ON s.run_id = w.run_id ORDER BY w.run_key, s.step`,
  );
  const evaluations = read(
    db,
    `SELECT w.run_key, e.epoch, e.updates, e.lr, e.batch_size, e.train_loss, e.train_accuracy, e.test_loss,
            e.test_accuracy, e.noise_scale, e.cluster_ms
     FROM sweep_runs w JOIN evaluations e ON e.run_id = w.run_id ORDER BY w.run_key, e.updates`,
  );
  return JSON.stringify({ steps, evaluations });
}

const recordedRuns = (db: string) =>
  read<{ run_key: string; status: string; attempts: number; error: string | null }>(
    db,
    "SELECT run_key, status, attempts, error FROM sweep_runs ORDER BY run_key",
  );

beforeAll(async () => {
  redis = await startRedis();
  reference = join(dir, "embedded.db");
  shared = [startWorker(SHARED), startWorker(SHARED)];
  const embedded = await runCli(["sweep", ...GRID, "--db", reference, "--workers", "2"]);
  expect(embedded.stderr).toContain("2 schedules × 2 lr × 2 seeds = 8 runs");
  expect(embedded.code).toBe(0);
}, 120_000);

afterAll(async () => {
  await stopAll(shared.map((w) => w.child));
  for (const child of live) child.kill("SIGKILL");
  await redis?.stop();
});

describe("lrsim sweep --redis with lrsim worker processes", () => {
  it("completes, records every run once, and equals the embedded sweep bit for bit", async () => {
    const queue = SHARED;
    const db = join(dir, "distributed.db");
    const result = await runCli(["sweep", ...GRID, "--db", db, "--redis", redis.url, "--queue", queue]);
    expect(result.stderr).toContain("waiting for lrsim worker processes");
    expect(result.code).toBe(0);
    const runs = recordedRuns(db);
    expect(runs).toHaveLength(PLANNED);
    expect(new Set(runs.map((r) => r.run_key)).size).toBe(PLANNED);
    expect(runs.map((r) => r.attempts)).toEqual(runs.map(() => 1));
    expect(read(db, "SELECT count(*) n FROM runs")).toEqual([{ n: PLANNED }]);
    expect(trajectories(db)).toBe(trajectories(reference));
    // Both hosts (the shared workers) took part.
    const hosts = read<{ worker: string }>(db, "SELECT DISTINCT worker FROM sweep_runs");
    expect(hosts.length).toBe(2);
  }, 120_000);

  it("renews a job's lock while its run trains far longer than the lock", async () => {
    const queue = `q${++queueCount}`;
    const db = join(dir, "long-run.db");
    const worker = start([
      "worker",
      "--redis",
      redis.url,
      "--queue",
      queue,
      "--workers",
      "1",
      "--lock-ms",
      "1000",
      "--stalled-ms",
      "500",
    ]);
    const result = await runCli([
      "sweep",
      "--schedules",
      "onecycle",
      "--model",
      "mlp",
      "--epochs",
      "100",
      "--dataset",
      "mnist(train=2000, test=500)",
      "--db",
      db,
      "--redis",
      redis.url,
      "--queue",
      queue,
    ]);
    expect(result.code).toBe(0);
    const [run] = recordedRuns(db);
    const wall = read<{ wall: number }>(db, "SELECT wall_ms AS wall FROM run_summaries")[0]!.wall;
    // The run outlived its 1 s lock, yet no stalled check took it away: the worker's event loop
    // stayed free and renewed the lock (every 0.5 s) while the threads trained.
    expect(wall).toBeGreaterThan(2000);
    expect(run!.attempts).toBe(1);
    const renewed = Number(/\(lock renewed (\d+) times?\)/.exec(worker.output())?.[1]);
    expect(renewed).toBeGreaterThanOrEqual(Math.floor(wall / 500) - 2);
    expect(worker.output()).not.toMatch(/stalled|renewal failed/);
    await stopAll([worker.child]);
  }, 120_000);

  it("loses nothing when a worker is killed mid-run: the run is taken up again", async () => {
    // The victim joins the shared workers' queue; they take its run up when its lock lapses.
    const queue = SHARED;
    const db = join(dir, "killed-worker.db");
    const victim = startWorker(queue);
    const coordinator = start(["sweep", ...GRID, "--db", db, "--redis", redis.url, "--queue", queue]);
    await waitFor("the first worker to take a run", () => /job \S+: /.test(victim.output()));
    victim.child.kill("SIGKILL");
    expect(await coordinator.child.exited).toBe(0);
    const runs = recordedRuns(db);
    expect(runs).toHaveLength(PLANNED);
    expect(runs.some((r) => r.attempts >= 2)).toBe(true);
    expect(trajectories(db)).toBe(trajectories(reference));
  }, 120_000);

  it("hands a run back on a worker's second Ctrl-C, for another worker to train", async () => {
    // The leaving worker joins the shared workers' queue; they train what it hands back.
    const queue = SHARED;
    const db = join(dir, "handed-back.db");
    const leaving = startWorker(queue);
    const coordinator = start(["sweep", ...GRID, "--db", db, "--redis", redis.url, "--queue", queue]);
    await waitFor("the worker to take a run", () => /job \S+: /.test(leaving.output()));
    leaving.child.kill("SIGINT");
    await new Promise((r) => setTimeout(r, 100));
    leaving.child.kill("SIGINT");
    expect(await leaving.child.exited).toBe(0);
    expect(leaving.output()).toMatch(/job \S+: handed back/);
    expect(leaving.output()).toContain("lrsim worker: stopped");
    expect(await coordinator.child.exited).toBe(0);
    expect(recordedRuns(db)).toHaveLength(PLANNED);
    expect(trajectories(db)).toBe(trajectories(reference));
  }, 120_000);

  it("loses nothing when the coordinator is killed: --resume collects what finished meanwhile", async () => {
    const queue = SHARED;
    const db = join(dir, "killed-coordinator.db");
    const coordinator = start(["sweep", ...GRID, "--db", db, "--redis", redis.url, "--queue", queue]);
    await waitFor("a run to be recorded", () => /: completed/.test(coordinator.output()));
    coordinator.child.kill("SIGKILL");
    await coordinator.child.exited;
    // Killed with at least one run recorded; the workers go on with the rest meanwhile.
    const before = recordedRuns(db).length;
    expect(before).toBeGreaterThanOrEqual(1);
    const resumed = await runCli([
      "sweep",
      "--resume",
      "1",
      "--db",
      db,
      "--redis",
      redis.url,
      "--queue",
      queue,
    ]);
    expect(resumed.stderr).toContain(`${before} recorded already`);
    expect(resumed.code).toBe(0);
    expect(recordedRuns(db)).toHaveLength(PLANNED);
    expect(read(db, "SELECT count(*) n FROM runs")).toEqual([{ n: PLANNED }]);
    expect(trajectories(db)).toBe(trajectories(reference));
  }, 120_000);

  it("records a run delivered twice once", async () => {
    const queue = SHARED;
    const db = join(dir, "duplicates.db");
    expect((await runCli(["sweep", ...GRID, "--db", db, "--redis", redis.url, "--queue", queue])).code).toBe(
      0,
    );
    // Deliver every run again, as a stalled job processed twice would: same data, another job.
    const bull = new Queue(queue, { connection: { host: "127.0.0.1", port: redis.port } });
    try {
      const data = read<{ run_key: string }>(db, "SELECT run_key FROM sweep_runs");
      const uid = read<{ uid: string }>(db, "SELECT uid FROM sweeps")[0]!.uid;
      const stored = read<{ config: string }>(db, "SELECT config FROM sweeps")[0]!;
      expect(stored.config).not.toContain("password");
      const { expandGrid } = await import("../packages/cli/src/sweep/grid.ts");
      const runs = expandGrid(JSON.parse(stored.config).grid);
      expect(runs.map((r) => r.key).sort()).toEqual(data.map((d) => d.run_key).sort());
      await bull.addBulk(
        runs.map((run) => ({
          name: "run",
          data: { v: 1, sweep: uid, key: run.key, point: run.point, options: run.options },
          opts: { jobId: `${uid}.${run.key}.again` },
        })),
      );
      await waitFor(
        "the worker to train them again",
        async () => (await bull.getCompletedCount()) === PLANNED,
      );
    } finally {
      await bull.close();
    }
    const resumed = await runCli([
      "sweep",
      "--resume",
      "1",
      "--db",
      db,
      "--redis",
      redis.url,
      "--queue",
      queue,
    ]);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr.match(/delivered again, already recorded/g)).toHaveLength(PLANNED);
    expect(recordedRuns(db)).toHaveLength(PLANNED);
    expect(read(db, "SELECT count(*) n FROM runs")).toEqual([{ n: PLANNED }]);
    expect(trajectories(db)).toBe(trajectories(reference));
  }, 120_000);

  it("goes on when Redis restarts empty mid-sweep: workers reconnect, the coordinator enqueues again", async () => {
    const queue = SHARED;
    const db = join(dir, "redis-restart.db");
    const coordinator = start(["sweep", ...GRID, "--db", db, "--redis", redis.url, "--queue", queue]);
    await waitFor("a run to be recorded", () => /: completed/.test(coordinator.output()));
    await redis.restart();
    expect(await coordinator.child.exited).toBe(0);
    expect(recordedRuns(db)).toHaveLength(PLANNED);
    expect(read(db, "SELECT count(*) n FROM runs")).toEqual([{ n: PLANNED }]);
    expect(trajectories(db)).toBe(trajectories(reference));
  }, 120_000);

  it("fails a deterministic error once, with its cause recorded, retries nothing, and masks the password everywhere", async () => {
    const queue = `q${++queueCount}`;
    const db = join(dir, "refused.db");
    // With a password in the URL (this server needs none and ignores it): it must show nowhere.
    const secretUrl = redis.url.replace("redis://", "redis://:s3cret@");
    const worker = start(["worker", "--redis", secretUrl, "--queue", queue, "--workers", "1", ...FAST_LOCKS]);
    const result = await runCli([
      "sweep",
      "--schedules",
      "step,./examples/schedule-warmup-poly/warmup-poly.js",
      "--epochs",
      "4",
      "--dataset",
      "mnist(train=500, test=200)",
      "--db",
      db,
      "--redis",
      secretUrl,
      "--queue",
      queue,
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("start the worker with --allow-plugin-paths");
    const runs = recordedRuns(db);
    expect(runs.map((r) => r.status).sort()).toEqual(["completed", "failed"]);
    const failed = runs.find((r) => r.status === "failed")!;
    expect(failed.attempts).toBe(1);
    expect(failed.error).toContain("does not load plugins by path");
    // Taken once, failed once: no retry.
    expect(worker.output().match(/failed: this worker does not load plugins by path/g)).toHaveLength(1);
    expect(worker.output()).toMatch(/failed: this worker does not load plugins by path.*; not retried/);
    expect(result.stdout + result.stderr + worker.output()).not.toContain("s3cret");
    const config = read<{ config: string }>(db, "SELECT config FROM sweeps")[0]!.config;
    expect(JSON.parse(config).redis).toBe(secretUrl.replace("s3cret", "***"));
    expect(read<{ n: number }>(db, "SELECT count(*) n FROM sweep_runs WHERE error LIKE '%s3cret%'")).toEqual([
      { n: 0 },
    ]);
    await stopAll([worker.child]);
  }, 120_000);

  it("retries a transient fault with backoff: a worker's download reset once, the run trained again and recorded once", async () => {
    // A dataset plugin that downloads its points from this loopback server. Once the
    // coordinator has planned the sweep (loading the data itself), the server resets the next
    // connection: a worker's first attempt meets a real ECONNRESET.
    const points = (n: number, from: number) =>
      Array.from({ length: n }, (_, i) => {
        const x = (from + i) / 100;
        return [x, 2.5 * x + 1];
      });
    const body = JSON.stringify({ train: points(80, 0), test: points(20, 80) });
    let armed = false;
    let resets = 0;
    const server: Server = createServer((req, res) => {
      if (armed) {
        armed = false;
        resets++;
        req.socket.resetAndDestroy();
        return;
      }
      res.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const grid = {
      schedules: ["step"],
      lr: [0.05],
      batchSize: [16],
      model: ["linear"],
      dataset: [`./test/fixtures/sweep/downloaded-line.js(url="http://127.0.0.1:${port}/points")`],
      epochs: [4],
      seeds: 2,
    };
    try {
      const queue = `q${++queueCount}`;
      const db = join(dir, "transient.db");
      // Plugins by path need the worker's opt-in.
      const worker = startWorker(queue, ["--allow-plugin-paths"]);
      const logged: string[] = [];
      const s = await sweep({
        grid,
        db,
        cwd: repoRoot,
        redis: redis.url,
        queue,
        retryDelayMs: 200,
        onPlanned: () => {
          armed = true;
        },
        onLog: (line) => logged.push(line),
      });
      expect(resets).toBe(1);
      expect(s).toMatchObject({ planned: 2, recorded: 2, failed: 0 });
      expect(s.runs.map((r) => r.status)).toEqual(["completed", "completed"]);
      // One run was tried twice (the reset, then the retry); each is recorded once.
      expect(s.runs.map((r) => r.attempts).sort()).toEqual([1, 2]);
      expect(read(db, "SELECT count(*) n FROM runs")).toEqual([{ n: 2 }]);
      expect(read(db, "SELECT count(*) n FROM sweep_runs")).toEqual([{ n: 2 }]);
      const failures = worker.output().match(/job \S+: failed: .*/g) ?? [];
      expect(failures).toHaveLength(1);
      expect(failures[0]).toMatch(
        /downloaded-line.* failed in load: .*(socket hang up|ECONNRESET).*; retried in 200 ms \(attempt 2 of 3\)$/,
      );
      expect(worker.output()).toMatch(/\(attempt 2\)/);
      expect(logged).toEqual([]);
      await stopAll([worker.child]);
      // The retried run is the run the embedded sweep trains, bit for bit.
      const embedded = join(dir, "transient-embedded.db");
      const here = await sweep({ grid, db: embedded, cwd: repoRoot, workers: 1 });
      expect(here).toMatchObject({ planned: 2, recorded: 2, failed: 0 });
      expect(trajectories(db)).toBe(trajectories(embedded));
    } finally {
      server.close();
    }
  }, 120_000);
  it("retries a network fault that failed a run mid-training, and gives up after 3 attempts", async () => {
    // A model whose gradient meets ECONNRESET once while its marker file exists (armed for the
    // distributed sweep only): the trainer ends that run `failed`, and the worker must retry it
    // rather than return the failed result.
    const fault = join(dir, "fault-once");
    const model = (always: boolean) =>
      `./test/fixtures/sweep/flaky-line-model.js(fault="${fault}"${always ? ", always=true" : ""})`;
    const grid = (always: boolean, seeds: number) => ({
      schedules: ["step"],
      lr: [0.05],
      batchSize: [16],
      model: [model(always)],
      dataset: ["line(xMax=1)"],
      epochs: [4],
      seeds,
    });
    const queue = `q${++queueCount}`;
    const worker = startWorker(queue, ["--allow-plugin-paths"]);
    const db = join(dir, "mid-run-fault.db");
    writeFileSync(fault, "");
    const s = await sweep({
      grid: grid(false, 2),
      db,
      cwd: repoRoot,
      redis: redis.url,
      queue,
      retryDelayMs: 100,
    });
    expect(existsSync(fault)).toBe(false);
    expect(s).toMatchObject({ planned: 2, recorded: 2, failed: 0 });
    expect(s.runs.map((r) => r.attempts).sort()).toEqual([1, 2]);
    expect(read(db, "SELECT count(*) n FROM runs")).toEqual([{ n: 2 }]);
    const failures = worker.output().match(/job \S+: failed: .*/g) ?? [];
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatch(
      /flaky-line-model.* failed in gradient: read ECONNRESET; retried in 100 ms \(attempt 2 of 3\)$/,
    );
    const embedded = join(dir, "mid-run-fault-embedded.db");
    expect(await sweep({ grid: grid(false, 2), db: embedded, cwd: repoRoot, workers: 1 })).toMatchObject({
      planned: 2,
      recorded: 2,
      failed: 0,
    });
    expect(trajectories(db)).toBe(trajectories(embedded));

    // The fault every time: three attempts, then recorded failed once with its cause.
    writeFileSync(fault, "");
    const lost = join(dir, "mid-run-fault-lost.db");
    const given = await sweep({
      grid: grid(true, 1),
      db: lost,
      cwd: repoRoot,
      redis: redis.url,
      queue,
      retryDelayMs: 50,
    });
    expect(given).toMatchObject({ planned: 1, recorded: 1, failed: 1 });
    const [run] = recordedRuns(lost);
    expect(run).toMatchObject({ status: "failed", attempts: 3 });
    expect(run!.error).toContain("failed in gradient: read ECONNRESET");
    expect(worker.output()).toMatch(/failed in gradient: read ECONNRESET; given up after 3 attempts/);
    await stopAll([worker.child]);
  }, 120_000);
  it("says in one line, password masked, that Redis cannot be reached", async () => {
    const url = `redis://:s3cret@127.0.0.1:${redis.port + 1}`;
    const results = await Promise.all(
      [
        ["sweep", "--epochs", "4", "--db", join(dir, "unreachable.db"), "--redis", url],
        ["worker", "--redis", url],
      ].map((args) => runCli(args)),
    );
    for (const result of results) {
      expect(result.code).toBe(1);
      expect(result.stderr.trim().split("\n")).toHaveLength(1);
      expect(result.stderr).toContain(`cannot reach Redis at redis://:***@127.0.0.1:${redis.port + 1}`);
      expect(result.stderr).not.toContain("s3cret");
    }
  }, 60_000);
});
