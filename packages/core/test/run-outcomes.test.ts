import { fileURLToPath } from "node:url";
import { createCatalog } from "@lrsim/builtins";
import { localBackend, type RunOptions, Trainer, type TrainerEvents } from "@lrsim/core";
import { describe, expect, it } from "vitest";

const fixtures = fileURLToPath(new URL("./fixtures/plugins/", import.meta.url));
const small: RunOptions = {
  schedule: "constant(lr=0.1)",
  model: "softmax",
  dataset: "blobs(n=400)",
  batchSize: 64,
  epochs: 2,
};

describe("how a run ends", () => {
  it("a plugin's error fails the run: the failed result carries the error and its last evaluation", async () => {
    const r = await new Trainer(createCatalog(fixtures)).run({ ...small, model: "./throwing-model.js" });
    expect(r.status).toBe("failed");
    if (r.status !== "failed") return;
    expect(r.error).toBe('model "./throwing-model.js" failed in gradient: numerical trouble in layer 2');
    expect(r.final).toEqual({
      trainLoss: r.history[0]!.trainLoss,
      testLoss: r.history[0]!.testLoss,
      testAccuracy: r.history[0]!.testAccuracy,
    });
  });

  it("an optimizer's error fails the run too, naming the optimizer and its hook", async () => {
    const r = await new Trainer(createCatalog(fixtures)).run({
      ...small,
      optimizer: "./throwing-optimizer.js",
    });
    expect(r.status).toBe("failed");
    if (r.status !== "failed") return;
    expect(r.error).toBe('optimizer "./throwing-optimizer.js" failed in step: state went missing');
  });

  it("a bug in a backend (a TypeError) is not a failed run: run() rejects with it and no runEnd fires", async () => {
    const trainer = new Trainer(createCatalog(), async (plan) => {
      const backend = await localBackend(plan);
      let steps = 0;
      return {
        params: backend.params,
        threads: backend.threads,
        dataset: backend.dataset,
        evaluate: (split) => backend.evaluate(split),
        close: () => backend.close(),
        step: (...args) => {
          if (++steps === 3) throw new TypeError("Cannot read properties of undefined (reading 'lr')");
          return backend.step(...args);
        },
      };
    });
    const ends: unknown[] = [];
    trainer.on("runEnd", (r) => ends.push(r));
    await expect(trainer.run(small)).rejects.toThrow(TypeError);
    expect(ends).toEqual([]);
  });

  it("a listener that throws does not fail the run: it is reported and training goes on, bit for bit", async () => {
    const reference = await new Trainer(createCatalog()).run(small);
    const trainer = new Trainer(createCatalog());
    const reported: Array<Parameters<TrainerEvents["listenerError"]>[0]> = [];
    let calls = 0;
    trainer.on("stepEnd", () => {
      calls++;
      throw new Error("the progress bar broke");
    });
    trainer.on("listenerError", (info) => reported.push(info));
    const r = await trainer.run(small);
    expect(r.status).toBe("completed");
    expect(r.final).toEqual(reference.final);
    expect(r.updates).toBe(reference.updates);
    expect(calls).toBe(r.updates);
    expect(reported).toHaveLength(r.updates);
    expect(reported[0]!.event).toBe("stepEnd");
    expect((reported[0]!.error as Error).message).toBe("the progress bar broke");
  });

  it("an observer that throws ends the run: run() rejects with its error (a database failing mid-run)", async () => {
    const trainer = new Trainer(createCatalog());
    const disk = new Error("SQLITE_FULL: database or disk is full");
    let epochs = 0;
    trainer.observe({
      epochEnd: () => {
        if (++epochs === 2) throw disk;
      },
    });
    await expect(trainer.run(small)).rejects.toBe(disk);
    expect(epochs).toBe(2);
  });
});
