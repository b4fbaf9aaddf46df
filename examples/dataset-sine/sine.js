// An example dataset plugin in plain JavaScript: noisy samples of one sine period,
// y = sin(pi * frequency * x) + noise, x uniform in [-1, 1].
//
//   lrsim run --model "./polynomial.ts(degree=5)" --dataset "sine(n=400, noise=0.05)"
//
// A dataset loads once (per process and per worker thread) and returns typed arrays: x holds
// `inputs` features per sample, y one target per output (or a class index per sample for
// classification). The split must be the same every time for the same parameters.
import { createRng, defineDataset, param } from "lrsim/plugin";

export default defineDataset({
  name: "sine",
  summary: "Noisy samples of y = sin(pi * frequency * x), x uniform in [-1, 1] (regression).",
  params: {
    n: param.integer({ doc: "Samples, train and test together.", default: 200, min: 4 }),
    frequency: param.number({ doc: "Half-periods over [-1, 1].", default: 1, min: 0 }),
    noise: param.number({ doc: "Standard deviation of Gaussian noise on y.", default: 0.1, min: 0 }),
    testFraction: param.number({
      doc: "Share held out for testing.",
      default: 0.25,
      min: 0,
      max: 1,
      exclusiveMin: true,
      exclusiveMax: true,
    }),
    seed: param.integer({ doc: "Seed of the samples and the split.", default: 0, min: 0 }),
  },
  load: ({ n, frequency, noise, testFraction, seed }) => {
    const rng = createRng(seed, "sine");
    const testSize = Math.max(1, Math.round(n * testFraction));
    const split = (size) => ({ size, x: new Float32Array(size), y: new Float32Array(size) });
    const train = split(n - testSize);
    const test = split(testSize);
    // Samples are drawn independently, so taking the first ones for training is a random split.
    for (let i = 0; i < n; i++) {
      const part = i < train.size ? train : test;
      const j = i < train.size ? i : i - train.size;
      const x = 2 * rng.next() - 1;
      part.x[j] = x;
      part.y[j] = Math.sin(Math.PI * frequency * x) + noise * rng.normal();
    }
    return {
      shape: { inputs: 1, outputs: 1, task: "regression" },
      train,
      test,
      description: `${n} samples of sin(${frequency}πx) + N(0, ${noise}²)`,
    };
  },
});
