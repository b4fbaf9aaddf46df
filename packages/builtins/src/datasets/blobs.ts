import { createRng, defineDataset, param } from "@lrsim/core/plugin-api";
import { holdOut, splitParams } from "./common.ts";

/** Gaussian blobs around random centres (scikit-learn's make_blobs: centres in ±10, unit spread). */
export const blobs = defineDataset({
  name: "blobs",
  summary: "Isotropic Gaussian blobs, one per class (like scikit-learn's make_blobs).",
  params: {
    n: param.integer({ doc: "Number of samples.", default: 1000, min: 2 }),
    classes: param.integer({ doc: "Number of blobs (classes).", default: 3, min: 2 }),
    features: param.integer({ doc: "Dimensions.", default: 2, min: 1 }),
    spread: param.number({ doc: "Standard deviation of each blob.", default: 1, min: 0, exclusiveMin: true }),
    ...splitParams("Seed of the centres, samples and split."),
  },
  load: ({ n, classes, features, spread, testFraction, seed }) => {
    const rng = createRng(seed, "blobs");
    const centres = Float64Array.from({ length: classes * features }, () => rng.uniform(-10, 10));
    const x = new Float32Array(n * features);
    const y = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const c = i % classes;
      y[i] = c;
      for (let f = 0; f < features; f++)
        x[i * features + f] = centres[c * features + f]! + spread * rng.normal();
    }
    const { train, test } = holdOut(x, y, features, 1, testFraction, seed);
    return {
      shape: { inputs: features, outputs: classes, task: "classification" },
      train,
      test,
      description: `${n} samples in ${classes} blobs`,
    };
  },
});
