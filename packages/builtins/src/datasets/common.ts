import { type DataSplit, param, splitSamples } from "@lrsim/core/plugin-api";

/** The split parameters every synthetic dataset takes; `seedDoc` says what else the seed drives. */
export function splitParams(seedDoc: string) {
  return {
    testFraction: param.number({
      doc: "Share of samples held out for testing.",
      default: 0.2,
      min: 0,
      exclusiveMin: true,
      max: 1,
      exclusiveMax: true,
    }),
    seed: param.integer({ doc: seedDoc, default: 0, min: 0 }),
  };
}

/** Splits generated samples into train and test, holding out `testFraction` of them (at least one). */
export function holdOut(
  x: Float32Array,
  y: Float32Array,
  inputs: number,
  targetWidth: number,
  testFraction: number,
  seed: number,
): { train: DataSplit; test: DataSplit } {
  const n = y.length / targetWidth;
  return splitSamples(x, y, inputs, targetWidth, Math.max(1, Math.round(n * testFraction)), seed);
}
