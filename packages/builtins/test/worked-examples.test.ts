import { createScheduleRegistry } from "@lrsim/builtins";
import { buildSchedule, sampleSchedule, solveDecay } from "@lrsim/core";
import { describe, expect, it } from "vitest";

const registry = createScheduleRegistry();
const lrAt = (spec: string, t: number, context = {}) => buildSchedule(registry, spec, context).at(t).lr;

describe("worked examples from the seed articles", () => {
  it("the one-cycle article: 1cycle 0.08 -> 0.8 over 41 epochs, back over 41, then 13 epochs to a tenth of 0.08", () => {
    const spec = "smith1cycle(minLr=0.08, maxLr=0.8, stepSize=41, annealSteps=13, annealFactor=0.1)";
    expect(lrAt(spec, 0)).toBeCloseTo(0.08, 15);
    expect(lrAt(spec, 41)).toBeCloseTo(0.8, 15);
    expect(lrAt(spec, 20.5)).toBeCloseTo(0.44, 15);
    expect(lrAt(spec, 82)).toBeCloseTo(0.08, 15);
    expect(lrAt(spec, 94)).toBeCloseTo(0.008, 15); // the 95th and last epoch
    expect(lrAt(spec, 120)).toBeCloseTo(0.008, 15);
  });

  it("the one-cycle article: the same recipe through onecycle's threePhase/linear lands on PyTorch's knots", () => {
    // PyTorch puts the peak at pctStart*totalSteps - 1; with pctStart = 0.4 of 100 steps, at t = 39.
    const spec =
      "onecycle(maxLr=0.8, totalSteps=100, pctStart=0.4, anneal=linear, divFactor=10, finalDivFactor=10, threePhase=true)";
    expect(lrAt(spec, 0)).toBeCloseTo(0.08, 15);
    expect(lrAt(spec, 39)).toBeCloseTo(0.8, 15);
    expect(lrAt(spec, 78)).toBeCloseTo(0.08, 15);
    expect(lrAt(spec, 99)).toBeCloseTo(0.008, 15);
  });

  it("the Learning Rate article: time-based decay lr / (1 + decay * t)", () => {
    expect(lrAt("timedecay(lr=0.1, decay=0.01)", 0)).toBe(0.1);
    expect(lrAt("timedecay(lr=0.1, decay=0.01)", 100)).toBeCloseTo(0.05, 16);
    expect(lrAt("timedecay(lr=0.1, decay=0.01)", 300)).toBeCloseTo(0.025, 16);
  });

  it("the step-decay reverse-engineering article: gamma = (0.0001/0.1)^(1/10^4) ~= 0.999309463003 and n = 10^6 / 10^4 = 100", () => {
    const s = solveDecay(0.1, 0.0001, 1e6, 1e4);
    expect(s.gamma).toBeCloseTo(0.999309463003, 12);
    expect(s.stepSize).toBe(100);
    expect(s.stepSpec).toBe("step(lr=0.1, stepSize=100, gamma=0.9993094630025899, unit=step)");
    expect(s.multistepSpec).toBeUndefined();
    // gamma itself is faithful in float32; stepping exponentially every one of 10^6 steps is not.
    expect(s.float32.faithful).toBe(true);
    expect(s.perStepFloat32.faithful).toBe(false);
    expect(s.perStepFloat32.finalLrError).toBeGreaterThan(1e-3);
    expect(s.warnings.join(" ")).toContain("float32");
  });

  it("the step-decay reverse-engineering article: the solved step schedule reaches finalLr exactly after m decays", () => {
    const s = solveDecay(0.1, 0.001, 100, 4);
    expect(s.multistepSpec).toBe(`multistep(lr=0.1, milestones=[25,50,75,100], gamma=${s.gamma}, unit=step)`);
    expect(lrAt(s.stepSpec, 100)).toBeCloseTo(0.001, 15);
    expect(lrAt(s.multistepSpec!, 100)).toBeCloseTo(0.001, 15);
    expect(s.lastStepLr).toBeCloseTo(lrAt(s.stepSpec, 99), 15);
    expect(s.decaysBeforeLastStep).toBe(3);
  });

  it("the step-decay reverse-engineering article: a gamma that float32 rounds to 1 is called out", () => {
    const s = solveDecay(0.1, 0.0999, 1e8, 1e8);
    expect(s.float32.gamma32).toBe(1);
    expect(s.warnings.join(" ")).toContain("rounds gamma to exactly 1");
  });

  it("rejects solver input that makes no sense", () => {
    expect(() => solveDecay(0, 0.1, 10, 2)).toThrow("initialLr must be a positive number, got 0");
    expect(() => solveDecay(0.1, 0.01, 10, 20)).toThrow("updates must be at most totalSteps (10), got 20");
    expect(() => solveDecay(0.1, 0.01, 10.5, 2)).toThrow("totalSteps must be a positive integer, got 10.5");
  });
});

