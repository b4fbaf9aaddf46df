import {
  createRng,
  type DataShape,
  type Dataset,
  param,
  type StoredSplit,
  sharedBytes,
  sharedFloat32,
} from "@lrsim/core/plugin-api";

/** How feature values are scaled on loading, from statistics of the training samples alone. */
export type Normalization = "none" | "unit" | "standard" | "minmax";

/** Samples as a file holds them: `count` rows of features (bytes or floats) and their targets. */
export interface Samples {
  readonly count: number;
  /** `count x inputs` features, row-major, as read (image bytes stay bytes until copied). */
  readonly x: Uint8Array | Float32Array;
  /** `count` class indices, or `count x outputs` regression targets. */
  readonly y: Float32Array;
}

/** What {@link assemble} builds a dataset from. */
export interface AssembleOptions {
  readonly shape: DataShape;
  readonly train: Samples;
  /** The test samples, or undefined to hold out a seeded `validation` share of `train`. */
  readonly test: Samples | undefined;
  readonly normalize: Normalization;
  /** Keep byte features as bytes (decoded per chunk), or store them normalized as float32. */
  readonly storage: "bytes" | "float32";
  readonly validation: number;
  readonly seed: number;
  /** Use at most this many training (test) samples, a seeded choice; undefined: all. */
  readonly trainLimit: number | undefined;
  readonly testLimit: number | undefined;
  /** For each feature of a sample, the feature of the file's row it is read from (EMNIST's transposed images); undefined: the same. */
  readonly featureOrder?: Int32Array | undefined;
  readonly description: string;
}

/** The parameters every file dataset shares: normalization, held-out share, seed and size limits. */
export function fileDatasetParams(normalizeDefault: Normalization, normalizeDoc: string) {
  return {
    normalize: param.choice(["none", "unit", "standard", "minmax"], {
      doc: `${normalizeDoc} none: as stored; unit: divided by 255 (bytes to [0, 1]); standard: minus the mean, over the standard deviation; minmax: to [0, 1] by minimum and maximum (statistics of the training samples, per channel for images, per feature otherwise).`,
      default: normalizeDefault,
    }),
    storage: param.choice(["bytes", "float32"], {
      doc: "How image bytes are held: bytes (a quarter of the memory, decoded a chunk at a time) or float32 (decoded once when loading, four times the memory); float data is always float32.",
      default: "bytes",
    }),
    validation: param.number({
      doc: "Share of the training samples held out (seeded) as the test split when no test file is given.",
      default: 0.2,
      min: 0,
      exclusiveMin: true,
      max: 1,
      exclusiveMax: true,
    }),
    seed: param.integer({ doc: "Seed of the held-out split and of the size limits.", default: 0, min: 0 }),
    train: param.integer({
      doc: "Use at most this many training samples (a seeded choice); default: all.",
      min: 1,
      optional: true,
    }),
    test: param.integer({
      doc: "Use at most this many test samples (a seeded choice); default: all.",
      min: 1,
      optional: true,
    }),
  };
}

/** The {@link assemble} options that a dataset's bound {@link fileDatasetParams} set. */
export function fileDatasetOptions(p: {
  readonly normalize: Normalization;
  readonly storage: "bytes" | "float32";
  readonly validation: number;
  readonly seed: number;
  readonly train?: number | undefined;
  readonly test?: number | undefined;
}): Pick<AssembleOptions, "normalize" | "storage" | "validation" | "seed" | "trainLimit" | "testLimit"> {
  return {
    normalize: p.normalize,
    storage: p.storage,
    validation: p.validation,
    seed: p.seed,
    trainLimit: p.train,
    testLimit: p.test,
  };
}

/** At most `limit` of `rows`, a seeded choice, in ascending order (so copying reads the file forwards). */
function limitRows(rows: Int32Array, limit: number | undefined, seed: number, stream: string): Int32Array {
  if (limit === undefined || limit >= rows.length) return rows;
  const shuffled = rows.slice();
  createRng(seed, stream).shuffle(shuffled);
  return shuffled.subarray(0, limit).sort();
}

const identity = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

/** Training and test rows: the given splits, or a seeded hold-out of the training file (as `splitSamples` cuts). */
function chooseRows(o: AssembleOptions): { trainRows: Int32Array; testRows: Int32Array } {
  if (o.test)
    return {
      trainRows: limitRows(identity(o.train.count), o.trainLimit, o.seed, "train-limit"),
      testRows: limitRows(identity(o.test.count), o.testLimit, o.seed, "test-limit"),
    };
  const n = o.train.count;
  const order = identity(n);
  createRng(o.seed, "split").shuffle(order);
  const held = Math.min(n - 1, Math.max(1, Math.round(n * o.validation)));
  return {
    trainRows: limitRows(order.slice(0, n - held).sort(), o.trainLimit, o.seed, "train-limit"),
    testRows: limitRows(order.slice(n - held).sort(), o.testLimit, o.seed, "test-limit"),
  };
}

