import { createCatalog } from "@lrsim/builtins";
import {
  type DataSplit,
  type Dataset,
  localBackend,
  measuresNoise,
  type RunOptions,
  Trainer,
  type TrainingBackend,
} from "@lrsim/core";
import { describe, expect, it } from "vitest";

/**
 * A linear model y = w x + b under squared error has per-sample gradient g_i = c r_i (x_i, 1)
 * with residual r_i = w x_i + b - y_i (c, the loss's constant, cancels in the ratio). Over the
 * training set, |G|^2 = |mean g_i|^2 and tr(S) = mean |g_i|^2 - |G|^2 in closed form, so
 * B_simple = tr(S) / |G|^2 is known exactly at the parameters the run starts from.
 */
function closedFormNoiseScale(x: Float32Array, y: Float32Array, w: number, b: number): number {
  let gw = 0;
  let gb = 0;
  let squares = 0;
  for (let i = 0; i < y.length; i++) {
    const r = w * x[i]! + b - y[i]!;
    gw += r * x[i]!;
    gb += r;
    squares += r * r * (x[i]! * x[i]! + 1);
  }
  const n = y.length;
  const gradSquared = (gw / n) ** 2 + (gb / n) ** 2;
  return (squares / n - gradSquared) / gradSquared;
}

describe("the gradient noise scale against a closed form", () => {
  it("matches tr(S)/|G|^2 of a linear model on a noisy line, at the parameters it measures", async () => {
    // lr 1e-9 keeps the parameters where they start (moves them by ~1e-8 over the run), so the
    // closed form at the initial parameters is the answer the estimator must converge to.
    const options: RunOptions = {
      schedule: "constant(lr=1e-9)",
      model: "linear",
      dataset: "line(n=20000, noise=3, seed=1)",
      batchSize: 512,
      epochs: 4,
    };
    let backend: TrainingBackend | undefined;
    let plan: Parameters<typeof localBackend>[0] | undefined;
    const trainer = new Trainer(createCatalog(), async (p) => {
      plan = p;
      backend = await localBackend(p);
      return backend;
    });
    const initial: number[] = [];
    trainer.on("runStart", () => initial.push(...backend!.params));
    const result = await trainer.run(options);
    const { train } = plan!.dataset.data as Dataset<DataSplit>; // line: float32 features
    const expected = closedFormNoiseScale(train.x, train.y, initial[0]!, initial[1]!);
    const measured = result.history.at(-1)!.noiseScale;
    expect(measured).not.toBeNull();
    expect(measured! / expected).toBeGreaterThan(0.8);
    expect(measured! / expected).toBeLessThan(1.25);
  });

  it('reports "—" with a reason, never a negative value, at the minimum where |G|^2 vanishes', async () => {
    // Full-batch gradient descent converges to the least-squares fit of a noisy line: the true
    // gradient goes to 0 while the per-sample noise stays, so the |G|^2 estimate flips sign.
    const result = await new Trainer(createCatalog()).run({
      schedule: "constant(lr=0.02)",
      model: "linear",
      dataset: "line(n=2000, noise=1)",
      batchSize: 1600,
      epochs: 800,
    });
    for (const row of result.history) if (row.noiseScale !== null) expect(row.noiseScale).toBeGreaterThan(0);
    const last = result.history.at(-1)!;
    expect(last.noiseScale).toBeNull();
    expect(last.noiseScaleWhy).toMatch(/not clearly positive/);
  });
});

describe("steps of one chunk", () => {
  it("take no gradient norms: a single batch size (b = B) has nothing to give the noise scale", async () => {
    expect(measuresNoise(true, 64, 64)).toBe(false);
    expect(measuresNoise(true, 64, 40)).toBe(false);
    expect(measuresNoise(true, 64, 65)).toBe(true); // one full chunk of 64 against a batch of 65
    expect(measuresNoise(false, 64, 1000)).toBe(false);
    // and a run of one-chunk steps reports why there is no noise scale, as it always did
    const run = await new Trainer(createCatalog(), localBackend).run({
      schedule: "constant(lr=0.1)",
      model: "softmax",
      dataset: "blobs(n=400)",
      batchSize: 32,
      epochs: 2,
    });
    expect(run.history.at(-1)!.noiseScale).toBeNull();
    expect(run.history.at(-1)!.noiseScaleWhy).toMatch(/two batch sizes to compare/);
  });
});
