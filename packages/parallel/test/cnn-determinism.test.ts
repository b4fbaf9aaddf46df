import { createCatalog } from "@lrsim/builtins";
import { type RunOptions, type RunResult, Trainer } from "@lrsim/core";
import { afterAll, describe, expect, it } from "vitest";
import { GradientPool } from "../src/index.ts";

/**
 * The convolutional network follows the same plugin contract as the dense ones (summed chunk
 * gradients into caller buffers), so the pool needs no special case for it: a run is bit-for-bit
 * the in-process run at any worker count. Beside determinism.test.ts, with its fingerprint.
 */
const pools: GradientPool[] = [];
afterAll(async () => {
  for (const pool of pools) await pool.close();
});

async function runWith(workers: number, options: RunOptions): Promise<RunResult> {
  const pool = new GradientPool({ workers });
  pools.push(pool);
  return new Trainer(createCatalog(), pool.backend).run(options);
}

/** Everything but wall-clock times (and the cluster time derived from them), as exact text. */
const fingerprint = (r: RunResult) =>
  JSON.stringify({ ...r, wallMs: 0, history: r.history.map((h) => ({ ...h, wallMs: 0 })) }, (_k, v) =>
    typeof v === "number" ? v.toString() : v,
  );

describe("a cnn run is bit-for-bit identical at any worker count", () => {
  const cases: Array<[string, RunOptions]> = [
    [
      "the default cnn (LeNet-5) on MNIST digits, momentum SGD, chunks of 64 over a batch of 200",
      {
        schedule: "onecycle(maxLr=0.05)",
        model: "cnn",
        dataset: "mnist(train=600, test=200)",
        optimizer: "sgd(momentum=0.9)",
        batchSize: 200,
        epochs: 2,
      },
    ],
    [
      "strided, padded convolutions, average pooling and tanh, adam, odd chunk size",
      {
        schedule: "constant(lr=0.002)",
        model:
          "cnn(layers=[conv(4, 3, stride=2, padding=1), tanh, avgpool(2), conv(8, 3, padding=1), relu, maxpool(3, stride=2), dense(16), relu])",
        dataset: "mnist(train=300, test=100)",
        optimizer: "adam",
        batchSize: 50,
        epochs: 2,
        chunkSize: 7,
      },
    ],
    [
      "lars over the cnn's parameter groups (biases excluded), label smoothing and gradient clipping",
      {
        schedule: "onecycle(maxLr=0.5)",
        model: "cnn(layers=[conv(4, 5), relu, maxpool(2), dense(16), relu], labelSmoothing=0.1)",
        dataset: "mnist(train=300, test=100)",
        optimizer: "lars(weightDecay=0.0005, trustCoefficient=0.01)",
        batchSize: 60,
        epochs: 2,
        chunkSize: 16,
        clipGradNorm: 1,
      },
    ],
  ];
  for (const [name, options] of cases)
    it(name, async () => {
      const reference = await runWith(0, options);
      expect(reference.status).toBe("completed");
      expect(reference.final!.trainLoss).toBeLessThan(reference.history[0]!.trainLoss);
      for (const workers of [1, 2])
        expect(fingerprint(await runWith(workers, options)), `${workers} workers`).toBe(
          fingerprint(reference),
        );
    });
});
