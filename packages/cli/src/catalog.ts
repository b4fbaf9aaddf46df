import {
  builtinOptimizers,
  builtinSchedules,
  type DatasetDefinition,
  type ModelDefinition,
  PluginCatalog,
  type PluginKind,
} from "@lrsim/core";
import { mnist } from "@lrsim/dataset-mnist";
import { blobs, line, spirals, teacher } from "@lrsim/dataset-synthetic";
import { linear } from "@lrsim/model-linear";
import { mlp } from "@lrsim/model-mlp";
import { softmax } from "@lrsim/model-softmax";

const CORE = "@lrsim/core";

/** The built-in plugins as one readable list: kind, definition, and the module a worker imports it from. */
const BUILTINS: ReadonlyArray<readonly [PluginKind, { name: string }, string, string]> = [
  ...builtinSchedules.map((d) => ["schedule", d, CORE, "builtinSchedules"] as const),
  ...builtinOptimizers.map((d) => ["optimizer", d, CORE, "builtinOptimizers"] as const),
  ["model", linear, "@lrsim/model-linear", "linear"],
  ["model", softmax, "@lrsim/model-softmax", "softmax"],
  ["model", mlp as unknown as ModelDefinition, "@lrsim/model-mlp", "mlp"],
  ["dataset", line as unknown as DatasetDefinition, "@lrsim/dataset-synthetic", "line"],
  ["dataset", blobs as unknown as DatasetDefinition, "@lrsim/dataset-synthetic", "blobs"],
  ["dataset", spirals as unknown as DatasetDefinition, "@lrsim/dataset-synthetic", "spirals"],
  ["dataset", teacher as unknown as DatasetDefinition, "@lrsim/dataset-synthetic", "teacher"],
  ["dataset", mnist as unknown as DatasetDefinition, "@lrsim/dataset-mnist", "mnist"],
];

/**
 * A catalog holding every built-in schedule, optimizer, model and dataset, registered through
 * the same `register` a user's plugin goes through. Paths and `lrsim-plugin-*` packages named
 * on the command line are resolved relative to `cwd`.
 */
export function createCatalog(cwd: string = process.cwd()): PluginCatalog {
  const catalog = new PluginCatalog(cwd);
  for (const [kind, definition, module, exportName] of BUILTINS)
    catalog.register(kind, definition as never, { module: import.meta.resolve(module), export: exportName });
  return catalog;
}
