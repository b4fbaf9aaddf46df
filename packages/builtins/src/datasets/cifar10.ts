import { existsSync } from "node:fs";
import { join } from "node:path";
import { badDataFile, defineDataset, param } from "@lrsim/core/plugin-api";
import { assemble, fileDatasetOptions, fileDatasetParams } from "./files/assemble.ts";
import { CIFAR, readCifarBatches } from "./files/cifar10.ts";
import { readDataFile } from "./files/read-file.ts";

/** A batch file in `dir`, plain or `.gz`. */
function batchFile(dir: string, name: string): string | undefined {
  for (const path of [join(dir, name), join(dir, `${name}.gz`)]) if (existsSync(path)) return path;
  return undefined;
}

/**
 * The CIFAR-10 photographs (Krizhevsky 2009) from the binary distribution's folder
 * (`cifar-10-batches-bin`: `data_batch_1.bin` .. `data_batch_5.bin`, `test_batch.bin`), as
 * 3 x 32 x 32 images in 10 classes.
 */
export const cifar10 = defineDataset({
  name: "cifar10",
  summary:
    "CIFAR-10 binary batches (cifar-10-batches-bin): 3x32x32 images, 10 classes; a seeded hold-out without test_batch.bin.",
  params: {
    dir: param.string({
      doc: "The cifar-10-batches-bin folder (data_batch_N.bin, test_batch.bin; .gz too).",
      path: true,
    }),
    batches: param.integer({
      doc: "Training batches to read, data_batch_1 up to this one.",
      default: 5,
      min: 1,
      max: 5,
    }),
    ...fileDatasetParams("unit", "Pixel scaling."),
  },
  load: (p) => {
    const read = (file: string) => ({ file, bytes: readDataFile(file) });
    const trainFiles = Array.from({ length: p.batches }, (_, i) => {
      const name = `data_batch_${i + 1}.bin`;
      const file = batchFile(p.dir, name);
      if (!file)
        throw badDataFile(
          join(p.dir, name),
          "no such file: dir= must be the cifar-10-batches-bin folder of the binary version",
        );
      return file;
    });
    const train = readCifarBatches(trainFiles.map(read));
    const testFile = batchFile(p.dir, "test_batch.bin");
    const test = testFile ? readCifarBatches([read(testFile)]) : undefined;
    return assemble({
      shape: {
        inputs: CIFAR.channels * CIFAR.height * CIFAR.width,
        outputs: CIFAR.classes,
        task: "classification",
        image: { channels: CIFAR.channels, height: CIFAR.height, width: CIFAR.width },
      },
      train,
      test,
      ...fileDatasetOptions(p),
      description: `CIFAR-10 batches in ${p.dir}`,
    });
  },
});
