import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.ts";

describe("lrsim schedule", () => {
  it("--json prints spec, steps and one value per tick", async () => {
    const r = await runCli(["schedule", "onecycle(maxLr=0.8)", "--steps", "50", "--json"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    const out = JSON.parse(r.stdout);
    expect(out.spec).toBe("onecycle(maxLr=0.8, totalSteps=50)");
    expect(out.steps).toBe(50);
    expect(out.lr).toHaveLength(50);
    expect(out.momentum).toHaveLength(50);
    expect(out.batchSize).toBeUndefined();
    expect(Math.max(...out.lr)).toBeCloseTo(0.8, 12);
  });

  it("--json includes batchSize for batch-size schedules", async () => {
    const r = await runCli([
      "schedule",
      "batchramp(milestones=[2,4])",
      "--steps",
      "6",
      "--batch-size",
      "100",
      "--json",
    ]);
    expect(JSON.parse(r.stdout).batchSize).toEqual([100, 100, 500, 500, 2500, 2500]);
  });

  it("prints a table, thinned for long schedules", async () => {
    const r = await runCli(["schedule", "step(lr=0.1, stepSize=30)", "--steps", "90"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("epoch");
    expect(r.stdout).toMatch(/^\s+89\s+0\.001$/m);
    expect(r.stdout).toContain("(every 3rd epoch of 90 and the last");
  });

  it("--plot draws lr, batch size and momentum charts", async () => {
    const ramp = await runCli(["schedule", "hybrid(milestones=[3,6,8])", "--steps", "10", "--plot"]);
    expect(ramp.stdout).toContain("lr — hybrid");
    expect(ramp.stdout).toContain("batch size — hybrid");
    expect(ramp.stdout).toMatch(/[\u2801-\u28ff]/);
    const cycle = await runCli(["schedule", "cyclic(stepSizeUp=5)", "--steps", "20", "--plot"]);
    expect(cycle.stdout).toContain("momentum — cyclic");
  });

  it("feeds --metrics to plateau", async () => {
    const r = await runCli([
      "schedule",
      "plateau(patience=1, factor=0.5)",
      "--steps",
      "5",
      "--metrics",
      "1,1,1,1,1",
      "--json",
    ]);
    expect(JSON.parse(r.stdout).lr).toEqual([0.1, 0.1, 0.1, 0.05, 0.05]);
  });

  it.each([
    [["schedule", "stpe"], 1, 'lrsim: unknown schedule "stpe" (did you mean "step"?)'],
    [["schedule", "step(lr=-0.1, stepSize=3)"], 1, "lrsim: step: lr must be a positive number, got -0.1"],
    [
      ["schedule", "cyclic(baseLr=0.5, maxLr=0.1)"],
      1,
      "lrsim: cyclic: maxLr (0.1) must be at least baseLr (0.5)",
    ],
    [["schedule", "step(lr=0.1, stepSize=1.5)"], 1, "lrsim: step: stepSize must be an integer, got 1.5"],
    [["schedule", "step(lr=NaN, stepSize=1)"], 1, "is not a number"],
    [["schedule", "step(gama=0.5)"], 1, 'unknown parameter "gama" (did you mean "gamma"?)'],
    [["schedule", "cosine", "--steps", "0"], 1, "lrsim: --steps must be a positive integer, got 0"],
    [["schedule"], 2, "Not enough non-option arguments"],
    [["schedule", "step", "--stpes", "3"], 2, "Unknown argument"],
    [["schedul"], 2, 'unknown command "schedul". Did you mean schedule?'],
  ])("rejects %j with exit %i and one line, no stack trace", async (args, code, message) => {
    const r = await runCli(args);
    expect(r.code).toBe(code);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(message);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\bat .+:\d+:\d+/);
  });
});

describe("lrsim schedules", () => {
  it("lists every schedule with its parameters and defaults", async () => {
    const r = await runCli(["schedules"]);
    for (const name of [
      "constant",
      "step",
      "multistep",
      "exponential",
      "timedecay",
      "linear",
      "polynomial",
      "cosine",
      "cosinerestarts",
      "cyclic",
      "onecycle",
      "smith1cycle",
      "warmup",
      "sequential",
      "plateau",
      "batchramp",
      "hybrid",
    ])
      expect(r.stdout).toMatch(new RegExp(`^${name}\\s`, "m"));
    expect(r.stdout).toContain(
      "onecycle(maxLr=0.1, totalSteps, pctStart=0.3, anneal=cos, divFactor=25, finalDivFactor=10000, threePhase=false",
    );
  });

  it("shows one schedule in detail and as JSON", async () => {
    const detail = await runCli(["schedules", "cyclic"]);
    expect(detail.stdout).toContain("equals PyTorch's CyclicLR at every step");
    const json = JSON.parse((await runCli(["schedules", "step", "--json"])).stdout);
    expect(json[0].params.map((p: { name: string }) => p.name)).toEqual(["lr", "stepSize", "gamma", "unit"]);
  });
});

describe("lrsim decay", () => {
  it("solves the step-decay reverse-engineering article's example", async () => {
    const r = await runCli([
      "decay",
      "--initial-lr",
      "0.1",
      "--final-lr",
      "0.0001",
      "--total-steps",
      "1000000",
      "--updates",
      "10000",
      "--json",
    ]);
    const out = JSON.parse(r.stdout);
    expect(out.gamma).toBeCloseTo(0.999309463003, 12);
    expect(out.stepSize).toBe(100);
    expect(out.warnings.some((w: string) => w.includes("float32"))).toBe(true);
  });

  it("prints the equivalent specs and warns on stderr", async () => {
    const r = await runCli([
      "decay",
      "--initial-lr",
      "1",
      "--final-lr",
      "0.01",
      "--total-steps",
      "100",
      "--updates",
      "2",
    ]);
    expect(r.stdout).toContain("step(lr=1, stepSize=50, gamma=0.1, unit=step)");
    expect(r.stdout).toContain("multistep(lr=1, milestones=[50,100], gamma=0.1, unit=step)");
    expect(r.stderr).toContain("warning: with StepLR semantics the last step");
  });
});

describe("bare step, the same everywhere", () => {
  it("schedule and run derive compare's multistep from their run length and show the spec it became", async () => {
    const s = await runCli(["schedule", "step", "--steps", "4", "--json"]);
    expect(JSON.parse(s.stdout)).toMatchObject({
      spec: "multistep(milestones=[1,2,3], gamma=0.2)",
      lr: [0.1, 0.1 * 0.2, 0.1 * 0.2 ** 2, 0.1 * 0.2 ** 3],
    });
    const r = await runCli(
      [
        "run",
        "--schedule",
        "step",
        "--model",
        "softmax",
        "--dataset",
        "blobs(n=200)",
        "--epochs",
        "5",
        "--json",
      ],
      { env: { LRSIM_DB: join(mkdtempSync(join(tmpdir(), "lrsim-step-")), "r.db") } },
    );
    expect(JSON.parse(r.stdout).schedule).toBe("multistep(milestones=[2,3,4], gamma=0.2)");
    const short = await runCli(["schedule", "multistep", "--steps", "3"]);
    expect(short.code).toBe(1);
    expect(short.stderr.trim()).toMatch(/^lrsim: a run of length 3 cannot hold 3 distinct milestones/);
  });
});
