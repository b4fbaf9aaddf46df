import { createCatalog } from "@lrsim/builtins";
import { planRun, resolveRunConfig } from "@lrsim/core";
import { afterAll, describe, expect, it } from "vitest";
import { GradientPool, PoolBackend } from "../src/index.ts";

const pool = new GradientPool({ workers: 2 });
afterAll(() => pool.close());

/** `steps` steps of 8 chunks of 16 samples of a small MLP on `workers` of the pool's threads; its phase times. */
async function phasesOf(workers: number, steps: number) {
  const config = {
    model: "mlp(hidden=[32])",
    dataset: "blobs(n=2000, features=20)",
    schedule: "constant(lr=0.01)",
    batchSize: 128,
    chunkSize: 16,
  };
  const backend = await pool.backendOn(workers)(await planRun(resolveRunConfig(config), createCatalog()));
  expect(backend).toBeInstanceOf(PoolBackend);
  try {
    const order = Int32Array.from({ length: backend.dataset.train.size }, (_, i) => i);
    for (let step = 1; step <= steps; step++)
      await backend.step(order, 0, 128, { lr: 0.01, momentum: undefined, step });
    return (backend as PoolBackend).phaseTimes();
  } finally {
    await backend.close();
  }
}

describe("a pool run's phase times", () => {
  it("split each step and say how long workers idled at the ends of the chunk phase", async () => {
    for (const workers of [1, 2]) {
      const p = await phasesOf(workers, 40);
      expect(p.steps, `${workers} workers`).toBe(39); // the first round opens the session
      expect(p.computeMs).toBeGreaterThan(0);
      expect(p.reduceMs).toBeGreaterThan(0);
      expect(p.stepMs).toBeGreaterThanOrEqual(p.computeMs + p.reduceMs);
      // Summed over the workers that computed chunks, within each one's share of the phase.
      for (const idle of [p.startLagMs, p.endWaitMs]) {
        expect(idle).toBeGreaterThanOrEqual(0);
        expect(idle).toBeLessThanOrEqual(workers * p.computeMs);
      }
      // One worker computes every chunk itself: it waits for nobody's after its last.
      if (workers === 1) expect(p.endWaitMs).toBeLessThan(p.computeMs / 2);
    }
  });
});
