import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { threadId } from "node:worker_threads";
import { createCatalog } from "@lrsim/builtins";
import { localBackend, planRun, resolveRunConfig, type TrainingBackend } from "@lrsim/core";
import { afterAll, describe, expect, it } from "vitest";
import { ChunkSlots, chunkStateLayout, forEachSlotRun, initChunkState } from "../src/backups.ts";
import { GradientPool, type PoolBackend } from "../src/index.ts";

const fixtures = fileURLToPath(new URL("./fixtures/", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "lrsim-backup-"));
const pool = new GradientPool({ workers: 2 });
afterAll(async () => {
  await pool.close();
  rmSync(dir, { recursive: true, force: true });
});

/** `count` workers' views of a fresh chunk-state block with `slots` chunk slots. */
function workers(count: number, slots: number): ChunkSlots[] {
  const state = new Int32Array(chunkStateLayout(slots, count).length);
  initChunkState(state, slots, count);
  const claimedAt = new Float64Array(slots);
  return Array.from({ length: count }, (_, w) => new ChunkSlots(state, claimedAt, slots, count, w));
}
const twoWorkers = (slots: number) => workers(2, slots) as [ChunkSlots, ChunkSlots];
const FAR_FUTURE = Number.MAX_VALUE;

describe("backup chunks' slots", () => {
  it("a primary that publishes first keeps its slot; a backup that loses keeps its spare", () => {
    const [a, b] = twoWorkers(3);
    expect(a.beginPrimary(1, 7)).toBe(1);
    const spare = b.beginBackup(1, 7, FAR_FUTURE);
    expect(spare).toBe(4); // worker 1's spare: slots + 1
    expect(b.beginBackup(1, 7, FAR_FUTURE), "one backup per chunk and command").toBe(-1);
    expect(a.publish(1, 7, 1)).toBe(true);
    expect(b.publish(1, 7, spare)).toBe(false);
    expect(a.slotOf(1)).toBe(1);
    expect(a.published(1, 7)).toBe(true);
  });

  it("a backup that publishes first swaps its spare in; the late primary's slot is fenced off until it is done", () => {
    const [a, b] = twoWorkers(2);
    expect(a.beginPrimary(0, 5)).toBe(0);
    const spare = b.beginBackup(0, 5, FAR_FUTURE);
    expect(b.publish(0, 5, spare)).toBe(true);
    expect(a.slotOf(0)).toBe(spare);
    // Worker 1's spare is now slot 0, which worker 0 is still writing: no backup into it.
    expect(b.beginPrimary(1, 5)).toBe(1);
    expect(a.publish(0, 5, 0), "the late primary loses").toBe(false);
    // A stale primary of an older command cannot publish over a newer one either.
    expect(a.publish(0, 4, 0)).toBe(false);
    expect(a.beginPrimary(1, 6)).toBe(1);
    expect(b.beginBackup(1, 6, FAR_FUTURE), "slot 0 is no longer announced: the backup may use it").toBe(0);
  });

  it("refuses a backup into a spare another worker is still writing", () => {
    const [a, b, c] = workers(3, 2) as [ChunkSlots, ChunkSlots, ChunkSlots];
    expect(a.beginPrimary(0, 1)).toBe(0);
    const spare = b.beginBackup(0, 1, FAR_FUTURE);
    expect(b.publish(0, 1, spare)).toBe(true);
    // Worker 1's spare is now slot 0, which worker 0, late, is still writing. In the next
    // command worker 2 claims chunk 1 and is late too: worker 1 may not back it up into slot 0.
    expect(c.beginPrimary(1, 2)).toBe(1);
    expect(b.beginBackup(1, 2, FAR_FUTURE)).toBe(-1);
    expect(a.publish(0, 1, 0)).toBe(false); // worker 0 is done with slot 0, and loses
    expect(b.beginBackup(1, 2, FAR_FUTURE)).toBe(0);
  });

  it("backs up only chunks claimed before the overdue time, and wraps generations", () => {
    const [a, b] = twoWorkers(1);
    const generation = 2 ** 31 - 1;
    a.beginPrimary(0, generation);
    expect(b.beginBackup(0, generation, 0), "claimed after the epoch's start: not overdue").toBe(-1);
    const wrapped = (generation + 1) | 0;
    expect(a.publish(0, generation, 0)).toBe(true);
    a.beginPrimary(0, wrapped);
    expect(a.published(0, wrapped)).toBe(false);
    expect(b.beginBackup(0, wrapped, FAR_FUTURE)).toBeGreaterThan(0);
    expect(a.publish(0, wrapped, 0)).toBe(true);
    expect(a.publish(0, generation, 0), "the older command, across the wrap").toBe(false);
  });

  it("splits the reduction into stretches of consecutive slots, in chunk order", () => {
    const runs: number[][] = [];
    const table = [0, 1, 5, 3, 4, 2];
    forEachSlotRun(
      6,
      (c) => table[c]!,
      (first, slot, count) => runs.push([first, slot, count]),
    );
    expect(runs).toEqual([
      [0, 0, 2],
      [2, 5, 1],
      [3, 3, 2],
      [5, 2, 1],
    ]);
  });
});

async function steps(backend: TrainingBackend, count: number, batch: number): Promise<void> {
  const n = backend.dataset.train.size;
  const order = Int32Array.from({ length: n }, (_, i) => (i * 7) % n);
  for (let k = 1; k <= count; k++) {
    const at = ((k - 1) * batch) % (n - batch);
    await backend.step(order, at, at + batch, { lr: 0.05, momentum: 0.9, step: k });
  }
}

describe("a worker that stalls in the middle of a chunk", () => {
  it("is backed up by the other, and its late writes reach no sum: the run is the in-process run, bit for bit", async () => {
    const plan = await planRun(
      resolveRunConfig({
        model: `./stalling-model.js(hidden=[12], main=${threadId}, pauseMs=15, every=2)`,
        dataset: "blobs(n=600, classes=3, features=6)",
        optimizer: "sgd(momentum=0.9)",
        schedule: "constant(lr=0.05)",
        batchSize: 64,
        chunkSize: 16,
        noiseScale: true,
      }),
      createCatalog(fixtures),
    );
    const pooled = (await pool.backend(plan)) as PoolBackend;
    const local = await localBackend(plan);
    try {
      await steps(pooled, 40, 64);
      await steps(local, 40, 64);
      expect(Array.from(pooled.params)).toEqual(Array.from(local.params));
      // Every other chunk gradient in a worker sleeps 15 ms; the other worker backed many up.
      expect(pooled.phaseTimes().backups).toBeGreaterThan(5);
    } finally {
      await pooled.close();
      await local.close();
    }
  });
});
