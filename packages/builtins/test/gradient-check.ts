import { createRng, type DataSplit, type LossSum, type ModelInstance } from "@lrsim/core";
import { expect } from "vitest";

/**
 * Compares a model's analytic gradient with central finite differences of its summed loss,
 * on every parameter. Parameters are float32, so the step is 3e-3 (small enough to cross few ReLU kinks) and the comparison is on
 * the whole vector: |numeric - analytic| / |analytic| below 1e-3 (a wrong term gives O(1)).
 */
export function expectGradientMatchesFiniteDifferences(
  model: ModelInstance,
  data: DataSplit,
  seed = 1,
): void {
  const params = new Float32Array(model.parameterCount);
  model.init(params, createRng(seed, "init"));
  const indices = Int32Array.from({ length: data.size }, (_, i) => i);
  const analytic = new Float32Array(params.length);
  const out: LossSum = { loss: 0, correct: 0 };
  model.gradient(params, data, indices, 0, data.size, analytic, out);
  const lossAt = (): number => {
    model.evaluate(params, data, indices, 0, data.size, out);
    return out.loss;
  };
  const numeric = new Float64Array(params.length);
  const h = 3e-3;
  for (let i = 0; i < params.length; i++) {
    const keep = params[i]!;
    params[i] = keep + h;
    const up = lossAt();
    params[i] = keep - h;
    const down = lossAt();
    params[i] = keep;
    numeric[i] = (up - down) / (2 * h);
  }
  let difference = 0;
  let norm = 0;
  for (let i = 0; i < params.length; i++) {
    difference += (numeric[i]! - analytic[i]!) ** 2;
    norm += analytic[i]! ** 2;
  }
  expect(norm).toBeGreaterThan(0);
  expect(Math.sqrt(difference / norm)).toBeLessThan(1e-3);
}

/** A small random dataset in typed-array form for gradient checks. */
export function randomSplit(
  size: number,
  inputs: number,
  outputs: number,
  task: "regression" | "classification",
  seed = 7,
): DataSplit {
  const rng = createRng(seed, "data");
  const x = Float32Array.from({ length: size * inputs }, () => rng.normal());
  const y =
    task === "classification"
      ? Float32Array.from({ length: size }, () => rng.int(outputs))
      : Float32Array.from({ length: size * outputs }, () => rng.normal());
  return { size, x, y };
}

/**
 * The finite-difference check for piecewise-smooth networks (ReLU, max pooling): a parameter
 * whose step straddles a kink — its left and right one-sided slopes disagree by more than a
 * tenth — is left out, at most `maxKinked` of them; on the rest the whole-vector relative
 * difference must stay below 1e-2. The step is small (1e-3) so few parameters straddle a kink,
 * and the float32 loss's rounding over so small a step is what the looser bound allows for; a
 * wrong term still gives O(1). Returns how many parameters were left out.
 */
export function expectPiecewiseGradientMatches(
  model: ModelInstance,
  data: DataSplit,
  h = 1e-3,
  maxKinked = 0.05,
): number {
  const params = new Float32Array(model.parameterCount);
  model.init(params, createRng(1, "init"));
  const indices = Int32Array.from({ length: data.size }, (_, i) => i);
  const analytic = new Float32Array(params.length);
  const out: LossSum = { loss: 0, correct: 0 };
  model.gradient(params, data, indices, 0, data.size, analytic, out);
  const lossAt = (): number => {
    model.evaluate(params, data, indices, 0, data.size, out);
    return out.loss;
  };
  const center = lossAt();
  let kinked = 0;
  let difference = 0;
  let norm = 0;
  for (let i = 0; i < params.length; i++) {
    const keep = params[i]!;
    params[i] = keep + h;
    const up = lossAt();
    params[i] = keep - h;
    const down = lossAt();
    params[i] = keep;
    const right = (up - center) / h;
    const left = (center - down) / h;
    if (Math.abs(right - left) > 0.1 * Math.max(Math.abs(right), Math.abs(left), 1e-2)) {
      kinked++;
      continue;
    }
    difference += ((up - down) / (2 * h) - analytic[i]!) ** 2;
    norm += analytic[i]! ** 2;
  }
  expect(kinked).toBeLessThanOrEqual(maxKinked * params.length);
  expect(norm).toBeGreaterThan(0);
  expect(Math.sqrt(difference / norm)).toBeLessThan(1e-2);
  return kinked;
}

/**
 * Two kernels of one model agree: from the same initial parameters (drawn by `reference`), over
 * the samples from `from` on of `data` (in reverse order), the same summed loss to 3 decimals,
 * the same number correct, and gradients equal to float32 rounding (relative error below 1e-5).
 */
export function expectKernelsAgree(
  reference: ModelInstance,
  other: ModelInstance,
  data: DataSplit,
  from: number,
): void {
  const n = data.size;
  const params = new Float32Array(reference.parameterCount);
  reference.init(params, createRng(2, "init"));
  const indices = Int32Array.from({ length: n }, (_, i) => n - 1 - i);
  const gRef = new Float32Array(params.length);
  const gOther = new Float32Array(params.length);
  const oRef: LossSum = { loss: 0, correct: 0 };
  const oOther: LossSum = { loss: 0, correct: 0 };
  reference.gradient(params, data, indices, from, n, gRef, oRef);
  other.gradient(params, data, indices, from, n, gOther, oOther);
  expect(oOther.loss).toBeCloseTo(oRef.loss, 3);
  expect(oOther.correct).toBe(oRef.correct);
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < params.length; i++) {
    diff += (gOther[i]! - gRef[i]!) ** 2;
    norm += gRef[i]! ** 2;
  }
  expect(norm).toBeGreaterThan(0);
  expect(Math.sqrt(diff / norm)).toBeLessThan(1e-5);
}
