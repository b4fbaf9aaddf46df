import type { DataShape, DataSplit } from "./data.ts";
import type { Dataset } from "./dataset.ts";

/** A Float32Array whose memory is a SharedArrayBuffer: posted to a worker, it is shared, not copied. */
export function sharedFloat32(length: number): Float32Array {
  return new Float32Array(new SharedArrayBuffer(4 * length));
}

function shareArray(values: Float32Array): Float32Array {
  if (values.buffer instanceof SharedArrayBuffer) return values;
  const shared = sharedFloat32(values.length);
  shared.set(values);
  return shared;
}

function shareSplit(split: DataSplit): DataSplit {
  return { size: split.size, x: shareArray(split.x), y: shareArray(split.y) };
}

function copyShape(shape: DataShape): DataShape {
  const { inputs, outputs, task, image } = shape;
  return image
    ? { inputs, outputs, task, image: { channels: image.channels, height: image.height, width: image.width } }
    : { inputs, outputs, task };
}

/**
 * The dataset as plain data over shared memory: its arrays moved into SharedArrayBuffers (kept
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
