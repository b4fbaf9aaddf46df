import { badDataFile, type DataShape, defineDataset, type ImageShape, param } from "@lrsim/core/plugin-api";
import { assemble, fileDatasetOptions, fileDatasetParams, type Samples } from "./files/assemble.ts";
import { type NpyArray, parseNpy } from "./files/npy.ts";
import { readDataFile } from "./files/read-file.ts";

/** A features array's per-sample layout: (N, F) is tabular, (N, H, W) one-channel images, (N, C, H, W) images. */
function layoutOf(x: NpyArray, file: string): { inputs: number; image: ImageShape | undefined } {
  const [, ...rest] = x.shape;
  if (x.shape.length === 2) return { inputs: rest[0]!, image: undefined };
  if (x.shape.length === 3)
    return { inputs: rest[0]! * rest[1]!, image: { channels: 1, height: rest[0]!, width: rest[1]! } };
  if (x.shape.length === 4)
    return {
      inputs: rest[0]! * rest[1]! * rest[2]!,
      image: { channels: rest[0]!, height: rest[1]!, width: rest[2]! },
    };
  throw badDataFile(
    file,
    `has shape (${x.shape.join(", ")}); features must be (samples, features), (samples, height, width) or (samples, channels, height, width)`,
  );
}

/** Reads one split's features and targets, checked against each other. */
function readSplit(xFile: string, yFile: string, task: "classification" | "regression") {
  const x = parseNpy(readDataFile(xFile), xFile);
  const y = parseNpy(readDataFile(yFile), yFile);
  const n = x.shape[0] ?? 0;
  if (y.shape[0] !== n)
    throw badDataFile(
      yFile,
      `holds ${y.shape[0] ?? 0} targets but ${xFile} holds ${n} samples; give the targets of those samples`,
    );
  if (task === "classification") {
    if (y.shape.length !== 1 || !y.integer)
      throw badDataFile(
        yFile,
        `must hold one integer class per sample for task=classification, got shape (${y.shape.join(", ")}) of ${y.integer ? "integers" : "floats"}`,
      );
    for (const label of y.values)
      if (label < 0) throw badDataFile(yFile, `holds class ${label}; classes are 0, 1, ...`);
  } else if (y.shape.length > 2)
    throw badDataFile(
      yFile,
      `has shape (${y.shape.join(", ")}); regression targets must be (samples) or (samples, outputs)`,
    );
  const targets = y.values instanceof Float32Array ? y.values : Float32Array.from(y.values);
  return {
    x,
    layout: layoutOf(x, xFile),
    samples: { count: n, x: x.values, y: targets } satisfies Samples,
    outputs: y.shape[1] ?? 1,
  };
}

/** Arrays saved with NumPy (`numpy.save`): features and targets in two `.npy` files per split. */
export const npy = defineDataset({
  name: "npy",
  summary:
    "Features and targets from NumPy .npy files (tabular or images as (N, C, H, W)), classification or regression.",
  params: {
    x: param.string({
      doc: "Training features: (samples, features), (samples, height, width) or (samples, channels, height, width).",
      path: true,
    }),
    y: param.string({
      doc: "Training targets: one integer class per sample, or (samples[, outputs]) numbers for regression.",
      path: true,
    }),
    testX: param.string({ doc: "Test features, same layout.", path: true, optional: true }),
    testY: param.string({ doc: "Test targets.", path: true, optional: true }),
    task: param.choice(["classification", "regression"], {
      doc: "What the targets are.",
      default: "classification",
    }),
    classes: param.integer({
      doc: "Number of classes; default: the largest class + 1.",
      min: 1,
      optional: true,
    }),
    ...fileDatasetParams("none", "Feature scaling (unit suits uint8 images)."),
  },
  load: (p) => {
    const train = readSplit(p.x, p.y, p.task);
    if ((p.testX === undefined) !== (p.testY === undefined))
      throw badDataFile(p.testX ?? p.testY!, "has no partner file: give both testX= and testY=, or neither");
    const test = p.testX && p.testY ? readSplit(p.testX, p.testY, p.task) : undefined;
    if (test && (test.layout.inputs !== train.layout.inputs || test.outputs !== train.outputs))
      throw badDataFile(
        p.testX!,
        `has samples of shape (${test.x.shape.slice(1).join(", ")}), ${p.x} of (${train.x.shape.slice(1).join(", ")})`,
      );
    let outputs = train.outputs;
    if (p.task === "classification") {
      let largest = 0;
      for (const s of [train, test])
        if (s) for (const label of s.samples.y) if (label > largest) largest = label;
      outputs = p.classes ?? largest + 1;
      if (largest >= outputs)
        throw badDataFile(p.y, `holds class ${largest}, outside classes=${outputs} (0..${outputs - 1})`);
    }
    const { inputs, image } = train.layout;
    const shape: DataShape = image
      ? { inputs, outputs, task: p.task, image }
      : { inputs, outputs, task: p.task };
    return assemble({
      shape,
      train: train.samples,
      test: test?.samples,
      ...fileDatasetOptions(p),
      description: `NumPy arrays ${p.x}`,
    });
  },
});
