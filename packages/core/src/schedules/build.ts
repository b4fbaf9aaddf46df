import { errors, isLrsimError } from "../errors.ts";
import type { Registry } from "../plugins/registry.ts";
import type { SpecCall } from "../spec/ast.ts";
import { canonicalSpec } from "../spec/canonical.ts";
import { formatCall, formatValue } from "../spec/format.ts";
import { bindParams, type DefaultContext, formatParamValue, type Param, param } from "../spec/params.ts";
import { parseSpec } from "../spec/parse.ts";
import type { Schedule, ScheduleDefinition, ScheduleUnit } from "./types.ts";

/** The registry schedules are built from: the built-ins plus any registered or resolved plugin. */
export type ScheduleRegistry = Registry<ScheduleDefinition>;

/** The `unit` parameter every schedule accepts, defaulting to its definition's unit. */
function unitParam(definition: ScheduleDefinition): Param {
  return param.choice(["step", "epoch"], {
    doc: "What t counts: optimizer steps or epochs.",
    default: definition.unit,
  });
}

/** Schema of a definition as the spec sees it: its own parameters, then `unit`. */
export function fullSchema(definition: ScheduleDefinition): Readonly<Record<string, Param>> {
  return { ...definition.params, unit: unitParam(definition) };
}

/**
 * Children of a composition run on the parent's clock: the parent's unit is passed down, and a
 * child that asks for another unit explicitly is an error rather than silently ignored.
 */
function onParentClock(child: SpecCall, unit: ScheduleUnit, owner: string): SpecCall {
  const explicit = child.args.find((a) => a.key === "unit");
  if (explicit) {
    const value = explicit.value.kind === "string" ? explicit.value.value : formatValue(explicit.value);
    if (value !== unit)
      throw errors.invalidParams(
        owner,
        `${child.name} runs on ${owner}'s clock (unit=${unit}); drop its unit=${value}`,
      );
    return child;
  }
  return {
    ...child,
    args: [...child.args, { key: "unit", value: { kind: "string", value: unit, quoted: false } }],
  };
}

/**
 * Builds a schedule from spec text or syntax: looks the name up, binds and checks the
 * parameters, runs the definition's cross-checks and `create`, and works out the
 * canonical spec. `context.length` is the run length in the schedule's unit, used by
 * derived defaults such as `cosine`'s `tMax` or `onecycle`'s `totalSteps`.
 */
export function buildSchedule(
  registry: ScheduleRegistry,
  spec: string | SpecCall,
  context: DefaultContext = {},
): Schedule {
  const call = typeof spec === "string" ? parseSpec(spec) : spec;
  const definition = registry.get(call.name);
  const schema = fullSchema(definition);
  const values = bindParams(definition.name, schema, call, context);
  const problem = definition.validate?.(values);
  if (problem) throw errors.invalidParams(definition.name, problem);

  const children = new Map<SpecCall, Schedule>();
  const build = (child: SpecCall, childContext: DefaultContext = {}): Schedule => {
    const onClock = onParentClock(child, values.unit as ScheduleUnit, definition.name);
    const built = buildSchedule(registry, onClock, {
      batchSize: context.batchSize,
      trainSize: context.trainSize,
      cwd: context.cwd,
      ...childContext,
    });
    children.set(child, built);
    return built;
  };
  let curve: ReturnType<ScheduleDefinition["create"]>;
  try {
    curve = definition.create(values, { ...context, unit: values.unit as ScheduleUnit, build });
  } catch (error) {
    if (isLrsimError(error)) throw error;
    throw errors.hookFailed(`schedule "${definition.name}"`, "create", error);
  }

  const shown = (value: unknown): string => {
    const asText = (v: unknown) =>
      v && typeof v === "object" && (v as SpecCall).kind === "call"
        ? (children.get(v as SpecCall)?.spec ?? formatCall(v as SpecCall))
        : formatParamValue(v);
    return Array.isArray(value) && value.some((v) => typeof v === "object")
      ? `[${value.map(asText).join(", ")}]`
      : asText(value);
  };
  const params: Record<string, unknown> = {};
  for (const [name, p] of Object.entries(schema)) {
    const value = values[name];
    if (value !== undefined) params[name] = p.type === "spec" || p.type === "specs" ? shown(value) : value;
  }
  const unit = values.unit as ScheduleUnit;
  const canonical = canonicalSpec(definition.name, schema, values, shown);
  const observe = curve.observe?.bind(curve);
  return {
    name: definition.name,
    unit,
    spec: canonical,
    params,
    metricDriven: curve.metricDriven ?? observe !== undefined,
    at: (t: number) => curve.at(t),
    observe: (t: number, metric: number) => observe?.(t, metric),
  };
}
