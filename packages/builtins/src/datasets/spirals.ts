import { createRng, defineDataset, param } from "@lrsim/core/plugin-api";
import { holdOut, splitParams } from "./common.ts";

/** Interleaved spirals (the classic CS231n toy problem): not linearly separable. */
export const spirals = defineDataset({
  name: "spirals",
  summary: "Interleaved 2-D spirals, one arm per class: needs a non-linear model.",
  params: {
    n: param.integer({ doc: "Number of samples.", default: 1500, min: 2 }),
    classes: param.integer({ doc: "Number of arms (classes).", default: 3, min: 2 }),
    noise: param.number({ doc: "Angular noise.", default: 0.2, min: 0 }),
    ...splitParams("Seed of the noise and the split."),
  },
  load: ({ n, classes, noise, testFraction, seed }) => {
    const rng = createRng(seed, "spirals");
    const x = new Float32Array(n * 2);
    const y = new Float32Array(n);
    const perArm = Math.ceil(n / classes);
    for (let i = 0; i < n; i++) {
      const arm = i % classes;
      const k = Math.floor(i / classes) / Math.max(1, perArm - 1);
      const angle = arm * 4 + k * 4 + noise * rng.normal();
      x[2 * i] = k * Math.sin(angle);
      x[2 * i + 1] = k * Math.cos(angle);
      y[i] = arm;
    }
    const { train, test } = holdOut(x, y, 2, 1, testFraction, seed);
    return {
      shape: { inputs: 2, outputs: classes, task: "classification" },
      train,
      test,
      description: `${n} points on ${classes} spiral arms`,
    };
  },
});
