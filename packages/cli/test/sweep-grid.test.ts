import { describe, expect, it } from "vitest";
import { chooseRunSlots, runStages } from "../src/api/run-slots.ts";
import {
  checkGridSize,
  describeSize,
  expandGrid,
  gridWithDefaults,
  numberList,
  runKey,
  specList,
} from "../src/sweep/grid.ts";

describe("sweep grids", () => {
  const grid = gridWithDefaults({
    schedules: ["step", "onecycle", "batchramp"],
    lr: [0.05, 0.1, 0.2],
    batchSize: [64, 128],
    seeds: 3,
  });

  it("expands to the cartesian product times the seeds, the last axis fastest", () => {
    const runs = expandGrid(grid);
    expect(runs).toHaveLength(54);
    expect(runs.slice(0, 4).map((r) => [r.point.schedule, r.point.lr, r.point.batchSize, r.seed])).toEqual([
      ["step", 0.05, 64, 0],
      ["step", 0.05, 64, 1],
      ["step", 0.05, 64, 2],
      ["step", 0.05, 128, 0],
    ]);
    expect(describeSize(grid)).toBe("3 schedules × 3 lr × 2 batch sizes × 3 seeds = 54 runs");
  });

  it("fills bare names in with compare's protocol from each point's own lr, batch size and epochs", () => {
    const [first] = expandGrid(
      gridWithDefaults({ schedules: ["step"], lr: [0.2], batchSize: [128], epochs: [10] }),
    );
    expect(first!.options.schedule).toBe("multistep(lr=0.2, milestones=[3,6,8], gamma=0.2)");
    expect(first!.options).toMatchObject({
      model: "softmax",
      dataset: "mnist",
      optimizer: "sgd(momentum=0.9)",
      batchSize: 128,
    });
    const [ramp] = expandGrid(
      gridWithDefaults({ schedules: ["batchramp"], lr: [0.2], batchSize: [32], epochs: [10] }),
    );
    expect(ramp!.options.schedule).toBe("batchramp(lr=0.2, batchSize=32, factor=5, milestones=[3,6,8])");
  });

  it("gives each grid point × seed a stable identity, independent of the grid's order", () => {
    const keys = expandGrid(grid).map((r) => r.key);
    expect(new Set(keys).size).toBe(54);
    const reordered = gridWithDefaults({
      schedules: ["batchramp", "step", "onecycle"],
      lr: [0.2, 0.05, 0.1],
      batchSize: [128, 64],
      seeds: 3,
    });
    expect(new Set(expandGrid(reordered).map((r) => r.key))).toEqual(new Set(keys));
    expect(keys[0]).toMatch(/^[0-9a-f]{20}$/);
    // The key is what is trained: another seed, another key.
    const [run] = expandGrid(grid);
    expect(runKey({ ...run!.options, seed: 7 })).not.toBe(run!.key);
  });

  it("takes lr scaling and gradient clipping as fixed options, each part of the identity of the runs it changes", () => {
    const of = (given: Parameters<typeof gridWithDefaults>[0]) =>
      expandGrid(
        gridWithDefaults({
          schedules: ["step", "batchramp"],
          lr: [0.2],
          batchSize: [32],
          epochs: [10],
          ...given,
        }),
      );
    const plain = of({});
    const scaled = of({ lrScaling: "sqrt" });
    const clipped = of({ clipGradNorm: 1 });
    expect(scaled[1]!.options.schedule).toBe(
      "batchramp(lr=0.2, batchSize=32, factor=5, milestones=[3,6,8], lrScaling=sqrt)",
    );
    // step trains the same run with or without the rule; batchramp does not.
    expect(scaled[0]!.key).toBe(plain[0]!.key);
    expect(scaled[1]!.key).not.toBe(plain[1]!.key);
    expect(of({ lrScaling: "none" }).map((r) => r.key)).toEqual(plain.map((r) => r.key));
    expect(clipped.map((r) => r.options.clipGradNorm)).toEqual([1, 1]);
    expect(plain[0]!.options).not.toHaveProperty("clipGradNorm");
    for (const [i, run] of clipped.entries()) expect(run.key).not.toBe(plain[i]!.key);
    expect(of({ clipGradNorm: 2 })[0]!.key).not.toBe(clipped[0]!.key);
    expect(() => checkGridSize(gridWithDefaults({ lrScaling: "cubic" as never }), false)).toThrow(
      /lrScaling.*one of none, linear, sqrt.*cubic/,
    );
  });

  it("refuses two points that train the same run", () => {
    expect(() =>
      expandGrid(gridWithDefaults({ schedules: ["onecycle(maxLr=0.3)"], lr: [0.1, 0.2] })),
    ).toThrow(
      /trains onecycle\(maxLr=0\.3\) twice .* a parameter written in a schedule spec wins over its axis/,
    );
  });

  it("refuses absurd sizes unless --yes, and says how big", () => {
    const big = gridWithDefaults({ lr: Array.from({ length: 20 }, (_, i) => (i + 1) / 10), seeds: 20 });
    expect(() => checkGridSize(big, false)).toThrow(
      "this sweep is 3 schedules × 20 lr × 20 seeds = 1200 runs, more than 1000: add --yes if you mean it",
    );
    expect(checkGridSize(big, true)).toBe(1200);
    expect(() => checkGridSize(gridWithDefaults({ seeds: 0 }), true)).toThrow(
      "seeds must be a positive integer",
    );
  });

  it("reads list options from flags and config arrays, checking every value", () => {
    expect(numberList("lr", "0.05,0.1", (n) => n > 0, "positive numbers")).toEqual([0.05, 0.1]);
    expect(numberList("lr", [0.05, 0.1], (n) => n > 0, "positive numbers")).toEqual([0.05, 0.1]);
    expect(numberList("lr", 0.3, (n) => n > 0, "positive numbers")).toEqual([0.3]);
    expect(() => numberList("lr", "0.1,,0.2", (n) => n > 0, "positive numbers")).toThrow(
      'lr must be a comma-separated list of positive numbers, got ""',
    );
    expect(specList("step(gamma=0.5, stepSize=3),onecycle")).toEqual([
      "step(gamma=0.5, stepSize=3)",
      "onecycle",
    ]);
    expect(specList(["sgd", "adam(lr=0.01)"])).toEqual(["sgd", "adam(lr=0.01)"]);
  });
});

