import type { ParamSchema, ParamValues } from "../spec/params.ts";
import type { DataShape, DataSplit } from "./data.ts";

/** A loaded dataset: its shape and a deterministic train/test split. */
export interface Dataset {
  readonly shape: DataShape;
  readonly train: DataSplit;
  readonly test: DataSplit;
  /** One line for summaries: where the data came from. */
  readonly description: string;
}

/**
 * A dataset plugin. `load` must be deterministic in its parameters (synthetic sets take a
 * `seed` parameter of their own, so every run of a comparison sees the same data) and may be
 * async. Loading happens once per process and thread; keep the result in typed arrays.
 */
export interface DatasetDefinition<S extends ParamSchema = ParamSchema> {
  readonly name: string;
  readonly summary: string;
  readonly params: S;
  /** Loads (or generates) the data for these parameters: the same data every time for the same parameters. */
  load(params: ParamValues<S>): Dataset | Promise<Dataset>;
}

/** Declares a dataset plugin; returns its argument so TypeScript infers the parameter types. */
export function defineDataset<const S extends ParamSchema>(
  definition: DatasetDefinition<S>,
): DatasetDefinition<S> {
  return definition;
}
