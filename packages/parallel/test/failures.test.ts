import { fileURLToPath } from "node:url";
import { createCatalog } from "@lrsim/builtins";
import { isLrsimError, planRun, resolveRunConfig, Trainer } from "@lrsim/core";
import { afterAll, describe, expect, it } from "vitest";
import { GradientPool } from "../src/index.ts";

const fixtures = fileURLToPath(new URL("../../core/test/fixtures/plugins/", import.meta.url));
const pool = new GradientPool({ workers: 2 });
afterAll(() => pool.close());

const healthyRun = {
  schedule: "constant(lr=0.1)",
  model: "softmax",
  dataset: "blobs(n=400)",
  batchSize: 64,
  epochs: 2,
} as const;

describe("failures inside workers", () => {
  it("an error thrown in a worker arrives in the main thread as an LrsimError with its code", async () => {
    const plan = await planRun(
      resolveRunConfig({ model: "./sample-zero-model.js", dataset: "blobs(n=400)", batchSize: 64 }),
      createCatalog(fixtures),
    );
    const backend = await pool.backend(plan);
    try {
      const order = Int32Array.from({ length: plan.dataset.data.train.size }, (_, i) => i); // sample 0 first
      const error = await backend.step(order, 0, 64, { lr: 0.1, momentum: undefined, step: 1 }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isLrsimError(error)).toBe(true);
      expect(error).toMatchObject({
        code: "HOOK_FAILED",
        message: 'model "./sample-zero-model.js" failed in gradient: sample 0 is poison',
      });
    } finally {
      await backend.close();
    }
  });

  it("a plugin that throws in a worker fails its run with the plugin's message; the next run goes on", async () => {
    const trainer = new Trainer(createCatalog(fixtures), pool.backend);
    const failed = await trainer.run({
      model: "./throwing-model.js",
      dataset: "blobs(n=400)",
      batchSize: 64,
      epochs: 2,
    });
    expect(failed.status).toBe("failed");
    expect(failed.error).toBe('model "./throwing-model.js" failed in gradient: numerical trouble in layer 2');
    const next = await new Trainer(createCatalog(), pool.backend).run(healthyRun);
    expect(next.status).toBe("completed");
  });

  it("a worker that dies fails its run with a clear message; the pool replaces it and the next run goes on", async () => {
    const failed = await new Trainer(createCatalog(fixtures), pool.backend).run({
      model: "./dying-model.js",
      dataset: "blobs(n=400)",
      batchSize: 64,
      epochs: 2,
    });
    expect(failed.status).toBe("failed");
    expect(failed.error).toMatch(
      /^a worker thread exited \(code 3\) while computing gradients for model "\.\/dying-model\.js"; the pool replaced it$/,
    );
    const reference = await new Trainer(createCatalog(), new GradientPool({ workers: 0 }).backend).run(
      healthyRun,
    );
    const next = await new Trainer(createCatalog(), pool.backend).run(healthyRun);
    expect(next.status).toBe("completed");
    expect(next.final).toEqual(reference.final);
  });

  it("a failure inside a fused step (many chunks, workers meeting at a barrier) fails the run promptly", async () => {
    const started = performance.now();
    const failed = await new Trainer(createCatalog(fixtures), pool.backend).run({
      model: "./sample-zero-model.js",
      dataset: "blobs(n=400)",
      batchSize: 160,
      chunkSize: 8, // 20 chunks: one fused task per worker, meeting at the barrier
      epochs: 2,
    });
    expect(failed.status).toBe("failed");
    expect(failed.error).toBe('model "./sample-zero-model.js" failed in gradient: sample 0 is poison');
    expect(failed.updates).toBeLessThan(2); // sample 0 is in one of the first epoch's two batches
    expect(performance.now() - started).toBeLessThan(10_000);
    expect((await new Trainer(createCatalog(), pool.backend).run(healthyRun)).status).toBe("completed");
  });
});

describe("sharing one pool", () => {
  it("two runs started at once on the same pool take turns and give their sequential results", async () => {
    const other = { ...healthyRun, schedule: "step(lr=0.2, stepSize=1)", epochs: 3 } as const;
    const [a, b] = await Promise.all([
      new Trainer(createCatalog(), pool.backend).run(healthyRun),
      new Trainer(createCatalog(), pool.backend).run(other),
    ]);
    const local = new GradientPool({ workers: 0 });
    expect(a.final).toEqual((await new Trainer(createCatalog(), local.backend).run(healthyRun)).final);
    expect(b.final).toEqual((await new Trainer(createCatalog(), local.backend).run(other)).final);
    expect([a.status, b.status]).toEqual(["completed", "completed"]);
  });
});
