import { describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.ts";

describe("lrsim run", () => {
  it("--json prints the run object", async () => {
    const r = await runCli([
      "run",
      "--schedule",
      "constant(lr=0.02)",
      "--model",
      "linear",
      "--dataset",
      "line",
      "--batch-size",
      "80",
      "--epochs",
      "3",
      "--json",
    ]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(
      expect.arrayContaining([
        "status",
        "schedule",
        "model",
        "dataset",
        "epochs",
        "updates",
        "samples",
        "wallMs",
        "final",
        "history",
      ]),
    );
    expect(out).toMatchObject({
      status: "completed",
      schedule: "constant(lr=0.02)",
      model: "linear",
      dataset: "line",
      epochs: 3,
      updates: 3,
      samples: 240,
    });
    expect(out.final.testAccuracy).toBeNull();
    expect(out.history).toHaveLength(4);
    expect(out.history[0]).toMatchObject({ epoch: 0, updates: 0, lr: 0.02, batchSize: 80 });
  });

  it("prints the learning curve and a verdict", async () => {
    const r = await runCli([
      "run",
      "--schedule",
      "onecycle(maxLr=0.5)",
      "--model",
      "mlp(hidden=[16])",
      "--dataset",
      "blobs",
      "--epochs",
      "2",
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      "schedule onecycle(maxLr=0.5, totalSteps=14)  model mlp(hidden=[16])  dataset blobs  optimizer sgd",
    );
    expect(r.stdout).toMatch(/test acc/);
    expect(r.stdout).toMatch(/^completed: 14 updates, 1600 samples/m);
  });

  it("refuses a model that cannot learn the dataset, in one line", async () => {
    const r = await runCli(["run", "--model", "softmax", "--dataset", "line"]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      "lrsim: softmax: cannot learn line's regression task (it supports classification)",
    );
  });
});

describe("lrsim plugins", () => {
  it("lists models, datasets, optimizers and schedules with their options", async () => {
    const r = await runCli(["plugins"]);
    for (const heading of ["models", "datasets", "optimizers", "schedules"])
      expect(r.stdout).toMatch(new RegExp(`^${heading}$`, "m"));
    expect(r.stdout).toContain("mlp(hidden=[128], activation=relu, kernel=auto)");
    expect(r.stdout).toContain("mnist(train=8000, test=2000, seed=0, labelNoise=0)");
    expect(r.stdout).toContain("sgd(momentum=0, dampening=0, weightDecay=0, nesterov=false)");
    const json = JSON.parse((await runCli(["plugins", "--json"])).stdout);
    expect(json.map((k: { kind: string }) => k.kind)).toEqual(["model", "dataset", "optimizer", "schedule"]);
  });
});
