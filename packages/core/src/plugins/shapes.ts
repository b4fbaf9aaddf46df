import type { OptimizerDefinition } from "../optim/types.ts";
import { checkScheduleShape } from "../schedules/registry.ts";
import type { ScheduleDefinition } from "../schedules/types.ts";
import type { DatasetDefinition } from "./dataset.ts";
import type { ModelDefinition } from "./model.ts";

/** The kinds of plugin lrsim loads. */
export type PluginKind = "schedule" | "model" | "dataset" | "optimizer";

/** The definition type of each kind. */
export interface PluginDefinitions {
  schedule: ScheduleDefinition;
  model: ModelDefinition;
  dataset: DatasetDefinition;
  optimizer: OptimizerDefinition;
}

/** How each kind's definition is written, for "expected ..." messages. */
export const EXPECTED_SHAPE: Record<PluginKind, string> = {
  schedule: "defineSchedule({ name, summary, unit, params, create(params, context) })",
  model: "defineModel({ name, summary, params, tasks, create(params, shape) })",
  dataset: "defineDataset({ name, summary, params, load(params) })",
  optimizer:
    "defineOptimizer({ name, summary, params, scheduledMomentum, create(params, size, allocate, groups) })",
};

function paramsProblem(definition: { params?: unknown }): string | undefined {
  return definition.params && typeof definition.params === "object"
    ? undefined
    : "`params` must be an object of parameter descriptors";
}

/** Checks that a value has the shape of a `kind` definition; returns what is wrong, or undefined. */
export function shapeProblem(kind: PluginKind, value: unknown): string | undefined {
  if (!value || typeof value !== "object")
    return `expected ${EXPECTED_SHAPE[kind]}, got ${value === null ? "null" : typeof value}`;
  const d = value as Record<string, unknown>;
  if (typeof d.name !== "string" || !d.name) return `expected ${EXPECTED_SHAPE[kind]}: \`name\` is missing`;
  switch (kind) {
    case "schedule":
      return checkScheduleShape(d);
    case "model":
      if (typeof d.create !== "function")
        return `expected ${EXPECTED_SHAPE.model}: \`create\` is not a function`;
      if (!Array.isArray(d.tasks) || d.tasks.some((t) => t !== "regression" && t !== "classification"))
        return '`tasks` must list "regression" and/or "classification"';
      return paramsProblem(d);
    case "dataset":
      if (typeof d.load !== "function")
        return `expected ${EXPECTED_SHAPE.dataset}: \`load\` is not a function`;
      return paramsProblem(d);
    case "optimizer":
      if (typeof d.create !== "function")
        return `expected ${EXPECTED_SHAPE.optimizer}: \`create\` is not a function`;
      return paramsProblem(d);
  }
}
