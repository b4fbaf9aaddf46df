import { createRng, defineDataset, param } from "@lrsim/core/plugin-api";
import { holdOut, splitParams } from "./common.ts";

/** the Learning Rate Finder article's regression problem: x = linspace(0, xMax, n), y = slope * x (+ Gaussian noise). */
export const line = defineDataset({
  name: "line",
  summary: "the Learning Rate Finder article: x = linspace(0, 10, 100), y = 2.5x, optional Gaussian noise.",
  params: {
    n: param.integer({ doc: "Number of points.", default: 100, min: 2 }),
    slope: param.number({ doc: "True slope w.", default: 2.5 }),
    intercept: param.number({ doc: "True intercept b.", default: 0 }),
    xMax: param.number({ doc: "Right end of the x range.", default: 10, min: 0, exclusiveMin: true }),
    noise: param.number({ doc: "Standard deviation of Gaussian noise on y.", default: 0, min: 0 }),
    ...splitParams("Seed of the noise and the split."),
  },
  load: ({ n, slope, intercept, xMax, noise, testFraction, seed }) => {
    const rng = createRng(seed, "line");
    const x = new Float32Array(n);
    const y = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      x[i] = (xMax * i) / (n - 1);
      y[i] = slope * x[i]! + intercept + noise * rng.normal();
    }
    const { train, test } = holdOut(x, y, 1, 1, testFraction, seed);
    return {
      shape: { inputs: 1, outputs: 1, task: "regression" },
      train,
      test,
      description: `${n} points on y = ${slope}x + ${intercept}`,
    };
  },
});
