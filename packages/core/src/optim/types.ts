import type { ParameterGroup } from "../plugins/model.ts";
import type { ParamSchema, ParamValues } from "../spec/params.ts";

/** The per-step hyper-parameters the trainer passes: the schedule's lr and momentum, and the step count. */
export interface StepHyper {
  readonly lr: number;
  /** The schedule's momentum, if it cycles one; replaces SGD's momentum or Adam's beta1. */
  readonly momentum: number | undefined;
  /** 1 for the first update (Adam's bias correction, Adagrad's lr decay count from it). */
  readonly step: number;
}

/**
 * An optimizer for one parameter vector. `step` updates `params[from..to)` from the mean
 * gradient; all built-ins are element-wise, so the update can be split across threads, each
 * owning a slice. State lives in arrays from the `allocate` the optimizer was created with.
 *
 * The contract that makes sharding work: `create` allocates all its state up front, in the
 * same order every time, and never writes to it — memory from `allocate` starts zeroed and may
 * be shared by instances in several threads, created at different times. Everything an update
 * needs to know (such as "is this the first step with momentum?") must live in that memory.
 */
export interface OptimizerInstance {
  /**
   * Updates `params[from..to)` from the mean gradient `grad` with this step's lr and momentum (a
   * slice, so workers can share the update). `totals` holds the whole-vector sums of
   * {@link statistics} for this step (empty when the optimizer has none).
   */
  step(
    params: Float32Array,
    grad: Float32Array,
    from: number,
    to: number,
    hyper: StepHyper,
    totals: Float64Array,
  ): void;
  /**
   * Optional. Sums over whole parameter groups that the update needs before it can run, such as
   * the layer norms of LARS's and LAMB's trust ratios. Each slice gathers its partial sums, the
   * backend adds them up in a fixed order (so the totals are the same bits at any worker count),
   * and `step` receives the totals.
   */
  readonly statistics?: OptimizerStatistics;
}

/**
 * The gather half of an optimizer that needs sums over parameter groups. Called once per step
 * for every fixed block of parameters (`NORM_BLOCK`, never split between workers), before any
 * `step` of that step; it may also update element-wise state of `[from, to)` (LAMB's moments),
 * since each element is gathered exactly once per step.
 */
export interface OptimizerStatistics {
  /** How many sums one gather writes (for example two per parameter group). */
  readonly length: number;
  /** Adds the sums over `[from, to)` into `sums` (zeroed by the caller, `length` long). */
  gather(
    params: Float32Array,
    grad: Float32Array,
    from: number,
    to: number,
    hyper: StepHyper,
    sums: Float64Array,
  ): void;
}

/** Allocates zeroed optimizer state: plain memory in-process, shared memory in the worker pool. */
export type Allocate = (length: number) => Float32Array;

/** An optimizer plugin: a name, a parameter schema and a `create` that allocates its state (PyTorch's update rules). */
export interface OptimizerDefinition<S extends ParamSchema = ParamSchema> {
  readonly name: string;
  readonly summary: string;
  readonly params: S;
  /** Which hyper-parameter a schedule's momentum drives: SGD's momentum or Adam's beta1; none for the rest. */
  readonly scheduledMomentum: "momentum" | "beta1" | undefined;
  /** The PyTorch class whose update rule this is, when PyTorch has the optimizer (LARS and LAMB follow optax). */
  readonly pytorch?: string;
  /**
   * Allocates zeroed state for `size` parameters through `allocate` (shared memory in the worker
   * pool) and nothing else. `groups` is the model's parameter layout (`ModelInstance.parameterGroups`,
   * or one `weight` group over everything when the model does not say), for optimizers that
   * treat layers or biases apart.
   */
  create(
    params: ParamValues<S>,
    size: number,
    allocate: Allocate,
    groups: readonly ParameterGroup[],
  ): OptimizerInstance;
}

/** Declares an optimizer plugin; returns its argument so TypeScript infers the parameter types. */
export function defineOptimizer<const S extends ParamSchema>(
  definition: OptimizerDefinition<S>,
): OptimizerDefinition<S> {
  return definition;
}

/** Plain, zeroed, unshared memory. */
export const allocateLocal: Allocate = (length) => new Float32Array(length);
