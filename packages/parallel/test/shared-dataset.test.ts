import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createCatalog } from "@lrsim/builtins";
import { type RunOptions, type RunResult, Trainer } from "@lrsim/core";
import { afterAll, describe, expect, it } from "vitest";
import { gzip, idxBytes, npyBytes } from "../../../test/helpers/data-files.ts";
import { GradientPool } from "../src/index.ts";

const fixtures = fileURLToPath(new URL("./fixtures/", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "lrsim-shared-dataset-"));
const pools = [new GradientPool({ workers: 0 }), new GradientPool({ workers: 2 })] as const;
afterAll(async () => {
  for (const pool of pools) await pool.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Everything but wall-clock times, as exact text (as in determinism.test.ts). */
const fingerprint = (r: RunResult) =>
  JSON.stringify({ ...r, wallMs: 0, history: r.history.map((h) => ({ ...h, wallMs: 0 })) }, (_k, v) =>
    typeof v === "number" ? v.toString() : v,
  );

/** `n` 8 x 8 images: a bright bar in the row of the class (0..7) over seeded noise. */
function writeIdx(prefix: string, n: number, seed: number): { pixels: Uint8Array; labels: Uint8Array } {
  const pixels = new Uint8Array(n * 64);
  const labels = new Uint8Array(n);
  let state = seed;
  for (let i = 0; i < n; i++) {
    labels[i] = i % 8;
    for (let p = 0; p < 64; p++) {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      pixels[i * 64 + p] = ((state >> 16) % 120) + (p >> 3 === labels[i] ? 120 : 0);
    }
  }
  writeFileSync(join(dir, `${prefix}-images-idx3-ubyte.gz`), gzip(idxBytes([n, 8, 8], pixels)));
  writeFileSync(join(dir, `${prefix}-labels-idx1-ubyte.gz`), gzip(idxBytes([n], labels)));
  return { pixels, labels };
}

describe("datasets shared with the workers", () => {
  it("a file dataset (gzipped IDX) trains bit-identically on 0 and 2 workers", async () => {
    writeIdx("train", 1500, 1);
    writeIdx("t10k", 300, 2);
    const options: RunOptions = {
      schedule: "onecycle(maxLr=0.2)",
      model: "mlp(hidden=[32])",
      dataset: "idx(dir=., normalize=standard)",
      optimizer: "sgd(momentum=0.9)",
      batchSize: 200,
      epochs: 3,
    };
    const [inProcess, pooled] = (await Promise.all(
      pools.map((pool) => new Trainer(createCatalog(dir), pool.backend).run(options)),
    )) as [RunResult, RunResult];
    expect(inProcess.status).toBe("completed");
    expect(inProcess.final!.testAccuracy).toBeGreaterThan(0.9);
    expect(fingerprint(pooled)).toBe(fingerprint(inProcess));
  });

  it("image bytes decoded chunk by chunk train exactly as the same values stored as float32", async () => {
    const train = writeIdx("train", 600, 3);
    const test = writeIdx("t10k", 100, 4);
    // The same samples as .npy float32 files, each pixel already divided by 255 as normalize=unit does.
    const asFloats = (name: string, data: { pixels: Uint8Array; labels: Uint8Array }) => {
      const n = data.labels.length;
      writeFileSync(
        join(dir, `${name}-x.npy`),
        npyBytes(
          "<f4",
          [n, 64],
          Array.from(data.pixels, (v) => v / 255),
        ),
      );
      writeFileSync(join(dir, `${name}-y.npy`), npyBytes("<i8", [n], data.labels));
    };
    asFloats("train", train);
    asFloats("test", test);
    const options = (dataset: string): RunOptions => ({
      schedule: "constant(lr=0.3)",
      model: "mlp(hidden=[16])",
      dataset,
      batchSize: 64,
      epochs: 2,
    });
    const trainer = new Trainer(createCatalog(dir), pools[1].backend);
    const bytes = await trainer.run(options("idx(dir=., normalize=unit)"));
    const floats = await trainer.run(
      options('npy(x="train-x.npy", y="train-y.npy", testX="test-x.npy", testY="test-y.npy")'),
    );
    const curve = (r: RunResult) => JSON.stringify(r.history.map((h) => ({ ...h, wallMs: 0 })));
    expect(bytes.status).toBe("completed");
    expect(curve(bytes)).toBe(curve(floats));
  });

  it("is loaded once, by the main thread: the workers never run the dataset plugin", async () => {
    const log = join(dir, "loads.txt");
    writeFileSync(log, "");
    const options: RunOptions = {
      schedule: "constant(lr=0.1)",
      model: "softmax",
      dataset: `./counting-dataset.js(log="${log}")`,
      batchSize: 32,
      epochs: 2,
    };
    const trainer = new Trainer(createCatalog(fixtures), pools[1].backend);
    const first = await trainer.run(options);
    const second = await trainer.run({ ...options, schedule: "constant(lr=0.2)" });
    expect([first.status, second.status]).toEqual(["completed", "completed"]);
    // One load for both runs, on thread 0 (the main thread).
    expect(readFileSync(log, "utf8")).toBe("0\n");
  });
});
