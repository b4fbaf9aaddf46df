import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compare, findLr, openResults, run, sweep } from "lrsim";
import { describe, expect, it } from "vitest";

const db = join(mkdtempSync(join(tmpdir(), "lrsim-api-")), "results.db");

describe('the programmatic API: import { compare, run, sweep, findLr, openResults } from "lrsim"', () => {
  it("run trains, reports progress and records the run", async () => {
    const epochs: number[] = [];
    let steps = 0;
    const r = await run({
      schedule: "step(lr=0.5, stepSize=2)",
      model: "softmax",
      dataset: "blobs(n=400)",
      epochs: 3,
      workers: 2,
      db,
      onStep: () => steps++,
      onEpoch: (row) => epochs.push(row.epoch),
    });
    expect(r.status).toBe("completed");
    expect(r.runId).toBe(1);
    expect(epochs).toEqual([0, 1, 2, 3]);
    expect(steps).toBe(r.updates);
    expect(r.final?.testAccuracy).toBeGreaterThan(0.9);
  });

  /** A compare of three quick runs (step decay's and batch ramp's, with the constant control). */
  const smallCompare = {
    schedules: ["step", "batchramp"],
    model: "softmax",
    dataset: "blobs(n=400)",
    batchSize: 16,
    epochs: 5,
    lr: 0.1,
  };

  it("compare follows the CLI's protocol and records one comparison", async () => {
    const started: string[] = [];
    const c = await compare({
      ...smallCompare,
      workers: 0,
      db,
      onRunStart: (_, schedule) => started.push(schedule),
    });
    expect(c.comparisonId).toBe(1);
    expect(c.schedules).toEqual([
      "constant(lr=0.1)",
      "multistep(lr=0.1, milestones=[2,3,4], gamma=0.2)",
      "batchramp(lr=0.1, batchSize=16, factor=5, milestones=[2,3,4])",
    ]);
    expect(started).toEqual(c.schedules);
    expect(c.runs.map((r) => r.status)).toEqual(["completed", "completed", "completed"]);
    expect(c.runs[2]!.updates).toBeLessThan(c.runs[1]!.updates);
    // Each run carries the id it was recorded under.
    const results = openResults(db);
    expect(c.runs.map((r) => r.runId)).toEqual(
      results
        .runs({ comparison: 1 })
        .map((r) => r.id)
        .reverse(),
    );
    results.close();
    expect(c.planned).toBe(3);
  });

  it("compare trains runs side by side, one worker each, and the one left over on every worker", async () => {
    const sideDb = join(mkdtempSync(join(tmpdir(), "lrsim-api-slots-")), "slots.db");
    const c = await compare({ ...smallCompare, workers: 2, db: sideDb });
    expect(c.runs.map((r) => r.status)).toEqual(["completed", "completed", "completed"]);
    const results = openResults(sideDb);
    try {
      // Three runs on two workers: two at once on one worker each, then the third on both.
      expect(results.query("SELECT workers FROM runs ORDER BY id")).toEqual([
        { workers: 1 },
        { workers: 1 },
        { workers: 2 },
      ]);
    } finally {
      results.close();
    }
  });

  it("compare: a run that throws interrupts the runs beside it, which end recorded, then rejects", async () => {
    const failDb = join(mkdtempSync(join(tmpdir(), "lrsim-api-throw-")), "throw.db");
    const ended: string[] = [];
    await expect(
      compare({
        ...smallCompare,
        epochs: 40,
        workers: 2,
        db: failDb,
        onRunStart: (i) => {
          if (i === 1) throw new Error("a callback's bug");
        },
        onRunEnd: (_, r) => ended.push(r.status),
      }),
    ).rejects.toThrow("a callback's bug");
    // Run 0 was training beside it: it ended (interrupted) and its row says so; run 2 never started.
    expect(ended).toEqual(["interrupted"]);
    const results = openResults(failDb);
    try {
      expect(results.query("SELECT status FROM runs ORDER BY id")).toEqual([{ status: "interrupted" }]);
    } finally {
      results.close();
    }
  });

  it("compare takes Goyal et al.'s lr scaling rule and gradient clipping", async () => {
    const options = {
      schedules: "batchramp",
      model: "softmax",
      dataset: "blobs(n=400)",
      batchSize: 16,
      epochs: 5,
      lr: 0.1,
      factor: 2, // 16 -> 128: the batch stays below the 320 training samples, which would cap it
      control: false,
      workers: 0,
      db: false,
    } as const;
    const scaled = await compare({ ...options, lrScaling: "linear" });
    expect(scaled.schedules).toEqual([
      "batchramp(lr=0.1, batchSize=16, factor=2, milestones=[2,3,4], lrScaling=linear)",
    ]);
    // The lr grows with the batch: lr / batch stays 0.1 / 16 at every epoch.
    for (const row of scaled.runs[0]!.history) expect(row.lr / row.batchSize).toBeCloseTo(0.1 / 16, 12);
    const plain = await compare(options);
    const clipped = await compare({ ...options, clipGradNorm: 1e-4 });
    expect(clipped.runs[0]!.final!.trainLoss).toBeGreaterThan(plain.runs[0]!.final!.trainLoss);
    await expect(compare({ ...options, lrScaling: "cubic" as never })).rejects.toThrow(
      "lrScaling must be one of none, linear, sqrt, got cubic",
    );
  });

  it("sweep trains the grid here by default, records each run once, and resume adds nothing", async () => {
    const sweepDb = join(mkdtempSync(join(tmpdir(), "lrsim-api-sweep-")), "sweep.db");
    const grid = {
      schedules: ["step", "onecycle"],
      lr: [0.1, 0.5],
      seeds: 2,
      model: ["softmax"],
      dataset: ["blobs(n=400)"],
      batchSize: [16],
      epochs: [4],
    };
    let plannedKeys: string[] = [];
    const recorded: string[] = [];
    const s = await sweep({
      grid,
      workers: 2,
      db: sweepDb,
      onPlanned: (_, runs, already) => {
        plannedKeys = runs.map((r) => r.key);
        expect(already).toBe(0);
      },
      onRecorded: (run, status, _error, fresh) => {
        expect(fresh).toBe(true);
        recorded.push(`${run.key} ${status}`);
      },
    });
    expect(s).toMatchObject({ sweepId: 1, planned: 8, recorded: 8, failed: 0 });
    expect(new Set(plannedKeys).size).toBe(8);
    expect(recorded.map((r) => r.split(" ")[0]).sort()).toEqual([...plannedKeys].sort());
    expect(s.runs.map((r) => r.runKey).sort()).toEqual([...plannedKeys].sort());
    for (const r of s.runs) {
      expect([r.status, r.attempts, r.worker]).toEqual(["completed", 1, null]);
      expect(r.finalTestAccuracy).toBeGreaterThan(0.5);
      expect(grid.lr).toContain(r.point.lr);
    }
    // Resuming a finished sweep trains and records nothing more.
    let trained = 0;
    const again = await sweep({ resume: 1, workers: 2, db: sweepDb, onRunStart: () => trained++ });
    expect(trained).toBe(0);
    expect(again.runs).toEqual(s.runs);
    // Bad input rejects before anything is recorded.
    await expect(sweep({ grid: { ...grid, schedules: ["nosuchschedule"] }, db: sweepDb })).rejects.toThrow(
      /nosuchschedule/,
    );
    await expect(sweep({ grid, redis: "http://localhost", db: sweepDb })).rejects.toThrow(/redis/i);
    const results = openResults(sweepDb);
    try {
      expect(results.query("SELECT count(*) AS n FROM sweeps")).toEqual([{ n: 1 }]);
    } finally {
      results.close();
    }
  });

  it("findLr suggests a rate and records the test; db: false records nothing", async () => {
    const f = await findLr({ model: "linear", dataset: "line", batchSize: 80, db });
    expect(f.rangeTestId).toBe(1);
    expect(f.suggestedLr).toBeGreaterThan(0);
    const unrecorded = await findLr({ model: "linear", dataset: "line", batchSize: 80, db: false });
    expect(unrecorded.rangeTestId).toBeNull();
    expect(unrecorded.suggestedLr).toBe(f.suggestedLr);
  });

  it("openResults reads back what the experiments recorded", () => {
    const results = openResults(db);
    try {
      expect(
        results
          .runs()
          .map((r) => r.id)
          .sort(),
      ).toEqual([1, 2, 3, 4]);
      expect(results.run(1).schedule).toBe("step(lr=0.5, stepSize=2)");
      expect(results.comparison(1).map((r) => r.schedule.split("(")[0])).toEqual([
        "constant",
        "multistep",
        "batchramp",
      ]);
      expect(results.query("SELECT count(*) AS n FROM range_tests")).toEqual([{ n: 1 }]);
      expect(() => results.query("DELETE FROM runs")).toThrow(/only reads/);
    } finally {
      results.close();
    }
    expect(() => openResults(join(tmpdir(), "no-such-dir", "x.db"))).toThrow(/no results database at/);
  });
});
