import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  bindParams,
  ChunkReader,
  type Dataset,
  type DatasetDefinition,
  isByteSplit,
  isLrsimError,
  parseSpec,
} from "@lrsim/core";
import { afterAll, describe, expect, it } from "vitest";
import { cifarBytes, gzip, idxBytes, npyBytes } from "../../../test/helpers/data-files.ts";
import { cifar10, csv, idx, npy } from "../src/index.ts";

const root = mkdtempSync(join(tmpdir(), "lrsim-file-datasets-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Writes files into a fresh folder under the test's temporary root; returns the folder. */
let folders = 0;
function folder(files: Record<string, Uint8Array | string>): string {
  const dir = join(root, `case-${folders++}`);
  mkdirSync(dir);
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

/** Loads a dataset from its spec, relative paths resolved from `cwd` as the catalog does. */
async function load(definition: unknown, spec: string, cwd: string): Promise<Dataset> {
  const d = definition as DatasetDefinition;
  return d.load(bindParams(d.name, d.params, parseSpec(spec), { cwd }));
}

/** A split's features as a model sees them: float32 as stored, or image bytes decoded (as training does, chunk by chunk). */
function xOf(d: Dataset, split: "train" | "test"): Float32Array {
  const stored = d[split];
  if (!isByteSplit(stored)) return stored.x;
  const width = d.shape.task === "classification" ? 1 : d.shape.outputs;
  const all = Int32Array.from({ length: stored.size }, (_, i) => i);
  return new ChunkReader(d.shape.inputs, width)
    .read(stored, all, 0, stored.size)
    .data.x.slice(0, stored.size * d.shape.inputs);
}

/** The message of the LrsimError that loading throws (and that it is one, with the file-error code). */
async function failure(definition: unknown, spec: string, cwd: string): Promise<string> {
  try {
    await load(definition, spec, cwd);
  } catch (error) {
    expect(isLrsimError(error) && error.code, String(error)).toBe("BAD_DATA_FILE");
    return (error as Error).message;
  }
  throw new Error(`${spec} loaded`);
}

/** `n` images of `h` x `w` bytes where pixel (h, w) of image i is (i * 7 + h * w + w) mod 256, labels i mod 10. */
function digits(n: number, h = 4, w = 3) {
  const pixels = new Uint8Array(n * h * w);
  for (let i = 0; i < n; i++)
    for (let r = 0; r < h; r++)
      for (let c = 0; c < w; c++) pixels[i * h * w + r * w + c] = (i * 7 + r * w + c) % 256;
  const labels = Uint8Array.from({ length: n }, (_, i) => i % 10);
  return { images: idxBytes([n, h, w], pixels), labels: idxBytes([n], labels), pixels, labelValues: labels };
}

describe("idx: MNIST-style IDX files", () => {
  it("reads the four files of a folder, gzipped, as 1 x h x w images scaled to [0, 1]", async () => {
    const train = digits(30);
    const test = digits(12);
    const dir = folder({
      "train-images-idx3-ubyte.gz": gzip(train.images),
      "train-labels-idx1-ubyte.gz": gzip(train.labels),
      "t10k-images-idx3-ubyte.gz": gzip(test.images),
      "t10k-labels-idx1-ubyte.gz": gzip(test.labels),
    });
    const d = await load(idx, "idx(dir=.)", dir);
    expect(d.shape).toEqual({
      inputs: 12,
      outputs: 10,
      task: "classification",
      image: { channels: 1, height: 4, width: 3 },
    });
    expect([d.train.size, d.test.size]).toEqual([30, 12]);
    expect(Array.from(xOf(d, "train"))).toEqual(Array.from(train.pixels, (v) => Math.fround(v / 255)));
    expect(Array.from(d.test.y)).toEqual(Array.from(test.labelValues));
    // Kept as bytes (a quarter of float32's memory) in shared memory, so the pool hands the
    // workers views instead of copies.
    expect(isByteSplit(d.train) && d.train.bytes.buffer).toBeInstanceOf(SharedArrayBuffer);
    // Whole files in order are used in place: the bytes are the decompressed file's, past its 16-byte header.
    expect(isByteSplit(d.train) && d.train.bytes.byteOffset).toBe(16);
    expect(d.test.y.buffer).toBeInstanceOf(SharedArrayBuffer);
    // storage=float32 holds the same values decoded up front.
    const floats = await load(idx, "idx(dir=., storage=float32)", dir);
    expect(isByteSplit(floats.train)).toBe(false);
    expect(xOf(floats, "train")).toEqual(xOf(d, "train"));
    expect(xOf(floats, "train").buffer).toBeInstanceOf(SharedArrayBuffer);
  });

  it("a gzip file of two members (its trailer gives only the last one's length) reads whole", async () => {
    const train = digits(20);
    const half = 16 + 10 * 12;
    const dir = folder({
      "train-images-idx3-ubyte.gz": Buffer.concat([
        gzip(train.images.subarray(0, half)),
        gzip(train.images.subarray(half)),
      ]),
      "train-labels-idx1-ubyte.gz": gzip(train.labels),
    });
    const d = await load(idx, "idx(dir=., normalize=none, validation=0.5)", dir);
    const all = [...xOf(d, "train"), ...xOf(d, "test")].sort((a, b) => a - b);
    expect(all).toEqual(Array.from(train.pixels).sort((a, b) => a - b));
  });

  it("raw files by name, EMNIST's prefix and transposed images, and classes= for unseen classes", async () => {
    const train = digits(5, 2, 3);
    const dir = folder({
      "emnist-letters-train-images-idx3-ubyte": train.images,
      "emnist-letters-train-labels-idx1-ubyte": train.labels,
    });
    const d = await load(
      idx,
      "idx(dir=., prefix=emnist-letters-, transpose=true, normalize=none, classes=27, validation=0.4)",
      dir,
    );
    expect(d.shape.outputs).toBe(27);
    expect(d.shape.image).toEqual({ channels: 1, height: 3, width: 2 });
    // Stored row-major 2 x 3, read as its 3 x 2 transpose: feature (h, w) is stored (w, h).
    const stored = (i: number, r: number, c: number) => train.pixels[i * 6 + r * 3 + c]!;
    const all = [
      ...Array.from({ length: d.train.size }, (_, i) => xOf(d, "train").subarray(i * 6, i * 6 + 6)),
      ...Array.from({ length: d.test.size }, (_, i) => xOf(d, "test").subarray(i * 6, i * 6 + 6)),
    ];
    const expected = Array.from({ length: 5 }, (_, i) =>
      [
        stored(i, 0, 0),
        stored(i, 1, 0),
        stored(i, 0, 1),
        stored(i, 1, 1),
        stored(i, 0, 2),
        stored(i, 1, 2),
      ].join(),
    );
    expect(all.map((x) => Array.from(x).join()).sort()).toEqual(expected.sort());
  });

  it("holds out a seeded share when there is no test pair: the same split for a seed, every sample once", async () => {
    const train = digits(50);
    const dir = folder({ "train-images-idx3-ubyte": train.images, "train-labels-idx1-ubyte": train.labels });
    const a = await load(idx, "idx(dir=., normalize=none)", dir);
    const b = await load(idx, "idx(dir=., normalize=none)", dir);
    const c = await load(idx, "idx(dir=., normalize=none, seed=1)", dir);
    expect([a.train.size, a.test.size]).toEqual([40, 10]);
    expect(Array.from(xOf(a, "test"))).toEqual(Array.from(xOf(b, "test")));
    expect(Array.from(xOf(a, "test"))).not.toEqual(Array.from(xOf(c, "test")));
    const firstPixels = [
      ...xOf(a, "train").filter((_, i) => i % 12 === 0),
      ...xOf(a, "test").filter((_, i) => i % 12 === 0),
    ];
    expect(firstPixels.sort((p, q) => p - q)).toEqual(
      Array.from({ length: 50 }, (_, i) => (i * 7) % 256).sort((p, q) => p - q),
    );
  });

  it("normalize=standard gives the training pixels mean 0 and deviation 1; train= and test= limit the sizes", async () => {
    const train = digits(40);
    const dir = folder({ "a.idx": train.images, "b.idx": train.labels });
    const d = await load(
      idx,
      'idx(images="a.idx", labels="b.idx", normalize=standard, train=20, test=5)',
      dir,
    );
    expect([d.train.size, d.test.size]).toEqual([20, 5]);
    const mean = xOf(d, "train").reduce((s, v) => s + v, 0) / xOf(d, "train").length;
    const variance = xOf(d, "train").reduce((s, v) => s + (v - mean) ** 2, 0) / xOf(d, "train").length;
    expect(mean).toBeCloseTo(0, 5);
    expect(variance).toBeCloseTo(1, 4);
  });

  it("bad files get one line naming the file and what is wrong", async () => {
    const good = digits(10);
    const dir = folder({
      "truncated-images": good.images.subarray(0, good.images.length - 5),
      labels: good.labels,
      "eleven-labels": digits(11).labels,
      "csv-not-idx": "1,2,3\n",
      "cut.gz": gzip(good.images).subarray(0, 30),
      images: good.images,
      floats: Buffer.from([0, 0, 0x0d, 3, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0]),
    });
    const at = (name: string) => join(dir, name);
    expect(await failure(idx, 'idx(images="truncated-images", labels="labels")', dir)).toBe(
      `${at("truncated-images")}: truncated: 115 bytes of values, the header (10 x 4 x 3) needs 120`,
    );
    expect(await failure(idx, 'idx(images="csv-not-idx", labels="labels")', dir)).toBe(
      `${at("csv-not-idx")}: wrong magic number (31 2c 32 2c): not an IDX file; expected an IDX image file (idx3-ubyte)`,
    );
    expect(await failure(idx, 'idx(images="images", labels="eleven-labels")', dir)).toBe(
      `${at("eleven-labels")}: holds 11 labels but ${at("images")} holds 10 images; give the label file of those images`,
    );
    expect(await failure(idx, 'idx(images="labels", labels="labels")', dir)).toBe(
      `${at("labels")}: has 1 dimensions; expected an IDX image file (idx3-ubyte) with 3`,
    );
    expect(await failure(idx, 'idx(images="floats", labels="labels")', dir)).toBe(
      `${at("floats")}: holds float values; lrsim reads unsigned-byte IDX files`,
    );
    expect(await failure(idx, 'idx(images="cut.gz", labels="labels")', dir)).toMatch(
      new RegExp(`^${at("cut.gz")}: is not valid gzip data, perhaps truncated \\(.+\\)$`),
    );
    expect(await failure(idx, 'idx(images="missing", labels="labels")', dir)).toBe(
      `${at("missing")}: no such file`,
    );
    await expect(load(idx, "idx", dir)).rejects.toThrow(
      "no training images file: give dir= a folder holding train-images-idx3-ubyte[.gz], or images= and labels=",
    );
    expect(await failure(idx, "idx(dir=.)", dir)).toBe(
      `${dir}: no training images file: give dir= a folder holding train-images-idx3-ubyte[.gz], or images= and labels=`,
    );
  });
});

describe("cifar10: CIFAR-10 binary batches", () => {
  /** `n` images whose pixel (c, h, w) is (i + c * 50 + h + w) mod 256, label (i * 3) mod 10. */
  function batch(n: number, offset: number) {
    const pixels = new Uint8Array(n * 3072);
    for (let i = 0; i < n; i++)
      for (let c = 0; c < 3; c++)
        for (let p = 0; p < 1024; p++)
          pixels[i * 3072 + c * 1024 + p] = (offset + i + c * 50 + (p >> 5) + (p & 31)) % 256;
    const labels = Uint8Array.from({ length: n }, (_, i) => ((offset + i) * 3) % 10);
    return { bytes: cifarBytes(labels, pixels), pixels, labels };
  }

  it("reads data_batch_1..N and test_batch as 3 x 32 x 32 channel-major images", async () => {
    const b1 = batch(4, 0);
    const b2 = batch(3, 4);
    const t = batch(2, 100);
    const dir = folder({
      "data_batch_1.bin": b1.bytes,
      "data_batch_2.bin.gz": gzip(b2.bytes),
      "test_batch.bin": t.bytes,
    });
    const d = await load(cifar10, "cifar10(dir=., batches=2, normalize=none)", dir);
    expect(d.shape).toEqual({
      inputs: 3072,
      outputs: 10,
      task: "classification",
      image: { channels: 3, height: 32, width: 32 },
    });
    expect([d.train.size, d.test.size]).toEqual([7, 2]);
    expect(Array.from(xOf(d, "train").subarray(4 * 3072, 5 * 3072))).toEqual(
      Array.from(b2.pixels.subarray(0, 3072)),
    );
    expect(Array.from(d.train.y)).toEqual([...b1.labels, ...b2.labels]);
    expect(Array.from(d.test.y)).toEqual(Array.from(t.labels));
    // Green plane, row 1, column 2 of the first image: (0 + 50 + 1 + 2).
    expect(xOf(d, "train")[1024 + 32 + 2]).toBe(53);
  });

  it("normalize=standard is per channel; a truncated batch and a missing one are one-line errors", async () => {
    const b1 = batch(6, 0);
    const dir = folder({
      "data_batch_1.bin": b1.bytes,
      "data_batch_2.bin": b1.bytes.subarray(0, 3073 + 100),
    });
    const d = await load(cifar10, "cifar10(dir=., batches=1, normalize=standard, validation=0.5)", dir);
    for (let c = 0; c < 3; c++) {
      let sum = 0;
      for (let i = 0; i < d.train.size; i++)
        for (let p = 0; p < 1024; p++) sum += xOf(d, "train")[i * 3072 + c * 1024 + p]!;
      expect(sum / (d.train.size * 1024)).toBeCloseTo(0, 4);
    }
    expect(await failure(cifar10, "cifar10(dir=., batches=2)", dir)).toBe(
      `${join(dir, "data_batch_2.bin")}: is 3,173 bytes, not a whole number of 3,073-byte CIFAR-10 records (truncated, or not the binary version)`,
    );
    expect(await failure(cifar10, "cifar10(dir=., batches=3)", dir)).toBe(
      `${join(dir, "data_batch_3.bin")}: no such file: dir= must be the cifar-10-batches-bin folder of the binary version`,
    );
  });
});

describe("csv: tabular samples", () => {
  const iris = `sepal,petal,species,width\n5.1,1.4,setosa,0.2\n7.0,4.7,versicolor,1.4\n6.3,6.0,virginica,2.5\n4.9,1.5,setosa,0.1\n"5.0",1.6,setosa,0.2\n`;

  it("a named target column with text classes (sorted into 0, 1, ...), a header detected, features scaled as asked", async () => {
    const dir = folder({
      "iris.csv": iris,
      "test.csv": "sepal,petal,species,width\n6.0,4.0,versicolor,1.2\n",
    });
    const d = await load(
      csv,
      'csv(path="iris.csv", testPath="test.csv", target=species, normalize=none)',
      dir,
    );
    expect(d.shape).toEqual({ inputs: 3, outputs: 3, task: "classification" });
    expect(Array.from(d.train.y)).toEqual([0, 1, 2, 0, 0]);
    expect(Array.from(xOf(d, "train").subarray(0, 3))).toEqual([5.1, 1.4, 0.2].map(Math.fround));
    expect(Array.from(xOf(d, "test"))).toEqual([6, 4, 1.2].map(Math.fround));
    expect(Array.from(d.test.y)).toEqual([1]);
  });

  it("regression on a numbered target with no header, standardized features, a seeded hold-out", async () => {
    const rows = Array.from({ length: 20 }, (_, i) => `${i};${i * 2 + 1};${i % 3}`).join("\n");
    const dir = folder({ "points.csv": rows });
    const d = await load(
      csv,
      'csv(path="points.csv", target="2", task=regression, delimiter=";", validation=0.25)',
      dir,
    );
    expect(d.shape).toEqual({ inputs: 2, outputs: 1, task: "regression" });
    expect([d.train.size, d.test.size]).toEqual([15, 5]);
    const firsts = Array.from({ length: 15 }, (_, i) => xOf(d, "train")[i * 2]!);
    expect(firsts.reduce((s, v) => s + v, 0) / 15).toBeCloseTo(0, 5);
    // Target (column 2) = 2 x column 1 + 1, kept unscaled.
    const all = [...d.train.y, ...d.test.y].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 20 }, (_, i) => i * 2 + 1));
  });

  it("a text cell among the features, a ragged line and an unknown column are one-line errors", async () => {
    const dir = folder({
      "text.csv": "a,b,label\n1,2,0\n3,n/a,1\n",
      "ragged.csv": "1,2,0\n3,1\n",
    });
    expect(await failure(csv, 'csv(path="text.csv")', dir)).toBe(
      `${join(dir, "text.csv")}: line 3, column "b": "n/a" is not a number (features must be numeric; make it the target= column or drop it)`,
    );
    expect(await failure(csv, 'csv(path="ragged.csv")', dir)).toBe(
      `${join(dir, "ragged.csv")}: line 2 has 2 cells, the first line 3`,
    );
    expect(await failure(csv, 'csv(path="text.csv", target=kind)', dir)).toBe(
      `${join(dir, "text.csv")}: has no column "kind"; give target= one of a, b, label or a column number 1..3`,
    );
  });
});

