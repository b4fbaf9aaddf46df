import { createCatalog } from "@lrsim/builtins";
import { planRun, resolveRunConfig } from "@lrsim/core";
import { afterAll, describe, expect, it, vi } from "vitest";
import { GradientPool } from "../src/index.ts";
import { CONTROL } from "../src/protocol.ts";

const pool = new GradientPool({ workers: 2 });
afterAll(() => pool.close());

/** Steps of two chunks of 4 on two workers: both take part in every step, as in `pnpm bench`'s fixed cost. */
async function twoChunkBackend() {
  const config = {
    model: "linear",
    dataset: "line",
    schedule: "constant(lr=0.001)",
    batchSize: 8,
    chunkSize: 4,
  };
  return pool.backend(await planRun(resolveRunConfig(config), createCatalog()));
}

describe("the main thread's wait for a step", () => {
  it("never arms a timeout: each would linger in Node's platform until it expires, and their expiry stalls the event loop", async () => {
    const backend = await twoChunkBackend();
    const waitAsync = vi.spyOn(Atomics, "waitAsync");
    try {
      const order = Int32Array.from({ length: backend.dataset.train.size }, (_, i) => i);
      for (let step = 1; step <= 200; step++)
        await backend.step(order, 0, 8, { lr: 0.001, momentum: undefined, step });
      // The workers are still computing when the main thread first looks, so it waits at least once.
      expect(waitAsync).toHaveBeenCalled();
      const timeouts = waitAsync.mock.calls.map((call) => call[3]).filter((t) => t !== undefined);
      expect(timeouts).toEqual([]);
    } finally {
      waitAsync.mockRestore();
      await backend.close();
    }
  });

  it("sees steps end across the 32-bit wrap of the command generation", async () => {
    const backend = await twoChunkBackend();
    try {
      // Three commands before the int32 counter wraps: a main thread that compared the done
      // word with 2^31 instead of -2^31 would wait forever at the fourth (the test times out).
      const { control } = backend as unknown as { control: Int32Array };
      Atomics.store(control, CONTROL.generation, 2 ** 31 - 4);
      const order = Int32Array.from({ length: backend.dataset.train.size }, (_, i) => i);
      for (let step = 1; step <= 8; step++)
        await backend.step(order, 0, 8, { lr: 0.001, momentum: undefined, step });
      expect(Atomics.load(control, CONTROL.generation)).toBeLessThan(0);
    } finally {
      await backend.close();
    }
  }, 20_000);
});