describe("chooseRunSlots", () => {
  it("runs as many at once as there are workers, one worker each, at any batch size", () => {
    expect(chooseRunSlots({ runs: 4, workers: 2 })).toEqual({
      parallel: 2,
      workersPerRun: 1,
      spreadTail: true,
    });
    expect(chooseRunSlots({ runs: 4, workers: 8 })).toEqual({
      parallel: 4,
      workersPerRun: 2,
      spreadTail: true,
    });
    expect(chooseRunSlots({ runs: 1, workers: 2 })).toEqual({
      parallel: 1,
      workersPerRun: 2,
      spreadTail: false,
    });
    expect(chooseRunSlots({ runs: 4, workers: 0 })).toEqual({
      parallel: 1,
      workersPerRun: 0,
      spreadTail: false,
    });
  });

  it("takes --runs-at-once literally: capped by runs and workers, no spread tail", () => {
    expect(chooseRunSlots({ runs: 4, workers: 2, runsAtOnce: 1 })).toEqual({
      parallel: 1,
      workersPerRun: 2,
      spreadTail: false,
    });
    expect(chooseRunSlots({ runs: 3, workers: 2, runsAtOnce: 5 })).toEqual({
      parallel: 2,
      workersPerRun: 1,
      spreadTail: false,
    });
  });

  it("rejects worker and run counts it cannot honour, naming the option", () => {
    expect(() => chooseRunSlots({ runs: 3, workers: -1 })).toThrow(/workers.*non-negative integer.*-1/);
    expect(() => chooseRunSlots({ runs: 3, workers: 1.5 })).toThrow(/workers.*1\.5/);
    expect(() => chooseRunSlots({ runs: 3, workers: 2, runsAtOnce: 0 })).toThrow(
      /runsAtOnce.*positive integer.*0/,
    );
    expect(() => chooseRunSlots({ runs: 3, workers: 2, runsAtOnce: Number.NaN })).toThrow(/runsAtOnce.*NaN/);
  });
});

describe("runStages", () => {
  it("trains the runs left over after the slots' turns on all their threads", () => {
    const two = chooseRunSlots({ runs: 3, workers: 2 });
    expect(runStages(3, two)).toEqual([
      { runs: 2, parallel: 2, workersPerRun: 1 },
      { runs: 1, parallel: 1, workersPerRun: 2 },
    ]);
    expect(runStages(4, two)).toEqual([{ runs: 4, parallel: 2, workersPerRun: 1 }]);
    // Fewer runs to train than slots (resuming): they share every thread from the start.
    expect(runStages(1, two)).toEqual([{ runs: 1, parallel: 1, workersPerRun: 2 }]);
    const four = chooseRunSlots({ runs: 6, workers: 4 });
    expect(runStages(6, four)).toEqual([
      { runs: 4, parallel: 4, workersPerRun: 1 },
      { runs: 2, parallel: 2, workersPerRun: 2 },
    ]);
    expect(runStages(0, four)).toEqual([]);
  });

  it("gives the left-over runs a stage of their own only when it gives them more threads", () => {
    // 7 runs on 4 threads: the last 3 could only have one thread each, as in the first stage.
    expect(runStages(7, chooseRunSlots({ runs: 7, workers: 4 }))).toEqual([
      { runs: 7, parallel: 4, workersPerRun: 1 },
    ]);
    // 5 runs on 4 threads: the last one gets all four.
    expect(runStages(5, chooseRunSlots({ runs: 5, workers: 4 }))).toEqual([
      { runs: 4, parallel: 4, workersPerRun: 1 },
      { runs: 1, parallel: 1, workersPerRun: 4 },
    ]);
  });

  it("keeps one stage when the tail is not spread", () => {
    expect(runStages(3, chooseRunSlots({ runs: 3, workers: 2, runsAtOnce: 2 }))).toEqual([
      { runs: 3, parallel: 2, workersPerRun: 1 },
    ]);
    expect(runStages(5, chooseRunSlots({ runs: 5, workers: 0 }))).toEqual([
      { runs: 5, parallel: 1, workersPerRun: 0 },
    ]);
  });
});
