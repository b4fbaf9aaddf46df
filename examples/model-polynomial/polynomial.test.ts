import { createRng } from "lrsim/plugin";
import { describe, expect, it } from "vitest";
import polynomial from "./polynomial.ts";

/** A few points of y = 1 - 2x + 3x^3, the polynomial the model should recover. */
function cubicData(n = 40) {
  const rng = createRng(7, "cubic");
  const x = new Float32Array(n);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = 2 * rng.next() - 1;
    y[i] = 1 - 2 * x[i]! + 3 * x[i]! ** 3;
  }
  return { size: n, x, y };
}

describe("example model plugin: polynomial", () => {
  const shape = { inputs: 1, outputs: 1, task: "regression" as const };

  it("has the gradient of its loss (central finite differences)", () => {
    const model = polynomial.create({ degree: 3 }, shape);
    const data = cubicData();
    const indices = Int32Array.from({ length: data.size }, (_, i) => i);
    const p = Float32Array.from([0.3, -0.2, 0.5, 0.1]);
    const grad = new Float32Array(4);
    const out = { loss: 0, correct: 0 };
    model.gradient(p, data, indices, 0, data.size, grad, out);
    for (let k = 0; k < 4; k++) {
      const loss = (delta: number) => {
        const q = Float32Array.from(p);
        q[k] = q[k]! + delta;
        model.evaluate(q, data, indices, 0, data.size, out);
        return out.loss;
      };
      const numeric = (loss(1e-2) - loss(-1e-2)) / 2e-2;
      expect(Math.abs(numeric - grad[k]!)).toBeLessThan(1e-3 * Math.max(1, Math.abs(numeric)));
    }
  });

  it("recovers a cubic by gradient descent", () => {
    const model = polynomial.create({ degree: 3 }, shape);
    const data = cubicData();
    const indices = Int32Array.from({ length: data.size }, (_, i) => i);
    const p = new Float32Array(model.parameterCount);
    model.init(p, createRng(0, "init"));
    const grad = new Float32Array(p.length);
    const out = { loss: 0, correct: 0 };
    for (let step = 0; step < 20_000; step++) {
      model.gradient(p, data, indices, 0, data.size, grad, out);
      for (let k = 0; k < p.length; k++) p[k] = p[k]! - (0.5 * grad[k]!) / data.size;
    }
    expect([...p].map((v) => Number(v.toFixed(2)) + 0)).toEqual([1, -2, 0, 3]);
  });

  it("refuses a dataset with more than one input, saying why", () => {
    expect(() => polynomial.create({ degree: 2 }, { inputs: 784, outputs: 10, task: "regression" })).toThrow(
      "needs one input and one output, the dataset has 784 and 10",
    );
  });
});
