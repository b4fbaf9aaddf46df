import { createRng } from "../random.ts";
import type { DataSplit } from "./data.ts";

/**
 * Splits samples into train and test with a seeded shuffle: the same `seed` always gives the
 * same split. `targetWidth` is 1 for class labels, the number of outputs for regression.
 */
export function splitSamples(
  x: Float32Array,
  y: Float32Array,
  inputs: number,
  targetWidth: number,
  testSize: number,
  seed: number,
  trainSize?: number,
): { train: DataSplit; test: DataSplit } {
  const n = y.length / targetWidth;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  createRng(seed, "split").shuffle(order);
  const take = (from: number, to: number): DataSplit => {
    const size = to - from;
    const xs = new Float32Array(size * inputs);
    const ys = new Float32Array(size * targetWidth);
    for (let i = 0; i < size; i++) {
      const s = order[from + i]!;
      xs.set(x.subarray(s * inputs, (s + 1) * inputs), i * inputs);
      ys.set(y.subarray(s * targetWidth, (s + 1) * targetWidth), i * targetWidth);
    }
    return { size, x: xs, y: ys };
  };
  const trainEnd = trainSize === undefined ? n - testSize : trainSize;
  return { train: take(0, trainEnd), test: take(trainEnd, trainEnd + testSize) };
}
