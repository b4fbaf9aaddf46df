import { createRng, defineDataset, param, splitSamples } from "@lrsim/core";

/** Seed 003's regression problem: x = linspace(0, xMax, n), y = slope * x (+ Gaussian noise). */
export const line = defineDataset({
  name: "line",
  summary: "Seed 003: x = linspace(0, 10, 100), y = 2.5x, optional Gaussian noise.",
  params: {
    n: param.integer({ doc: "Number of points.", default: 100, min: 2 }),
    slope: param.number({ doc: "True slope w.", default: 2.5 }),
    intercept: param.number({ doc: "True intercept b.", default: 0 }),
    xMax: param.number({ doc: "Right end of the x range.", default: 10, min: 0, exclusiveMin: true }),
    noise: param.number({ doc: "Standard deviation of Gaussian noise on y.", default: 0, min: 0 }),
    testFraction: param.number({
      doc: "Share of points held out for testing.",
      default: 0.2,
      min: 0,
      exclusiveMin: true,
      max: 1,
      exclusiveMax: true,
    }),
    seed: param.integer({ doc: "Seed of the noise and the split.", default: 0, min: 0 }),
  },
  load: ({ n, slope, intercept, xMax, noise, testFraction, seed }) => {
    const rng = createRng(seed, "line");
    const x = new Float32Array(n);
    const y = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      x[i] = (xMax * i) / (n - 1);
      y[i] = slope * x[i]! + intercept + noise * rng.normal();
    }
    const { train, test } = splitSamples(x, y, 1, 1, Math.max(1, Math.round(n * testFraction)), seed);
    return {
      shape: { inputs: 1, outputs: 1, task: "regression" },
      train,
      test,
      description: `${n} points on y = ${slope}x + ${intercept}`,
    };
  },
});
