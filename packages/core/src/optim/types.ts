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
  /** Updates `params[from..to)` from the mean gradient `grad` with this step's lr and momentum (a slice, so workers can share the update). */
  step(params: Float32Array, grad: Float32Array, from: number, to: number, hyper: StepHyper): void;
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
  /** The PyTorch class whose update rule this is. */
  readonly pytorch: string;
  /** Allocates zeroed state for `size` parameters through `allocate` (shared memory in the worker pool) and nothing else. */
  create(params: ParamValues<S>, size: number, allocate: Allocate): OptimizerInstance;
}

/** Declares an optimizer plugin; returns its argument so TypeScript infers the parameter types. */
export function defineOptimizer<const S extends ParamSchema>(
  definition: OptimizerDefinition<S>,
): OptimizerDefinition<S> {
  return definition;
}

/** Plain, zeroed, unshared memory. */
export const allocateLocal: Allocate = (length) => new Float32Array(length);