describe("npy: NumPy arrays", () => {
  it("(N, C, H, W) bytes are images, int64 labels classes; unit divides by 255", async () => {
    const pixels = Uint8Array.from({ length: 6 * 2 * 3 * 2 }, (_, i) => (i * 11) % 256);
    const dir = folder({
      "x.npy": npyBytes("|u1", [6, 2, 3, 2], pixels),
      "y.npy": npyBytes("<i8", [6], [0, 1, 2, 1, 0, 2]),
      "tx.npy": npyBytes("|u1", [1, 2, 3, 2], pixels.subarray(0, 12)),
      "ty.npy": npyBytes("<i8", [1], [2]),
    });
    const d = await load(
      npy,
      'npy(x="x.npy", y="y.npy", testX="tx.npy", testY="ty.npy", normalize=unit)',
      dir,
    );
    expect(d.shape).toEqual({
      inputs: 12,
      outputs: 3,
      task: "classification",
      image: { channels: 2, height: 3, width: 2 },
    });
    expect(Array.from(xOf(d, "train"))).toEqual(Array.from(pixels, (v) => Math.fround(v / 255)));
    expect(Array.from(d.train.y)).toEqual([0, 1, 2, 1, 0, 2]);
    expect(Array.from(d.test.y)).toEqual([2]);
  });

  it("float64 (N, F) features with (N, 2) float32 regression targets, as stored", async () => {
    const x = Array.from({ length: 10 * 3 }, (_, i) => i / 7);
    const y = Array.from({ length: 10 * 2 }, (_, i) => i * 0.5);
    const dir = folder({ "x.npy": npyBytes("<f8", [10, 3], x), "y.npy": npyBytes("<f4", [10, 2], y) });
    const d = await load(npy, 'npy(x="x.npy", y="y.npy", task=regression, validation=0.3)', dir);
    expect(d.shape).toEqual({ inputs: 3, outputs: 2, task: "regression" });
    expect([d.train.size, d.test.size]).toEqual([7, 3]);
    const rows = [
      ...Array.from({ length: 7 }, (_, i) => [
        ...xOf(d, "train").subarray(i * 3, i * 3 + 3),
        ...d.train.y.subarray(i * 2, i * 2 + 2),
      ]),
      ...Array.from({ length: 3 }, (_, i) => [
        ...xOf(d, "test").subarray(i * 3, i * 3 + 3),
        ...d.test.y.subarray(i * 2, i * 2 + 2),
      ]),
    ];
    const expected = Array.from({ length: 10 }, (_, i) =>
      [...x.slice(i * 3, i * 3 + 3), ...y.slice(i * 2, i * 2 + 2)].map(Math.fround),
    );
    expect(rows.sort((a, b) => a[0]! - b[0]!)).toEqual(expected);
  });

  it("a wrong magic number, truncated values, float labels and a count mismatch are one-line errors", async () => {
    const x = npyBytes("<f4", [4, 2], [1, 2, 3, 4, 5, 6, 7, 8]);
    const dir = folder({
      "x.npy": x,
      "cut.npy": x.subarray(0, x.length - 4),
      "y.npy": npyBytes("<i4", [4], [0, 1, 0, 1]),
      "y3.npy": npyBytes("<i4", [3], [0, 1, 0]),
      "yf.npy": npyBytes("<f4", [4], [0, 1, 0, 1]),
      "x.csv": "1,2\n",
    });
    const at = (name: string) => join(dir, name);
    expect(await failure(npy, 'npy(x="x.csv", y="y.npy")', dir)).toBe(
      `${at("x.csv")}: wrong magic number: not a NumPy .npy file (save one with numpy.save)`,
    );
    expect(await failure(npy, 'npy(x="cut.npy", y="y.npy")', dir)).toBe(
      `${at("cut.npy")}: truncated: 28 bytes of values, the shape (4, 2) of <f4 needs 32`,
    );
    expect(await failure(npy, 'npy(x="x.npy", y="y3.npy")', dir)).toBe(
      `${at("y3.npy")}: holds 3 targets but ${at("x.npy")} holds 4 samples; give the targets of those samples`,
    );
    const swap = (bytes: Uint8Array, from: string, to: string) =>
      Buffer.from(Buffer.from(bytes).toString("latin1").replace(from, to), "latin1");
    writeFileSync(at("big.npy"), swap(x, "'<f4'", "'>f4'"));
    writeFileSync(at("fortran.npy"), swap(x, "False", "True "));
    expect(await failure(npy, 'npy(x="big.npy", y="y.npy")', dir)).toBe(
      `${at("big.npy")}: holds >f4 values; lrsim reads little-endian numbers (save with .astype("<f4") or "<i8" or "u1")`,
    );
    expect(await failure(npy, 'npy(x="fortran.npy", y="y.npy")', dir)).toBe(
      `${at("fortran.npy")}: is in Fortran order; save it in C order (numpy.ascontiguousarray) instead`,
    );
    expect(await failure(npy, 'npy(x="x.npy", y="yf.npy")', dir)).toBe(
      `${at("yf.npy")}: must hold one integer class per sample for task=classification, got shape (4) of floats`,
    );
  });
});
