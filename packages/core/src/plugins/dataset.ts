import type { ParamSchema, ParamValues } from "../spec/params.ts";
import type { DataShape, DataSplit, StoredSplit } from "./data.ts";

/**
 * A loaded dataset: its shape and a deterministic train/test split. Each split holds float32
 * features, or (for image pixels) bytes that training decodes a chunk at a time — a quarter of
 * the memory; either way a model's hooks receive float32 {@link DataSplit}s. `Dataset<DataSplit>`
 * is one known to hold float32 features.
 */
export interface Dataset<S extends StoredSplit = StoredSplit> {
  readonly shape: DataShape;
  readonly train: S;
  readonly test: S;
  /** One line for summaries: where the data came from. */
  readonly description: string;
}

/**
 * A dataset plugin. `load` must be deterministic in its parameters (synthetic sets take a
 * `seed` parameter of their own, so every run of a comparison sees the same data) and may be
 * async. Loading happens once per process and thread; keep the result in typed arrays.
 */
export interface DatasetDefinition<S extends ParamSchema = ParamSchema, D extends Dataset = Dataset> {
  readonly name: string;
  readonly summary: string;
  readonly params: S;
  /** Loads (or generates) the data for these parameters: the same data every time for the same parameters. */
  load(params: ParamValues<S>): D | Promise<D>;
}

/**
 * Declares a dataset plugin; returns its argument so TypeScript infers the parameter types (and
 * what `load` returns: a plugin holding float32 features gives `Dataset<DataSplit>`, so its own
 * tests read `train.x` without a cast).
 */
export function defineDataset<const S extends ParamSchema, D extends Dataset = Dataset<DataSplit>>(
  definition: DatasetDefinition<S, D>,
): DatasetDefinition<S, D> {
  return definition;
}
