import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { threadId } from "node:worker_threads";
import { createCatalog } from "@lrsim/builtins";
import { localBackend, planRun, resolveRunConfig, type TrainingBackend } from "@lrsim/core";
import { afterAll, describe, expect, it } from "vitest";
import { GradientPool } from "../src/index.ts";

const fixtures = fileURLToPath(new URL("./fixtures/", import.meta.url));
const pool = new GradientPool({ workers: 2 });
const dir = mkdtempSync(join(tmpdir(), "lrsim-late-"));
afterAll(async () => {
  await pool.close();
  rmSync(dir, { recursive: true, force: true });
});

async function steps(backend: TrainingBackend, from: number, count: number): Promise<void> {
  const order = Int32Array.from(
    { length: backend.dataset.train.size },
    (_, i) => (i * 7) % backend.dataset.train.size,
  );
  for (let k = from; k < from + count; k++) {
    const at = ((k - 1) * 32) % (backend.dataset.train.size - 32);
    await backend.step(order, at, at + 32, { lr: 0.05, momentum: 0.9, step: k });
  }
}

describe("a worker that has not shown up", () => {
  it("holds up no step: the others claim its chunks and blocks, and the run is the in-process run, bit for bit", async () => {
    const lock = join(dir, "lock");
    const release = join(dir, "release");
    const plan = await planRun(
      resolveRunConfig({
        model: `./late-joining-model.js(hidden=[12], lock="${lock}", release="${release}", main=${threadId})`,
        dataset: "blobs(n=400, classes=3, features=6)",
        optimizer: "sgd(momentum=0.9)",
        schedule: "constant(lr=0.05)",
        batchSize: 32,
        chunkSize: 8,
      }),
      createCatalog(fixtures),
    );
    const pooled = await pool.backend(plan);
    const local = await localBackend(plan);
    try {
      // Four chunks a step, both workers posted every command; one of them sits in `create`.
      // Were any step to wait for it, this would not return before the release below.
      await steps(pooled, 1, 30);
      expect(existsSync(lock)).toBe(true);
      writeFileSync(release, "");
      // It joins whichever command is under way when it arrives (or the next one).
      await steps(pooled, 31, 30);
      await steps(local, 1, 60);
      expect(Array.from(pooled.params)).toEqual(Array.from(local.params));
    } finally {
      writeFileSync(release, "");
      await pooled.close();
      await local.close();
    }
  });
});
