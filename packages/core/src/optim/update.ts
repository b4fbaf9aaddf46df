import { NORM_BLOCK } from "../train/noise-scale.ts";
import type { OptimizerInstance, StepHyper } from "./types.ts";

/** `torch.nn.utils.clip_grad_norm_`'s guard: the coefficient is maxNorm / (norm + 1e-6). */
const CLIP_EPS = 1e-6;

/** The stages of an update that need a sum over the whole vector first, in the order they run. */
type Stage = "clip" | "statistics";

/** Float64 values the partial sums of an update take: one row per parameter block and stage. */
export function updatePartialsLength(
  optimizer: OptimizerInstance,
  clipGradNorm: number | undefined,
  parameterCount: number,
): number {
  const blocks = Math.ceil(parameterCount / NORM_BLOCK);
  return (clipGradNorm === undefined ? 0 : blocks) + blocks * (optimizer.statistics?.length ?? 0);
}

/**
 * One parameter update from the mean gradient: clipping by global norm (when asked), then the
 * optimizer — in stages, because both need sums over the whole vector (the gradient's norm,
 * LARS's and LAMB's layer norms) before any element can change. Each stage gathers partial sums
 * per fixed block of {@link NORM_BLOCK} parameters into `partials` (shared memory in the worker
 * pool), then, once every block has gathered, each range adds the blocks up in block order
 * itself. A block is never split between workers, so the totals — and the update — are the
 * same bits for any worker count, and the in-process backend (one range, no wait) computes the
 * same.
 *
 * The worker pool runs, block by claimed block: for each stage `gather`, then (once every
 * block gathered) `combine`; then `step`. {@link runWhole} does the same in one thread.
 */
export class ParameterUpdate {
  readonly stages: readonly Stage[];
  private readonly totals: Float64Array;
  /** Per block, the view of its partial sums of the optimizer's statistics. */
  private readonly rows: readonly Float64Array[];
  private readonly blocks: number;

  constructor(
    private readonly optimizer: OptimizerInstance,
    private readonly clipGradNorm: number | undefined,
    private readonly parameterCount: number,
    private readonly partials: Float64Array,
  ) {
    this.blocks = Math.ceil(parameterCount / NORM_BLOCK);
    const length = optimizer.statistics?.length ?? 0;
    const base = clipGradNorm === undefined ? 0 : this.blocks;
    this.rows = Array.from({ length: length > 0 ? this.blocks : 0 }, (_, b) =>
      partials.subarray(base + b * length, base + (b + 1) * length),
    );
    this.totals = new Float64Array(length);
    const stages: Stage[] = [];
    if (clipGradNorm !== undefined) stages.push("clip");
    if (length > 0) stages.push("statistics");
    this.stages = stages;
  }

  /** Gathers stage `stage`'s partial sums over `[from, to)`, which must be whole blocks. */
  gather(
    stage: number,
    params: Float32Array,
    grad: Float32Array,
    from: number,
    to: number,
    hyper: StepHyper,
  ): void {
    if (from % NORM_BLOCK !== 0)
      throw new Error(`an update stage gathers whole blocks of ${NORM_BLOCK} parameters, not from ${from}`);
    for (let lo = from; lo < to; lo += NORM_BLOCK) {
      const b = lo / NORM_BLOCK;
      const hi = Math.min(lo + NORM_BLOCK, this.parameterCount);
      if (this.stages[stage] === "clip") {
        let sum = 0;
        for (let i = lo; i < hi; i++) sum += grad[i]! * grad[i]!;
        this.partials[b] = sum;
      } else {
        const row = this.rows[b]!;
        row.fill(0);
        this.optimizer.statistics!.gather(params, grad, lo, hi, hyper, row);
      }
    }
  }

  /**
   * After every slice gathered stage `stage`: adds the blocks' sums in block order. For clipping,
   * scales `grad[from..to)` by `maxNorm / (norm + 1e-6)` when that is below 1, as
   * `torch.nn.utils.clip_grad_norm_` does (a NaN norm makes the gradient NaN, as there).
   */
  combine(stage: number, grad: Float32Array, from: number, to: number): void {
    if (this.stages[stage] === "clip") {
      let total = 0;
      for (let b = 0; b < this.blocks; b++) total += this.partials[b]!;
      const coefficient = Math.fround(this.clipGradNorm! / (Math.sqrt(total) + CLIP_EPS));
      if (!(coefficient >= 1)) for (let i = from; i < to; i++) grad[i] = grad[i]! * coefficient;
      return;
    }
    const totals = this.totals;
    totals.fill(0);
    for (const row of this.rows) for (let j = 0; j < totals.length; j++) totals[j] = totals[j]! + row[j]!;
  }

  /** The optimizer's update of `[from, to)`, with the totals of its statistics. */
  step(params: Float32Array, grad: Float32Array, from: number, to: number, hyper: StepHyper): void {
    this.optimizer.step(params, grad, from, to, hyper, this.totals);
  }

  /** The whole update in one thread: every stage over the whole vector, then the step. */
  runWhole(params: Float32Array, grad: Float32Array, hyper: StepHyper): void {
    const size = this.parameterCount;
    for (let stage = 0; stage < this.stages.length; stage++) {
      this.gather(stage, params, grad, 0, size, hyper);
      this.combine(stage, grad, 0, size);
    }
    this.step(params, grad, 0, size, hyper);
  }
}
