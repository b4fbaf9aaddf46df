import { createCatalog } from "@lrsim/builtins";
import {
  defineSchedule,
  localBackend,
  type RunOptions,
  type StepRecord,
  Trainer,
  type TrainingBackend,
} from "@lrsim/core";
import { describe, expect, it } from "vitest";

const lineFit: RunOptions = {
  schedule: "constant(lr=0.02)",
  model: "linear",
  dataset: "line",
  batchSize: 80,
  epochs: 1500,
};

/** Runs a trainer and keeps the backend, so a test can look at the trained parameters. */
async function trainKeepingParams(options: RunOptions) {
  let backend: TrainingBackend | undefined;
  const trainer = new Trainer(createCatalog(), async (plan) => (backend = await localBackend(plan)));
  const result = await trainer.run(options);
  return { result, params: Array.from(backend!.params) };
}

describe("the trainer", () => {
  it("recovers w = 2.5 from the Learning Rate Finder article's line (linear regression, full-batch gradient descent)", async () => {
    const { result, params } = await trainKeepingParams(lineFit);
    expect(result.status).toBe("completed");
    const [w, b] = params;
    expect(w).toBeCloseTo(2.5, 2);
    expect(Math.abs(b!)).toBeLessThan(0.05);
    expect(result.final?.testLoss).toBeLessThan(1e-3);
    expect(result.final?.testAccuracy).toBeNull();
  });

  it("is deterministic: same seed, same history bit for bit; another seed differs", async () => {
    const options: RunOptions = {
      schedule: "onecycle(maxLr=0.5)",
      model: "mlp(hidden=[16])",
      dataset: "spirals(n=600)",
      batchSize: 32,
      epochs: 3,
      seed: 4,
    };
    const a = await new Trainer(createCatalog()).run(options);
    const b = await new Trainer(createCatalog()).run(options);
    const strip = (r: typeof a) =>
      JSON.stringify(r.history.map(({ wallMs: _w, clusterMs: _c, ...rest }) => rest));
    expect(strip(a)).toBe(strip(b));
    const c = await new Trainer(createCatalog()).run({ ...options, seed: 5 });
    expect(strip(c)).not.toBe(strip(a));
  });

  it("learns spirals with an MLP (a non-linear problem)", async () => {
    const r = await new Trainer(createCatalog()).run({
      schedule: "onecycle(maxLr=0.5)",
      model: "mlp(hidden=[32,32], activation=tanh)",
      dataset: "spirals",
      batchSize: 32,
      epochs: 30,
    });
    expect(r.final?.testAccuracy).toBeGreaterThan(0.9);
  });

  it("honours the schedule's batch size: a ramp changes the number of updates per epoch", async () => {
    const trainer = new Trainer(createCatalog());
    const steps: StepRecord[] = [];
    trainer.on("stepEnd", (s) => steps.push(s));
    const r = await trainer.run({
      schedule: "batchramp(lr=0.1, batchSize=100, factor=5, milestones=[1])",
      model: "softmax",
      dataset: "blobs(n=1000)",
      epochs: 2,
    });
    // 800 training samples: epoch 0 in 8 batches of 100, epoch 1 in 500 + a last partial batch of 300.
    expect(steps.map((s) => s.batchSize)).toEqual([100, 100, 100, 100, 100, 100, 100, 100, 500, 500]);
    expect(r.updates).toBe(10);
    expect(r.samples).toBe(1600);
    expect(r.history.map((h) => h.updates)).toEqual([0, 8, 10]);
    expect(steps.at(-1)!.epoch).toBe(2);
  });

  it("caps a batch larger than the training set at the training set (one full-batch update per epoch)", async () => {
    const r = await new Trainer(createCatalog()).run({
      schedule: "constant(lr=0.01)",
      model: "linear",
      dataset: "line",
      batchSize: 5000,
      epochs: 3,
    });
    expect(r.updates).toBe(3);
    expect(r.history.at(-1)!.batchSize).toBe(80);
  });

  it("gives onecycle without totalSteps the run's length in updates", async () => {
    const r = await new Trainer(createCatalog()).run({
      schedule: "onecycle(maxLr=0.1)",
      model: "softmax",
      dataset: "blobs(n=1000)",
      batchSize: 64,
      epochs: 3,
    });
    expect(r.schedule).toBe("onecycle(totalSteps=39)"); // 3 epochs x ceil(800 / 64)
    expect(r.updates).toBe(39);
  });

  it("drives momentum from the schedule (SGD momentum as PyTorch's OneCycleLR does)", async () => {
    const trainer = new Trainer(createCatalog());
    const momenta: (number | undefined)[] = [];
    trainer.on("stepEnd", (s) => momenta.push(s.momentum));
    await trainer.run({
      schedule: "onecycle(maxLr=0.1, totalSteps=10)",
      model: "softmax",
      dataset: "blobs(n=100)",
      batchSize: 8,
      epochs: 1,
    });
    expect(momenta[0]).toBe(0.95);
    expect(Math.min(...(momenta as number[]))).toBeCloseTo(0.85, 10);
  });

  it("feeds plateau the test loss after every epoch", async () => {
    const catalog = createCatalog();
    const seen: Array<[number, number]> = [];
    catalog.register(
      "schedule",
      defineSchedule({
        name: "spy",
        summary: "Records the metrics it is fed.",
        unit: "epoch",
        params: {},
        create: () => ({ at: () => ({ lr: 0.05 }), observe: (t, metric) => seen.push([t, metric]) }),
      }) as never,
    );
    const r = await new Trainer(catalog).run({
      schedule: "spy",
      model: "softmax",
      dataset: "blobs(n=200)",
      epochs: 3,
    });
    expect(seen.map(([t]) => t)).toEqual([0, 1, 2]);
    expect(seen.map(([, m]) => m)).toEqual(r.history.slice(1).map((h) => h.testLoss));
  });

  it("ends a diverging run with status diverged, not an exception", async () => {
    const r = await new Trainer(createCatalog()).run({ ...lineFit, schedule: "constant(lr=5)", epochs: 50 });
    expect(r.status).toBe("diverged");
    expect(r.error).toMatch(/training loss/);
    expect(r.history.length).toBeGreaterThan(0);
  });

  it("emits runStart, epoch 0, steps, epochs and runEnd in order", async () => {
    const trainer = new Trainer(createCatalog());
    const events: string[] = [];
    trainer.on("runStart", () => events.push("runStart"));
    trainer.on("stepEnd", () => events.push("step"));
    trainer.on("epochEnd", (e) => events.push(`epoch${e.epoch}`));
    trainer.on("runEnd", (r) => events.push(`runEnd:${r.status}`));
    await trainer.run({
      schedule: "constant(lr=0.01)",
      model: "linear",
      dataset: "line",
      batchSize: 40,
      epochs: 2,
    });
    expect(events).toEqual([
      "runStart",
      "epoch0",
      "step",
      "step",
      "epoch1",
      "step",
      "step",
      "epoch2",
      "runEnd:completed",
    ]);
  });

  it("stops between updates when interrupted", async () => {
    const controller = new AbortController();
    const trainer = new Trainer(createCatalog());
    trainer.on("stepEnd", (s) => {
      if (s.step === 5) controller.abort();
    });
    const r = await trainer.run(
      { schedule: "constant(lr=0.01)", model: "linear", dataset: "line", batchSize: 10, epochs: 5 },
      controller.signal,
    );
    expect(r.status).toBe("interrupted");
    expect(r.updates).toBe(5);
  });

  it.each([
    [
      { model: "softmax", dataset: "line" },
      "softmax: cannot learn line's regression task (it supports classification)",
    ],
    [{ model: "linear", dataset: "blobs" }, "linear: cannot learn blobs's classification task"],
    [
      { model: "mlp", dataset: "blobs", schedule: "onecycle(maxLr=0.1)", optimizer: "adagrad" },
      "onecycle: cycles momentum, but adagrad has none to cycle",
    ],
    [{ model: "mlpp", dataset: "blobs" }, 'unknown model "mlpp" (did you mean "mlp"?)'],
    [{ model: "mlp(hidden=[0])", dataset: "blobs" }, "mlp: hidden must be an integer >= 1, got 0"],
    [
      { model: "mlp", dataset: "mnist(train=9000, test=2000)" },
      'dataset "mnist" failed in load: train + test must be at most 10000, got 11000',
    ],
    [
      { model: "mlp", dataset: "blobs", optimizer: "sgd(momentum=2)" },
      "sgd: momentum must be a non-negative number <= 1, got 2",
    ],
    [{ model: "mlp", dataset: "blobs", epochs: 0 }, "epochs must be an integer >= 1, got 0"],
  ])("refuses %j before training: %s", async (options, message) => {
    await expect(new Trainer(createCatalog()).run(options as RunOptions)).rejects.toThrow(message);
  });
});