/** Per group of features (an image channel, or one feature), what to subtract and divide by. */
interface Affine {
  readonly groupSize: number;
  readonly offset: Float64Array;
  readonly divisor: Float64Array;
}

/** The normalization's offsets and divisors, from the training rows' statistics. */
function normalization(o: AssembleOptions, rows: Int32Array): Affine {
  const { inputs, image } = o.shape;
  const groupSize = image ? image.height * image.width : 1;
  const groups = inputs / groupSize;
  const offset = new Float64Array(groups);
  const divisor = new Float64Array(groups).fill(o.normalize === "unit" ? 255 : 1);
  if (o.normalize === "none" || o.normalize === "unit") return { groupSize, offset, divisor };
  const x = o.train.x;
  const a = new Float64Array(groups).fill(o.normalize === "minmax" ? Number.POSITIVE_INFINITY : 0);
  const b = new Float64Array(groups).fill(o.normalize === "minmax" ? Number.NEGATIVE_INFINITY : 0);
  for (const row of rows) {
    const base = row * inputs;
    for (let f = 0; f < inputs; f++) {
      const v = x[base + f]!;
      const g = (f / groupSize) | 0;
      if (o.normalize === "minmax") {
        if (v < a[g]!) a[g] = v;
        if (v > b[g]!) b[g] = v;
      } else {
        a[g]! += v;
        b[g]! += v * v;
      }
    }
  }
  const perGroup = rows.length * groupSize;
  for (let g = 0; g < groups; g++) {
    if (o.normalize === "minmax") {
      offset[g] = a[g]!;
      divisor[g] = b[g]! > a[g]! ? b[g]! - a[g]! : 1;
    } else {
      const mean = a[g]! / perGroup;
      const std = Math.sqrt(Math.max(0, b[g]! / perGroup - mean * mean));
      offset[g] = mean;
      divisor[g] = std > 0 ? std : 1;
    }
  }
  return { groupSize, offset, divisor };
}

const isShared = (a: Uint8Array) => a.buffer instanceof SharedArrayBuffer;

/** Whether `rows` is every row, in order: then a file's bytes in shared memory are the split as they are. */
function isEveryRow(rows: Int32Array, count: number): boolean {
  if (rows.length !== count) return false;
  for (let i = 0; i < count; i++) if (rows[i] !== i) return false;
  return true;
}

/**
 * Copies `rows` of `from` into a split in shared memory (or, for a file's bytes already there
 * and taken whole, uses them as they are). Bytes stay bytes (a byte split, which
 * training decodes a chunk at a time with the normalization's offsets and divisors); floats are
 * normalized on the way into a float32 split.
 */
function copySplit(o: AssembleOptions, from: Samples, rows: Int32Array, affine: Affine): StoredSplit {
  const { inputs, outputs, task } = o.shape;
  const width = task === "classification" ? 1 : outputs;
  const y = sharedFloat32(rows.length * width);
  for (let i = 0; i < rows.length; i++)
    y.set(from.y.subarray(rows[i]! * width, (rows[i]! + 1) * width), i * width);
  const order = o.featureOrder;
  const source = from.x;
  if (source instanceof Uint8Array && o.storage === "bytes") {
    if (!order && isShared(source) && isEveryRow(rows, from.count))
      return { size: rows.length, bytes: source, y, offset: affine.offset, divisor: affine.divisor };
    const bytes = sharedBytes(rows.length * inputs);
    for (let i = 0; i < rows.length; i++) {
      const base = rows[i]! * inputs;
      if (order) for (let f = 0; f < inputs; f++) bytes[i * inputs + f] = source[base + order[f]!]!;
      else bytes.set(source.subarray(base, base + inputs), i * inputs);
    }
    return { size: rows.length, bytes, y, offset: affine.offset, divisor: affine.divisor };
  }
  const x = sharedFloat32(rows.length * inputs);
  const { groupSize, offset, divisor } = affine;
  for (let i = 0; i < rows.length; i++) {
    const base = rows[i]! * inputs;
    for (let f = 0; f < inputs; f++) {
      const g = (f / groupSize) | 0;
      x[i * inputs + f] = (source[base + (order ? order[f]! : f)]! - offset[g]!) / divisor[g]!;
    }
  }
  return { size: rows.length, x, y };
}

/**
 * Builds a dataset from samples read from files: the training and test rows (a seeded hold-out
 * when there is no test file), normalized by statistics of the training rows, written straight
 * into shared memory. Image bytes stay bytes there (a quarter of float32's memory), decoded
 * with the normalization a chunk at a time as training reads them.
 */
export function assemble(o: AssembleOptions): Dataset {
  const { trainRows, testRows } = chooseRows(o);
  const affine = normalization(o, trainRows);
  const held = o.test ? "" : " (held out from the training samples)";
  return {
    shape: o.shape,
    train: copySplit(o, o.train, trainRows, affine),
    test: copySplit(o, o.test ?? o.train, testRows, affine),
    description: `${o.description}: ${trainRows.length} train / ${testRows.length} test${held}, normalize=${o.normalize}`,
  };
}
