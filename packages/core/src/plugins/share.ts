import { isByteSplit } from "./chunk-reader.ts";
import type { DataShape, StoredSplit } from "./data.ts";
import type { Dataset } from "./dataset.ts";

/** A Float32Array whose memory is a SharedArrayBuffer: posted to a worker, it is shared, not copied. */
export function sharedFloat32(length: number): Float32Array {
  return new Float32Array(new SharedArrayBuffer(4 * length));
}

/** Bytes whose memory is a SharedArrayBuffer (see {@link sharedFloat32}). */
export function sharedBytes(length: number): Uint8Array {
  return new Uint8Array(new SharedArrayBuffer(length));
}

function shareArray<A extends Float32Array | Uint8Array>(values: A, allocate: (n: number) => A): A {
  if (values.buffer instanceof SharedArrayBuffer) return values;
  const shared = allocate(values.length);
  shared.set(values);
  return shared;
}

function shareSplit(split: StoredSplit): StoredSplit {
  const y = shareArray(split.y, sharedFloat32);
  if (!isByteSplit(split)) return { size: split.size, x: shareArray(split.x, sharedFloat32), y };
  const { size, offset, divisor } = split;
  return {
    size,
    bytes: shareArray(split.bytes, sharedBytes),
    y,
    offset: offset.slice(),
    divisor: divisor.slice(),
  };
}

function copyShape(shape: DataShape): DataShape {
  const { inputs, outputs, task, image } = shape;
  return image
    ? { inputs, outputs, task, image: { channels: image.channels, height: image.height, width: image.width } }
    : { inputs, outputs, task };
}

/**
 * The dataset as plain data over shared memory: its arrays (features, float32 or bytes, and targets) moved into SharedArrayBuffers (kept
 * as they are when a loader allocated them there already, as the file loaders do, so nothing is
 * copied), and nothing else a plugin may have attached. Posting it to a worker thread hands the
 * worker views of the same memory, so a dataset is loaded once per process, not once per thread.
 */
export function shareDataset(data: Dataset): Dataset {
  return {
    shape: copyShape(data.shape),
    train: shareSplit(data.train),
    test: shareSplit(data.test),
    description: String(data.description),
  };
}
