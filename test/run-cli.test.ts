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

  it("--lr sets the schedule's lr (maxLr for onecycle), the spec wins, and --json carries the run id", async () => {
    const base = ["run", "--model", "linear", "--dataset", "line", "--batch-size", "10", "--epochs", "2"];
    const constant = JSON.parse((await runCli([...base, "--lr", "0.005", "--json"])).stdout);
    expect(constant.schedule).toBe("constant(lr=0.005)");
    expect(constant.history[1].lr).toBe(0.005);
    expect(Number.isInteger(constant.runId)).toBe(true);
    const cycle = JSON.parse(
      (await runCli([...base, "--schedule", "onecycle", "--lr", "0.2", "--json"])).stdout,
    );
    expect(cycle.schedule).toMatch(/^onecycle\(maxLr=0\.2/);
    const given = JSON.parse(
      (await runCli([...base, "--schedule", "constant(lr=0.001)", "--lr", "0.2", "--json"])).stdout,
    );
    expect(given.schedule).toBe("constant(lr=0.001)");
    expect(given.runId).toBe(cycle.runId + 1);
    const bad = await runCli([...base, "--lr", "0"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe("lrsim: --lr must be a positive number, got 0\n");
    const text = await runCli([...base, "--lr", "0.005"]);
    expect(text.stdout).toMatch(
      new RegExp(`^recorded as run ${given.runId + 1} \\(lrsim runs show ${given.runId + 1}\\)$`, "m"),
    );
  });

  it("thins a long learning curve like lrsim schedule, --all prints every row", async () => {
    const base = [
      "run",
      "--model",
      "linear",
      "--dataset",
      "line",
      "--batch-size",
      "80",
      "--epochs",
      "120",
      "--lr",
      "0.01",
    ];
    const thinned = (await runCli(base)).stdout;
    const rows = (out: string) => out.split("\n").filter((l) => /^\s+\d+\s+\d+\s/.test(l)).length;
    expect(rows(thinned)).toBeLessThanOrEqual(42);
    expect(thinned).toContain("(every 4th evaluation of 121 and the last; --all prints every one)");
    expect(thinned).toMatch(/^\s+120\s+120\s/m); // the last epoch is always there
    expect(rows((await runCli([...base, "--all"])).stdout)).toBe(121);
  });

  it("--clip-grad-norm clips every update (a tiny norm barely moves the line fit) and refuses a norm <= 0", async () => {
    const trainLoss = async (...extra: string[]) => {
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
        ...extra,
      ]);
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout).final.trainLoss as number;
    };
    const [free, loose, tight] = [
      await trainLoss(),
      await trainLoss("--clip-grad-norm", "1e9"),
      await trainLoss("--clip-grad-norm", "0.001"),
    ];
    expect(loose).toBe(free);
    expect(tight).toBeGreaterThan(free * 1.5);
    // The summary says so: its header line, and clipGradNorm in --json only when set.
    const shown = await runCli([
      "run",
      "--model",
      "linear",
      "--dataset",
      "line",
      "--epochs",
      "1",
      "--clip-grad-norm",
      "0.5",
    ]);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout.split("\n")[0]).toMatch(/optimizer \S+ {2}gradient norm clipped to 0\.5$/);
    const json = async (...extra: string[]) =>
      JSON.parse(
        (await runCli(["run", "--model", "linear", "--dataset", "line", "--epochs", "1", "--json", ...extra]))
          .stdout,
      );
    expect((await json("--clip-grad-norm", "0.5")).clipGradNorm).toBe(0.5);
    expect(await json()).not.toHaveProperty("clipGradNorm");
    const bad = await runCli(["run", "--model", "linear", "--dataset", "line", "--clip-grad-norm", "0"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toBe("lrsim: --clip-grad-norm must be a finite number > 0, got 0");
  });

  it("refuses a model that cannot learn the dataset, in one line", async () => {
    const r = await runCli(["run", "--model", "softmax", "--dataset", "line"]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      "lrsim: softmax: cannot learn line's regression task (it supports classification)",
    );
  });

  it("refuses a cnn layer that is misspelt, or that does not fit the data, in one line", async () => {
    const misspelt = await runCli(["run", "--model", "cnn(layers=[conb(8, 3), relu])", "--dataset", "mnist"]);
    expect(misspelt.code).toBe(1);
    expect(misspelt.stderr.trim()).toBe(
      'lrsim: unknown cnn layer "conb" (did you mean "conv"?); known: conv, maxpool, avgpool, flatten, dense, relu, tanh, sigmoid',
    );
    const tabular = await runCli(["run", "--model", "cnn", "--dataset", "blobs"]);
    expect(tabular.code).toBe(1);
    expect(tabular.stderr.trim()).toMatch(
      /^lrsim: model "cnn" failed in create: layer 1 \(conv\) needs image data \(channels x height x width\); this dataset's samples are 2 plain features$/,
    );
  });
});

describe("lrsim plugins", () => {
  it("lists models, datasets, optimizers and schedules with their options", async () => {
    const r = await runCli(["plugins"]);
    for (const heading of ["models", "datasets", "optimizers", "schedules"])
      expect(r.stdout).toMatch(new RegExp(`^${heading}$`, "m"));
    expect(r.stdout).toContain("mlp(hidden=[128], activation=relu, kernel=auto, labelSmoothing=0)");
    expect(r.stdout).toContain(
      "cnn(layers=[conv(6, 5, padding=2), relu, maxpool(2), conv(16, 5), relu, maxpool(2), dense(120), relu, dense(84), relu], kernel=auto, labelSmoothing=0)",
    );
    expect(r.stdout).toContain("mnist(train=8000, test=2000, seed=0, labelNoise=0)");
    expect(r.stdout).toContain("sgd(momentum=0, dampening=0, weightDecay=0, nesterov=false)");
    const json = JSON.parse((await runCli(["plugins", "--json"])).stdout);
    expect(json.map((k: { kind: string }) => k.kind)).toEqual(["model", "dataset", "optimizer", "schedule"]);
  });
});
