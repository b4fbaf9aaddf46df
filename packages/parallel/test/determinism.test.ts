import { createCatalog } from "@lrsim/builtins";
import { type RunOptions, type RunResult, Trainer } from "@lrsim/core";
import { afterAll, describe, expect, it } from "vitest";
import { GradientPool } from "../src/index.ts";

const pools = new Map<number, GradientPool>();
const poolWith = (workers: number) => {
  if (!pools.has(workers)) pools.set(workers, new GradientPool({ workers }));
  return pools.get(workers)!;
};
afterAll(async () => {
  for (const pool of pools.values()) await pool.close();
});

async function runWith(workers: number, options: RunOptions): Promise<RunResult> {
  return new Trainer(createCatalog(), poolWith(workers).backend).run(options);
}

/** Everything but wall-clock times (and the cluster time derived from them), as exact text. */
const fingerprint = (r: RunResult) =>
  JSON.stringify({ ...r, wallMs: 0, history: r.history.map((h) => ({ ...h, wallMs: 0 })) }, (_k, v) =>
    typeof v === "number" ? v.toString() : v,
  );

describe("a run is bit-for-bit identical at any worker count", () => {
  const cases: Array<[string, RunOptions]> = [
    [
      "mlp on blobs, momentum SGD, batch ramp past several chunks",
      {
        schedule: "batchramp(lr=0.05, batchSize=50, factor=4, milestones=[1,2])",
        model: "mlp(hidden=[24,12], activation=tanh)",
        dataset: "blobs(n=1200, classes=4, features=5)",
        optimizer: "sgd(momentum=0.9, nesterov=true)",
        epochs: 3,
        chunkSize: 16,
      },
    ],
    [
      "onecycle with adam on teacher data, odd chunk size",
      {
        schedule: "onecycle(maxLr=0.01)",
        model: "mlp(hidden=[16])",
        dataset: "teacher(n=900, inputs=6, outputs=3)",
        optimizer: "adam",
        batchSize: 100,
        epochs: 2,
        chunkSize: 7,
      },
    ],
    [
      "softmax on teacher data, automatic chunk size changing with the batch (64, 128, 256)",
      {
        schedule: "batchramp(lr=0.1, batchSize=256, factor=5, milestones=[1,2])",
        model: "softmax",
        dataset: "teacher(n=12000, inputs=8, outputs=4)",
        optimizer: "sgd(momentum=0.9)",
        epochs: 3,
      },
    ],
    [
      "linear regression, full-batch",
      {
        schedule: "cosine(lr=0.02)",
        model: "linear",
        dataset: "line",
        batchSize: 80,
        epochs: 5,
        chunkSize: 8,
      },
    ],
    [
      "lars with gradient clipping on an mlp of three norm blocks (a slice-less worker at 4 and 8)",
      {
        schedule: "constant(lr=2)",
        model: "mlp(hidden=[64,32])",
        dataset: "teacher(n=1500, inputs=100, outputs=3)",
        optimizer: "lars(weightDecay=0.001, trustCoefficient=0.01, nesterov=true)",
        clipGradNorm: 0.05,
        batchSize: 200,
        epochs: 2,
      },
    ],
    [
      "lamb on a label-smoothed mlp of three norm blocks, onecycle driving beta1",
      {
        schedule: "onecycle(maxLr=0.01)",
        model: "mlp(hidden=[64,32])",
        dataset: "teacher(n=1500, inputs=100, outputs=3)",
        optimizer: "lamb(weightDecay=0.01)",
        batchSize: 150,
        epochs: 2,
      },
    ],
    [
      "adamw with amsgrad (its SIMD update in the pool, the loop in-process)",
      {
        schedule: "cosine(lr=0.01)",
        model: "mlp(hidden=[16])",
        dataset: "teacher(n=600, inputs=6, outputs=3)",
        optimizer: "adamw(amsgrad=true)",
        batchSize: 60,
        epochs: 2,
        chunkSize: 16,
      },
    ],
    [
      "centred rmsprop with momentum and weight decay",
      {
        schedule: "constant(lr=0.003)",
        model: "mlp(hidden=[16])",
        dataset: "blobs(n=600, classes=3, features=5)",
        optimizer: "rmsprop(centered=true, momentum=0.9, weightDecay=0.0001)",
        batchSize: 60,
        epochs: 2,
        chunkSize: 16,
      },
    ],
    [
      "adagrad with weight decay and an initial accumulator",
      {
        schedule: "constant(lr=0.05)",
        model: "mlp(hidden=[16])",
        dataset: "blobs(n=600, classes=3, features=5)",
        optimizer: "adagrad(weightDecay=0.001, initialAccumulatorValue=0.1, lrDecay=0.01)",
        batchSize: 60,
        epochs: 2,
        chunkSize: 16,
      },
    ],
    [
      "adadelta with weight decay",
      {
        schedule: "constant(lr=1)",
        model: "mlp(hidden=[16])",
        dataset: "blobs(n=600, classes=3, features=5)",
        optimizer: "adadelta(weightDecay=0.001)",
        batchSize: 60,
        epochs: 2,
        chunkSize: 16,
      },
    ],
    [
      "gradient clipping alone, sgd on blobs",
      {
        schedule: "constant(lr=0.5)",
        model: "mlp(hidden=[16])",
        dataset: "blobs(n=1200, classes=4, features=5)",
        optimizer: "sgd(momentum=0.9)",
        clipGradNorm: 0.1,
        batchSize: 64,
        epochs: 2,
        chunkSize: 16,
      },
    ],
  ];
  for (const [name, options] of cases) {
    it(name, async () => {
      const reference = await runWith(0, options);
      expect(reference.status).toBe("completed");
      // The noise scale is compared whenever it is reported; the first two cases report one.
      const last = reference.history.at(-1)!;
      if (cases.findIndex(([n]) => n === name) < 2) expect(last.noiseScale).toEqual(expect.any(Number));
      else expect(last.noiseScale === null ? last.noiseScaleWhy : "reported").toEqual(expect.any(String));
      expect(reference.clusterMs).toBeGreaterThan(0);
      for (const workers of [1, 2, 4, 8])
        expect(fingerprint(await runWith(workers, options)), `${workers} workers`).toBe(
          fingerprint(reference),
        );
    });
  }

  it("a batch with more chunks than slots is accumulated over rounds with the same result", async () => {
    const options: RunOptions = {
      schedule: "constant(lr=0.1)",
      model: "softmax",
      dataset: "blobs(n=2000)",
      batchSize: 1600,
      epochs: 2,
      chunkSize: 10,
    };
    const reference = await runWith(0, options);
    const tight = new GradientPool({ workers: 2, slotBudgetBytes: 3 * 4 * 9 }); // room for 3 slots of 9 parameters
    try {
      const r = await new Trainer(createCatalog(), tight.backend).run(options);
      expect(fingerprint(r)).toBe(fingerprint(reference));
    } finally {
      await tight.close();
    }
  });

  it("the pool's C and WebAssembly kernels (reduction, SGD and Adam updates) give the same run, the in-process one", async () => {
    for (const options of [
      cases[0]![1],
      cases[1]![1],
      { ...cases[1]![1], optimizer: "adamw(amsgrad=true)" },
    ]) {
      const reference = await runWith(0, options);
      for (const poolKernels of ["native", "wasm"] as const) {
        const pool = new GradientPool({ workers: 2, poolKernels });
        try {
          const r = await new Trainer(createCatalog(), pool.backend).run(options);
          expect(fingerprint(r), `${poolKernels} ${options.optimizer}`).toBe(fingerprint(reference));
        } finally {
          await pool.close();
        }
      }
    }
    expect(() => new GradientPool({ workers: 1, poolKernels: "simd" as "wasm" })).toThrow(
      /auto, native or wasm/,
    );
  });

  it("a run on part of a pool's threads (backendOn) is the same run, and the next may take them all", async () => {
    const options = cases[0]![1];
    const reference = await runWith(0, options);
    const pool = poolWith(4);
    for (const workers of [1, 3, 4, 0]) {
      const threads: number[] = [];
      const factory = pool.backendOn(workers);
      const trainer = new Trainer(createCatalog(), async (plan) => {
        const backend = await factory(plan);
        threads.push(backend.threads);
        return backend;
      });
      const r = await trainer.run(options);
      expect(fingerprint(r), `${workers} of 4 threads`).toBe(fingerprint(reference));
      expect(threads).toEqual([Math.max(1, workers)]); // 0: in-process, on the calling thread
    }
    for (const bad of [5, -1, 1.5])
      expect(() => pool.backendOn(bad)).toThrow(/workers must be an integer from 0 to the pool's 4/);
  });

  it("trains with the whole 80,000-sample training set of teacher(n=100000) as one batch", async () => {
    const options: RunOptions = {
      schedule: "constant(lr=0.5)",
      model: "mlp(hidden=[16])",
      dataset: "teacher(n=100000)",
      batchSize: 100_000,
      epochs: 2,
    };
    const reference = await runWith(0, options);
    const pooled = await runWith(2, options);
    expect(pooled.updates).toBe(2); // one full-batch update per epoch: the batch is capped at the training set
    expect(pooled.history.at(-1)!.batchSize).toBe(80_000);
    expect(fingerprint(pooled)).toBe(fingerprint(reference));
    expect(pooled.final?.trainLoss).toBeLessThan(pooled.history[0]!.trainLoss);
  });
});