describe("batch-size schedules (Smith et al. 2018)", () => {
  it("batchramp multiplies the batch where multistep would divide the lr", () => {
    const decay = sampleSchedule(
      buildSchedule(registry, "multistep(lr=0.1, milestones=[2,4], gamma=0.2)"),
      6,
    );
    const ramp = sampleSchedule(
      buildSchedule(registry, "batchramp(lr=0.1, batchSize=128, factor=5, milestones=[2,4])"),
      6,
    );
    expect(ramp.lr).toEqual([0.1, 0.1, 0.1, 0.1, 0.1, 0.1]);
    expect(ramp.batchSize).toEqual([128, 128, 640, 640, 3200, 3200]);
    // The noise scale lr * N / B follows the same curve in both.
    decay.lr.forEach((lr, t) => {
      expect(ramp.lr[t]! / ramp.batchSize![t]!).toBeCloseTo(lr / 128, 15);
    });
  });

  it("batchramp caps the batch at maxBatch", () => {
    expect(
      sampleSchedule(buildSchedule(registry, "batchramp(batchSize=100, milestones=[1,2], maxBatch=1000)"), 3)
        .batchSize,
    ).toEqual([100, 500, 1000]);
  });

  it("hybrid ramps the batch until maxBatch, then decays the lr", () => {
    const s = sampleSchedule(
      buildSchedule(registry, "hybrid(lr=0.1, batchSize=128, milestones=[1,2,3], maxBatch=640)"),
      4,
    );
    expect(s.batchSize).toEqual([128, 640, 640, 640]);
    expect(s.lr[0]).toBe(0.1);
    expect(s.lr[1]).toBe(0.1);
    expect(s.lr[2]).toBeCloseTo(0.02, 16);
    expect(s.lr[3]).toBeCloseTo(0.004, 16);
  });

  it("lrScaling scales the lr with the batch (Goyal et al. 2017): linear keeps lr / batch, sqrt halves the decay in log", () => {
    const at = (spec: string) => sampleSchedule(buildSchedule(registry, spec), 5);
    const linear = at("batchramp(lr=0.1, batchSize=128, factor=4, milestones=[2,4], lrScaling=linear)");
    expect(linear.batchSize).toEqual([128, 128, 512, 512, 2048]);
    expect(linear.lr).toEqual([0.1, 0.1, 0.4, 0.4, 1.6]);
    const sqrt = at("batchramp(lr=0.1, batchSize=128, factor=4, milestones=[2,4], lrScaling=sqrt)");
    expect(sqrt.lr).toEqual([0.1, 0.1, 0.2, 0.2, 0.4]);
    // Scaled by the batch actually used: capped at maxBatch, the lr stops growing too.
    const capped = at(
      "batchramp(lr=0.1, batchSize=100, factor=5, milestones=[1,2], maxBatch=1000, lrScaling=linear)",
    );
    expect(capped.batchSize).toEqual([100, 500, 1000, 1000, 1000]);
    expect(capped.lr).toEqual([0.1, 0.5, 1, 1, 1]);
    // In a run the trainer caps the batch at the training set: the lr scales by the batch used.
    const inRun = sampleSchedule(
      buildSchedule(
        registry,
        "batchramp(lr=0.1, batchSize=500, factor=5, milestones=[1,2], lrScaling=linear)",
        {
          trainSize: 2000,
        },
      ),
      3,
    );
    expect(inRun.lr).toEqual([0.1, 0.4, 0.4]);
    const hybridInRun = sampleSchedule(
      buildSchedule(
        registry,
        "hybrid(lr=0.1, batchSize=500, milestones=[1,2], maxBatch=12500, lrScaling=sqrt)",
        {
          trainSize: 2000,
        },
      ),
      3,
    );
    expect(hybridInRun.lr).toEqual([0.1, 0.2, 0.2]);
    // hybrid: the batch ramps once (lr x 5 with linear), then the lr decays by 5 per milestone.
    const hybrid = at("hybrid(lr=0.1, batchSize=128, milestones=[1,2,3], maxBatch=640, lrScaling=linear)");
    expect(hybrid.batchSize).toEqual([128, 640, 640, 640, 640]);
    expect(hybrid.lr[1]).toBeCloseTo(0.5, 15);
    expect(hybrid.lr[2]).toBeCloseTo(0.1, 15);
    expect(hybrid.lr[3]).toBeCloseTo(0.02, 15);
  });

  it("hybrid's default maxBatch allows exactly one ramp, as in the paper", () => {
    const s = sampleSchedule(buildSchedule(registry, "hybrid(milestones=[1,2])", { batchSize: 32 }), 3);
    expect(s.batchSize).toEqual([32, 160, 160]);
  });

  it("hybrid with a factor one ulp above 1 ramps at every milestone and builds at once", () => {
    // The batch stays within maxBatch for ~1e16 ramps here; counting them all once hung CI.
    const s = sampleSchedule(
      buildSchedule(
        registry,
        "hybrid(batchSize=1, factor=1.0000000000000002, maxBatch=40, milestones=[1,2])",
      ),
      3,
    );
    expect(s.batchSize).toEqual([1, 1, 1]);
    expect(s.lr).toEqual([0.1, 0.1, 0.1]);
  });

  it("milestones default to 30/60/80% of the run, the paper's 60/120/160 of 200 epochs", () => {
    expect(buildSchedule(registry, "multistep", { length: 200 }).spec).toBe(
      "multistep(milestones=[60,120,160])",
    );
    expect(buildSchedule(registry, "batchramp", { length: 200, batchSize: 128 }).spec).toBe(
      "batchramp(batchSize=128, milestones=[60,120,160])",
    );
  });
});

