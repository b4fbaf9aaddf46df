import { badDataFile, sharedBytes, sharedFloat32 } from "@lrsim/core/plugin-api";
import type { Samples } from "./assemble.ts";
import { count } from "./read-file.ts";

/** CIFAR-10 images: 3 channels of 32 x 32 bytes, stored channel-major (red plane, green, blue). */
export const CIFAR = { channels: 3, height: 32, width: 32, classes: 10 } as const;
const PIXELS = CIFAR.channels * CIFAR.height * CIFAR.width;
/** One record of a binary batch: the label byte, then the image. */
const RECORD = 1 + PIXELS;

/**
 * Reads CIFAR-10 binary batches (Krizhevsky 2009, the "binary version": records of one label
 * byte 0..9 and 3,072 pixel bytes, 10,000 per `data_batch_N.bin`) into one set of samples. The
 * pixels are copied once, into one shared byte array that the assembled dataset uses in place
 * when every sample is a training sample: they stay bytes.
 */
export function readCifarBatches(batches: readonly { file: string; bytes: Uint8Array }[]): Samples {
  let total = 0;
  for (const { file, bytes } of batches) {
    if (bytes.length === 0 || bytes.length % RECORD !== 0)
      throw badDataFile(
        file,
        `is ${count(bytes.length)} bytes, not a whole number of ${count(RECORD)}-byte CIFAR-10 records (truncated, or not the binary version)`,
      );
    total += bytes.length / RECORD;
  }
  const x = sharedBytes(total * PIXELS);
  const y = sharedFloat32(total);
  let row = 0;
  for (const { file, bytes } of batches)
    for (let r = 0; r < bytes.length / RECORD; r++, row++) {
      const label = bytes[r * RECORD]!;
      if (label >= CIFAR.classes)
        throw badDataFile(
          file,
          `record ${r + 1} has label ${label}, outside 0..9: not a CIFAR-10 binary batch`,
        );
      y[row] = label;
      x.set(bytes.subarray(r * RECORD + 1, (r + 1) * RECORD), row * PIXELS);
    }
  return { count: total, x, y };
}
