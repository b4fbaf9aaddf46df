/**
 * How an image sample's features are laid out: `channels` planes of `height` rows of `width`
 * pixels, channel-major (CHW, PyTorch's order), so feature `(c * height + h) * width + w` is
 * pixel (h, w) of channel c and `channels * height * width` equals the shape's `inputs`.
 */
export interface ImageShape {
  readonly channels: number;
  readonly height: number;
  readonly width: number;
}

/** What a model is trained to do, and the sizes it needs to lay out its parameters. */
export interface DataShape {
  /** Features per sample. */
  readonly inputs: number;
  /** Regression targets per sample, or the number of classes. */
  readonly outputs: number;
  readonly task: "regression" | "classification";
  /**
   * Present when each sample is an image (IDX digits, CIFAR-10): read by convolutional models
   * to shape their first layer. Absent for tabular data, which a convolution cannot take.
   */
  readonly image?: ImageShape;
}

/**
 * One split of a dataset in typed-array form, row-major. For classification `y` holds one
 * class index per sample; for regression `outputs` targets per sample.
 */
export interface DataSplit {
  readonly size: number;
  readonly x: Float32Array;
  readonly y: Float32Array;
}

/**
 * A split stored compactly: one byte per feature (image pixels), a quarter of float32's memory.
 * Models never see it: the training backends decode the rows of each chunk into a float32
 * {@link DataSplit} just before the model's hook runs. Feature `f` of a sample decodes to
 * `(bytes[f] - offset[g]) / divisor[g]` (computed in double precision, rounded to float32),
 * where `g` is the feature's group: the features are `offset.length` equal, contiguous groups
 * (one per image channel, or one per feature).
 */
export interface ByteSplit {
  readonly size: number;
  /** `size x inputs` bytes, row-major. */
  readonly bytes: Uint8Array;
  /** As {@link DataSplit.y}. */
  readonly y: Float32Array;
  readonly offset: Float64Array;
  readonly divisor: Float64Array;
}

/** A split as a dataset holds it: float32 features, or bytes decoded a chunk at a time. */
export type StoredSplit = DataSplit | ByteSplit;

/** Summed loss (and number of correct predictions, for classifiers) over some samples. */
export interface LossSum {
  loss: number;
  correct: number;
}
