import {
  PluginCatalog,
  type PluginDefinitions,
  type PluginKind,
  packagedFile,
  type Registry,
  type ScheduleDefinition,
} from "@lrsim/core";
import { blobs, cifar10, csv, idx, line, mnist, npy, spirals, teacher } from "./datasets/index.ts";
import { cnn, linear, mlp, softmax } from "./models/index.ts";
import { builtinOptimizers } from "./optimizers/index.ts";
import { builtinSchedules } from "./schedules/index.ts";

/**
 * The module workers import built-ins from: this package's entry point, which exports every
 * built-in under the name used below (in the published lrsim package, its `dist/builtins.js`).
 */
const BUILTINS_MODULE = packagedFile(import.meta.url, "./index.ts", "builtins.js").href;

/** One built-in: its kind, its definition (of that kind), and the export a worker imports it from. */
type Builtin<K extends PluginKind = PluginKind> = {
  [P in K]: readonly [kind: P, definition: PluginDefinitions[P], exportName: string];
}[K];

/** The built-in plugins as one readable list: kind, definition, and the export a worker imports it from. */
const BUILTINS: readonly Builtin[] = [
  ...builtinSchedules.map((d) => ["schedule", d, "builtinSchedules"] as const),
  ...builtinOptimizers.map((d) => ["optimizer", d, "builtinOptimizers"] as const),
  ["model", linear, "linear"],
  ["model", softmax, "softmax"],
  ["model", mlp, "mlp"],
  ["model", cnn, "cnn"],
  ["dataset", line, "line"],
  ["dataset", blobs, "blobs"],
  ["dataset", spirals, "spirals"],
  ["dataset", teacher, "teacher"],
  ["dataset", mnist, "mnist"],
  ["dataset", idx, "idx"],
  ["dataset", cifar10, "cifar10"],
  ["dataset", csv, "csv"],
  ["dataset", npy, "npy"],
];

/** Registers one built-in; generic in its kind, so the definition is checked against that kind. */
function registerBuiltin<K extends PluginKind>(
  catalog: PluginCatalog,
  [kind, definition, exportName]: Builtin<K>,
) {
  catalog.register(kind, definition, { module: BUILTINS_MODULE, export: exportName });
}

/**
 * A catalog holding every built-in schedule, optimizer, model and dataset, registered through
 * the same `register` a user's plugin goes through. Paths and `lrsim-plugin-*` packages named
 * on the command line are resolved relative to `cwd`. Every command, the programmatic API and
 * the workers resolve plugins through one of these.
 */
export function createCatalog(cwd: string = process.cwd()): PluginCatalog {
  const catalog = new PluginCatalog(cwd);
  for (const builtin of BUILTINS) registerBuiltin(catalog, builtin);
  return catalog;
}

/** The built-in schedules alone, as a registry (for tests and tools that only evaluate schedules). */
export function createScheduleRegistry(): Registry<ScheduleDefinition> {
  return createCatalog().registries.schedule;
}
