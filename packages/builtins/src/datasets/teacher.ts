import { createRng, defineDataset, param } from "@lrsim/core/plugin-api";
import { holdOut, splitParams } from "./common.ts";

/**
 * A random teacher network labels Gaussian inputs: synthetic data of any size with a known,
 * learnable structure (the student-teacher setup). Weights ~ N(0, 1/fan_in), tanh hidden units.
 */
export const teacher = defineDataset({
  name: "teacher",
  summary: "Gaussian inputs labelled by a random tanh teacher network; any size n.",
  params: {
    n: param.integer({ doc: "Number of samples (train + test).", default: 10000, min: 2 }),
    inputs: param.integer({ doc: "Input dimensions.", default: 20, min: 1 }),
    hidden: param.integer({ doc: "Teacher's hidden units.", default: 32, min: 1 }),
    outputs: param.integer({ doc: "Classes (or regression targets).", default: 10, min: 1 }),
    task: param.choice(["classification", "regression"], {
      doc: "Label by argmax or regress the outputs.",
      default: "classification",
    }),
    noise: param.number({ doc: "Noise on the teacher's outputs before labelling.", default: 0, min: 0 }),
    ...splitParams("Seed of the teacher, the inputs and the split."),
  },
  load: ({ n, inputs, hidden, outputs, task, noise, testFraction, seed }) => {
    const rng = createRng(seed, "teacher");
    const w1 = Float64Array.from({ length: hidden * inputs }, () => rng.normal() / Math.sqrt(inputs));
    const w2 = Float64Array.from({ length: outputs * hidden }, () => rng.normal() / Math.sqrt(hidden));
    const width = task === "classification" ? 1 : outputs;
    if (task === "classification" && outputs < 2) throw new RangeError("classification needs outputs >= 2");
    const x = new Float32Array(n * inputs);
    const y = new Float32Array(n * width);
    const h = new Float64Array(hidden);
    const o = new Float64Array(outputs);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < inputs; k++) x[i * inputs + k] = rng.normal();
      for (let j = 0; j < hidden; j++) {
        let s = 0;
        for (let k = 0; k < inputs; k++) s += w1[j * inputs + k]! * x[i * inputs + k]!;
        h[j] = Math.tanh(s);
      }
      for (let c = 0; c < outputs; c++) {
        let s = 0;
        for (let j = 0; j < hidden; j++) s += w2[c * hidden + j]! * h[j]!;
        o[c] = s + noise * rng.normal();
      }
      if (task === "classification") {
        let best = 0;
        for (let c = 1; c < outputs; c++) if (o[c]! > o[best]!) best = c;
        y[i] = best;
      } else for (let c = 0; c < outputs; c++) y[i * outputs + c] = o[c]!;
    }
    const { train, test } = holdOut(x, y, inputs, width, testFraction, seed);
    return {
      shape: { inputs, outputs, task },
      train,
      test,
      description: `${n} samples from a ${inputs}-${hidden}-${outputs} tanh teacher`,
    };
  },
});
