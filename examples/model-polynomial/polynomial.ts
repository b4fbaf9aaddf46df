/**
 * An example model plugin in TypeScript: polynomial regression
 * y = a0 + a1 x + a2 x^2 + ... + ad x^d, fitted by squared error.
 *
 *   lrsim run --model "./polynomial.ts(degree=3)" --dataset sine --schedule "constant(lr=0.5)"
 *
 * A model owns a flat Float32Array of parameters; `gradient` adds up the loss and writes the
 * gradient summed over samples `indices[from..to)` into `grad` (the trainer divides by the
 * batch size). It must not allocate per sample: it runs in the hot loop, in worker threads.
 */
import { defineModel, param } from "lrsim/plugin";

export default defineModel({
  name: "polynomial",
  summary: "Polynomial regression y = a0 + a1 x + ... + ad x^d (squared error), for one input.",
  tasks: ["regression"],
  params: {
    degree: param.integer({ doc: "Highest power of x.", default: 3, min: 1, max: 12 }),
  },
  create: ({ degree }, shape) => {
    if (shape.inputs !== 1 || shape.outputs !== 1)
      throw new Error(`needs one input and one output, the dataset has ${shape.inputs} and ${shape.outputs}`);
    const terms = degree + 1;
    /** The prediction for x, with the powers of x left in `powers` for the gradient. */
    const powers = new Float64Array(terms);
    const predict = (p: Float32Array, x: number): number => {
      let y = 0;
      let power = 1;
      for (let k = 0; k < terms; k++) {
        powers[k] = power;
        y += p[k]! * power;
        power *= x;
      }
      return y;
    };
    return {
      parameterCount: terms,
      init: (p) => p.fill(0),
      gradient: (p, data, indices, from, to, grad, out) => {
        grad.fill(0);
        let loss = 0;
        for (let s = from; s < to; s++) {
          const i = indices[s]!;
          const error = predict(p, data.x[i]!) - data.y[i]!;
          loss += error * error;
          for (let k = 0; k < terms; k++) grad[k] = grad[k]! + 2 * error * powers[k]!;
        }
        out.loss = loss;
        out.correct = 0;
      },
      evaluate: (p, data, indices, from, to, out) => {
        let loss = 0;
        for (let s = from; s < to; s++) {
          const i = indices[s]!;
          const error = predict(p, data.x[i]!) - data.y[i]!;
          loss += error * error;
        }
        out.loss = loss;
        out.correct = 0;
      },
    };
  },
});