describe("composition", () => {
  it("warmup hands momentum and batch size of its target through", () => {
    const s = buildSchedule(
      registry,
      "warmup(steps=2, startFactor=0.5, then=onecycle(maxLr=1, totalSteps=10))",
    );
    expect(s.at(0).momentum).toBe(0.95);
    expect(s.at(0).lr).toBeCloseTo(0.02, 16);
    expect(s.at(2)).toEqual(buildSchedule(registry, "onecycle(maxLr=1, totalSteps=10)").at(0));
  });

  it("warmup's child gets the remaining run as its length", () => {
    expect(buildSchedule(registry, "warmup(steps=10, then=cosine)", { length: 100 }).spec).toBe(
      "warmup(steps=10, then=cosine(tMax=90, unit=step))",
    );
  });

  it("plateau inside a composition receives metrics on the child's clock", () => {
    const s = buildSchedule(
      registry,
      "sequential(schedules=[constant(lr=0.1), plateau(lr=0.1, patience=0, factor=0.5)], milestones=[2])",
    );
    expect(s.metricDriven).toBe(true);
    s.observe(0, 1); // constant phase: ignored
    s.observe(1, 1);
    s.observe(2, 1); // plateau: first metric is an improvement on +inf
    expect(s.at(3).lr).toBe(0.1);
    s.observe(3, 1); // no improvement, patience 0 -> halve
    expect(s.at(4).lr).toBe(0.05);
  });
});

describe("automatic chunk size", () => {
  it("is 64 below 1,024 samples, 128 up to 2,047, 256 from 2,048; a number is used as given", async () => {
    const { stepChunkSize } = await import("@lrsim/core");
    expect([1, 64, 1023, 1024, 2047, 2048, 8000].map((b) => stepChunkSize("auto", b))).toEqual([
      64, 64, 64, 128, 128, 256, 256,
    ]);
    expect(stepChunkSize(7, 8000)).toBe(7);
  });
});
