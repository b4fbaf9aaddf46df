import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { protocolSchedules } from "../packages/cli/src/api/compare-protocol.ts";
import { runCli } from "./helpers/cli.ts";

const protocol = { lr: 0.1, batchSize: 128, factor: 5, epochs: 20 };

describe("the comparison protocol (Smith et al. 2018)", () => {
  it("fills bare names in: decays and ramps by the same factor at the same milestones", () => {
    expect(protocolSchedules("step,batchramp,hybrid,onecycle,cosine", protocol)).toEqual([
      "multistep(lr=0.1, milestones=[6,12,16], gamma=0.2)",
      "batchramp(lr=0.1, batchSize=128, factor=5, milestones=[6,12,16])",
      "hybrid(lr=0.1, batchSize=128, factor=5, milestones=[6,12,16])",
      "onecycle(maxLr=0.1)",
      "cosine(lr=0.1)",
    ]);
  });

  it("lets parameters in the spec win, and leaves other schedules alone", () => {
    expect(
      protocolSchedules(
        "step(gamma=0.5),onecycle(maxLr=0.5),step(stepSize=3),cyclic(stepSizeUp=10)",
        protocol,
      ),
    ).toEqual([
      "multistep(lr=0.1, milestones=[6,12,16], gamma=0.5)",
      "onecycle(maxLr=0.5)",
      "step(lr=0.1, gamma=0.2, stepSize=3)",
      "cyclic(stepSizeUp=10)",
    ]);
  });

  it("writes a learning-rate scaling rule into the schedules that grow the batch, and only those", () => {
    expect(
      protocolSchedules("step,batchramp,hybrid(lrScaling=none),onecycle", { ...protocol, lrScaling: "sqrt" }),
    ).toEqual([
      "multistep(lr=0.1, milestones=[6,12,16], gamma=0.2)",
      "batchramp(lr=0.1, batchSize=128, factor=5, milestones=[6,12,16], lrScaling=sqrt)",
      "hybrid(lr=0.1, batchSize=128, factor=5, milestones=[6,12,16], lrScaling=none)",
      "onecycle(maxLr=0.1)",
    ]);
  });
});

