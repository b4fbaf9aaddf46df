import type { SpecCall } from "../spec/ast.ts";
import type { DefaultContext, ParamSchema, ParamValues } from "../spec/params.ts";

/** What a schedule's `t` counts: optimizer steps (mini-batches) or completed epochs. */
export type ScheduleUnit = "step" | "epoch";

/** What a schedule says for one value of its clock. The trainer honours all three. */
export interface ScheduleValue {
  /** Learning rate. */
  readonly lr: number;
  /** Mini-batch size, for batch-size schedules (`batchramp`, `hybrid`); otherwise the run's. */
  readonly batchSize?: number;
  /** SGD momentum (or Adam's beta1), for schedules that cycle it (`onecycle`, `cyclic`). */
  readonly momentum?: number;
}

/**
 * A built, ready-to-evaluate schedule. `at(t)` is cheap and may be called for any `t >= 0`
 * in any order, except for metric-driven schedules (`plateau`), whose value depends on the
 * metrics observed so far.
 */
export interface Schedule {
  readonly name: string;
  readonly unit: ScheduleUnit;
  /** The canonical spec: parses back to this same schedule. */
  readonly spec: string;
  /** The bound parameter values, nested specs in canonical text. */
  readonly params: Readonly<Record<string, unknown>>;
  /** True when the value depends on `observe` calls (ReduceLROnPlateau). */
  readonly metricDriven: boolean;
  /** The schedule's values at tick `t` of its clock (0-based). */
  at(t: number): ScheduleValue;
  /**
   * Called by the trainer with the monitored metric after clock tick `t` has finished
   * (for an epoch-unit schedule: at the end of epoch `t`), before `at(t + 1)` is asked.
   */
  observe(t: number, metric: number): void;
}

/** What a schedule definition's `create` returns: the evaluation part of a {@link Schedule}. */
export interface ScheduleCurve {
  /** The values at tick `t`. */
  at(t: number): ScheduleValue;
  /** Receives the monitored metric after tick `t` (metric-driven schedules only). */
  observe?(t: number, metric: number): void;
  /** Set when the curve (or a child) reacts to `observe`. */
  readonly metricDriven?: boolean;
}

/** Passed to `create`: the run length, and a way to build nested specs. */
export interface ScheduleContext extends DefaultContext {
  /** The clock this schedule runs on; compositions pass it to their children. */
  readonly unit: ScheduleUnit;
  /** Builds a nested spec (e.g. warmup's `then`) with its own run length. */
  build(spec: SpecCall, context?: DefaultContext): Schedule;
}

/**
 * A schedule plugin: a name, a parameter schema and a `create` that turns bound parameters
 * into a curve. Built-ins are defined exactly like a user's own schedule.
 */
export interface ScheduleDefinition<S extends ParamSchema = ParamSchema> {
  readonly name: string;
  /** One line for listings. */
  readonly summary: string;
  /** What `t` counts unless the spec says `unit=...`. */
  readonly unit: ScheduleUnit;
  readonly params: S;
  /** The PyTorch class whose values this schedule reproduces exactly, if any. */
  readonly pytorch?: string;
  /** The formula in plain text, for `lrsim schedules --verbose` and the docs. */
  readonly formula?: string;
  /** Cross-parameter checks; return a message saying what is wrong, or undefined. */
  validate?(params: ParamValues<S>): string | undefined;
  /** Turns bound parameters into a curve; `context` gives the run length and builds nested specs. */
  create(params: ParamValues<S>, context: ScheduleContext): ScheduleCurve;
}

/**
 * Declares a schedule plugin. It only returns its argument, so that TypeScript infers the
 * parameter types in `create` from the schema.
 */
export function defineSchedule<const S extends ParamSchema>(
  definition: ScheduleDefinition<S>,
): ScheduleDefinition<S> {
  return definition;
}
