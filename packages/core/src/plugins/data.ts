/** What a model is trained to do, and the sizes it needs to lay out its parameters. */
export interface DataShape {
  /** Features per sample. */
  readonly inputs: number;
  /** Regression targets per sample, or the number of classes. */
  readonly outputs: number;
  readonly task: "regression" | "classification";
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

/** Summed loss (and number of correct predictions, for classifiers) over some samples. */
export interface LossSum {
  loss: number;
  correct: number;
}