describe("lrsim compare", () => {
  it("runs every schedule with every seed, records one comparison, and --show re-renders it", async () => {
    const env = { LRSIM_DB: join(mkdtempSync(join(tmpdir(), "lrsim-compare-")), "results.db") };
    const args = [
      "compare",
      "--schedules",
      "step,batchramp",
      "--model",
      "softmax",
      "--dataset",
      "blobs(n=1000)",
      "--epochs",
      "5",
      "--batch-size",
      "16",
      "--lr",
      "0.1",
      "--seeds",
      "2",
      "--workers",
      "2",
    ];
    const r = await runCli([...args, "--json"], { env });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.comparisonId).toBe(1);
    expect(out.runs.map((run: { schedule: string; seed: number }) => [run.schedule, run.seed])).toEqual([
      ["constant", 0],
      ["constant", 1],
      ["multistep(milestones=[2,3,4], gamma=0.2)", 0],
      ["multistep(milestones=[2,3,4], gamma=0.2)", 1],
      ["batchramp(batchSize=16, milestones=[2,3,4])", 0],
      ["batchramp(batchSize=16, milestones=[2,3,4])", 1],
    ]);
    const [, , step, , ramp] = out.runs;
    expect(ramp.updates).toBeLessThan(step.updates); // same epochs, fewer updates
    expect(ramp.epochs).toBe(step.epochs);
    const shown = JSON.parse((await runCli(["compare", "--show", "1", "--json"], { env })).stdout);
    expect(shown.runs.map((run: { final: unknown }) => run.final)).toEqual(
      out.runs.map((run: { final: unknown }) => run.final),
    );
    const text = (await runCli(["compare", "--show", "1"], { env })).stdout;
    expect(text).toContain(
      "comparison 1: softmax on blobs(n=1000), sgd(momentum=0.9); lr 0.1, batch 16, factor 5 at epochs [2, 3, 4] of 5",
    );
    expect(text).toMatch(
      /batchramp\(batchSize=16, milestones=\[2,3,4\]\)\s+2\s+[\d.]+ ± [\d.]+\s+\d+\.\d\d% ± \d+\.\d\d/,
    );
    const [header, , control, stepRow] = text.split("\n").slice(2);
    expect(header).toMatch(
      /schedule\s+seeds\s+train loss\s+final test acc.*on 8 x v100-nvlink\s+vs step\s+status/,
    );
    expect(control).toMatch(/^constant\s+2\s/);
    expect(stepRow).toMatch(/\s1\.00x\s+completed$/);
    for (const title of [
      "test loss vs epoch",
      "test loss vs parameter updates",
      "lr vs epoch",
      "batch size vs epoch",
    ])
      expect(text).toContain(title);
    // Piped: no colour, yet each schedule has its own marker, the seeds are averaged and said so,
    // and the loss vs updates chart is not the loss vs epoch chart (batchramp makes fewer updates).
    expect(text).not.toContain("\x1b[");
    expect(text).toContain("● constant");
    expect(text).toContain("■ multistep(milestones=[2,3,4], gamma=0.2)");
    expect(text).toContain("▲ batchramp(batchSize=16, milestones=[2,3,4])");
    expect(text).toContain("test loss vs epoch — mean of 2 seeds per schedule");
    expect(text).toMatch(/final \d\.\d+ ± \d/);
    const chart = (title: string) => {
      const start = text.indexOf(`${title}${" — mean of 2 seeds per schedule"}`);
      const block = text.slice(start).split("\n\n")[0]!;
      return block.split("\n").filter((line) => line.includes("┤"));
    };
    const byEpoch = chart("test loss vs epoch");
    const byUpdates = chart("test loss vs parameter updates");
    expect(byEpoch.length).toBeGreaterThan(5);
    expect(byUpdates).not.toEqual(byEpoch);
    const colored = await runCli(["compare", "--show", "1"], { env: { ...env, FORCE_COLOR: "1" } });
    expect(colored.stdout).toContain("\x1b[36m●");
    const wide = await runCli(["compare", "--show", "1"], { env: { ...env, COLUMNS: "140" } });
    expect(
      Math.max(
        ...wide.stdout
          .split("\n")
          .filter((l) => l.includes("└"))
          .map((l) => l.length),
      ),
    ).toBe(140);
  });

  it("refuses a bad schedule list before training or recording anything", async () => {
    const env = { LRSIM_DB: join(mkdtempSync(join(tmpdir(), "lrsim-compare-")), "results.db") };
    const r = await runCli(["compare", "--schedules", "step,stpe", "--dataset", "blobs"], { env });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toContain('unknown schedule "stpe" (did you mean "step"?)');
    expect((await runCli(["runs"], { env })).stderr).toContain("no results database");
    const adagrad = await runCli(
      ["compare", "--schedules", "step,onecycle", "--dataset", "blobs", "--optimizer", "adagrad"],
      { env },
    );
    expect(adagrad.stderr.trim()).toContain("onecycle: cycles momentum, but adagrad has none to cycle");
  });

  it("refuses a run too short for distinct milestones, in one line, before training", async () => {
    const env = { LRSIM_DB: join(mkdtempSync(join(tmpdir(), "lrsim-compare-")), "results.db") };
    const r = await runCli(["compare", "--epochs", "3", "--dataset", "blobs"], { env });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n")).toEqual([
      "lrsim: a run of length 3 cannot hold 3 distinct milestones at 30/60/80% of it; make it at least 4 long (--epochs, --steps), or give milestones=[...]",
    ]);
    expect((await runCli(["runs"], { env })).stderr).toContain("no results database");
  });

  it("simulates the same cluster time on a second run and any worker count; --cluster changes it", async () => {
    const env = { LRSIM_DB: join(mkdtempSync(join(tmpdir(), "lrsim-compare-")), "results.db") };
    const args = ["compare", "--schedules", "step,batchramp", "--no-control", "--model", "softmax"];
    const data = ["--dataset", "blobs(n=600)", "--epochs", "5", "--batch-size", "16", "--json"];
    const times = async (extra: string[]) => {
      const r = await runCli([...args, ...data, ...extra], { env });
      expect(r.code).toBe(0);
      return JSON.parse(r.stdout).runs.map((run: { clusterMs: number; cluster: string; devices: number }) => [
        run.clusterMs,
        run.cluster,
        run.devices,
      ]);
    };
    const first = await times(["--workers", "2"]);
    expect(await times(["--workers", "0"])).toEqual(first);
    expect(first.map((t: unknown[]) => t.slice(1))).toEqual([
      ["v100-nvlink", 8],
      ["v100-nvlink", 8],
    ]);
    expect(first[1][0]).toBeLessThan(first[0][0]); // fewer updates, fewer all-reduces
    const slow = await times(["--workers", "0", "--cluster", "devices=64, preset=cpu-10gbe"]);
    expect(slow.map((t: unknown[]) => t.slice(1))).toEqual([
      ["cpu-10gbe", 64],
      ["cpu-10gbe", 64],
    ]);
    expect(slow[0][0]).toBeGreaterThan(first[0][0]);
    const bad = await runCli([...args, ...data, "--cluster", "devices=64, preset=tpu"], { env });
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toContain('--cluster must be "devices=K, preset=NAME"');
  });
});
