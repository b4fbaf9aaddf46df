import { existsSync } from "node:fs";
import { join } from "node:path";
import { badDataFile, type DataShape, defineDataset, param } from "@lrsim/core/plugin-api";
import { assemble, fileDatasetOptions, fileDatasetParams, type Samples } from "./files/assemble.ts";
import { parseIdx } from "./files/idx.ts";
import { count, readDataFile, readDataFileShared } from "./files/read-file.ts";

/** The names the MNIST-style distributions give their four files (before `.gz`), in the order tried. */
const STANDARD_NAMES = {
  images: ["train-images-idx3-ubyte", "train-images.idx3-ubyte"],
  labels: ["train-labels-idx1-ubyte", "train-labels.idx1-ubyte"],
  testImages: ["t10k-images-idx3-ubyte", "t10k-images.idx3-ubyte", "test-images-idx3-ubyte"],
  testLabels: ["t10k-labels-idx1-ubyte", "t10k-labels.idx1-ubyte", "test-labels-idx1-ubyte"],
} as const;

/** The first of the standard names (plain or `.gz`, after `prefix`) that exists in `dir`. */
function findIn(dir: string, prefix: string, names: readonly string[]): string | undefined {
  for (const name of names)
    for (const suffix of ["", ".gz"]) {
      const path = join(dir, `${prefix}${name}${suffix}`);
      if (existsSync(path)) return path;
    }
  return undefined;
}

/** Images and labels of one split, checked against each other. */
async function readPair(
  imagesFile: string,
  labelsFile: string,
): Promise<{ samples: Samples; height: number; width: number }> {
  // Images go straight to shared memory: kept as they are, they become the dataset's bytes.
  const images = parseIdx(await readDataFileShared(imagesFile), imagesFile, 3);
  const labels = parseIdx(readDataFile(labelsFile), labelsFile, 1);
  const [n, height, width] = images.dims as [number, number, number];
  if (labels.dims[0] !== n)
    throw badDataFile(
      labelsFile,
      `holds ${count(labels.dims[0]!)} labels but ${imagesFile} holds ${count(n)} images; give the label file of those images`,
    );
  return { samples: { count: n, x: images.values, y: Float32Array.from(labels.values) }, height, width };
}

/**
 * For EMNIST: each stored `height x width` image is the transpose of the upright one, which is
 * `width x height`; its feature (r, c) is read from the stored (c, r).
 */
function transposed(height: number, width: number): Int32Array {
  const order = new Int32Array(height * width);
  for (let r = 0; r < width; r++) for (let c = 0; c < height; c++) order[r * height + c] = c * width + r;
  return order;
}

/**
 * Handwritten digits, clothes, kana or letters from IDX files — the format of MNIST (LeCun et
 * al. 1998), Fashion-MNIST (Xiao et al. 2017), KMNIST (Clanuwat et al. 2018) and EMNIST (Cohen
 * et al. 2017) — raw or gzipped, one channel of height x width bytes per image.
 */
export const idx = defineDataset({
  name: "idx",
  summary:
    "Images and labels from IDX files (MNIST, Fashion-MNIST, KMNIST, EMNIST), raw or .gz; a seeded hold-out when there is no test pair.",
  params: {
    dir: param.string({
      doc: "Folder holding the files under their usual names (train-images-idx3-ubyte[.gz], train-labels-..., t10k-images-..., t10k-labels-...).",
      path: true,
      optional: true,
    }),
    prefix: param.string({
      doc: 'Prefix of the file names in dir (EMNIST: "emnist-balanced-").',
      default: "",
    }),
    images: param.string({ doc: "Training images file (instead of dir's).", path: true, optional: true }),
    labels: param.string({ doc: "Training labels file (instead of dir's).", path: true, optional: true }),
    testImages: param.string({ doc: "Test images file (instead of dir's).", path: true, optional: true }),
    testLabels: param.string({ doc: "Test labels file (instead of dir's).", path: true, optional: true }),
    transpose: param.boolean({
      doc: "Transpose each image (EMNIST stores them transposed).",
      default: false,
    }),
    classes: param.integer({
      doc: "Number of classes; default: the largest label + 1.",
      min: 1,
      optional: true,
    }),
    ...fileDatasetParams("unit", "Pixel scaling."),
  },
  load: async (p) => {
    const find = (key: keyof typeof STANDARD_NAMES) =>
      p[key] ?? (p.dir === undefined ? undefined : findIn(p.dir, p.prefix, STANDARD_NAMES[key]));
    const images = find("images");
    const labels = find("labels");
    if (images === undefined || labels === undefined) {
      const what = images === undefined ? "images" : "labels";
      const hint = `give dir= a folder holding ${p.prefix}${STANDARD_NAMES[what][0]}[.gz], or images= and labels=`;
      // A folder without the file is a file problem; no folder at all is a missing parameter.
      if (p.dir !== undefined) throw badDataFile(p.dir, `no training ${what} file: ${hint}`);
      throw new RangeError(`no training ${what} file: ${hint}`);
    }
    const train = await readPair(images, labels);
    const testImages = find("testImages");
    const testLabels = find("testLabels");
    if ((testImages === undefined) !== (testLabels === undefined))
      throw badDataFile(
        testImages ?? testLabels!,
        `has no partner ${testImages === undefined ? "test images" : "test labels"} file; give both or neither`,
      );
    const test = testImages && testLabels ? await readPair(testImages, testLabels) : undefined;
    if (test && (test.height !== train.height || test.width !== train.width))
      throw badDataFile(
        testImages!,
        `holds ${test.height}x${test.width} images but ${images} holds ${train.height}x${train.width}`,
      );
    let largest = 0;
    for (const s of [train.samples, test?.samples])
      if (s) for (const label of s.y) if (label > largest) largest = label;
    const classes = p.classes ?? largest + 1;
    if (largest >= classes)
      throw badDataFile(labels, `holds label ${largest}, outside classes=${classes} (0..${classes - 1})`);
    const [height, width] = p.transpose ? [train.width, train.height] : [train.height, train.width];
    const shape: DataShape = {
      inputs: height * width,
      outputs: classes,
      task: "classification",
      image: { channels: 1, height, width },
    };
    return assemble({
      shape,
      train: train.samples,
      test: test?.samples,
      ...fileDatasetOptions(p),
      featureOrder: p.transpose ? transposed(train.height, train.width) : undefined,
      description: `IDX images ${images}`,
    });
  },
});
