import { defineSchedule, param } from "@lrsim/core/plugin-api";
import { lrParam, milestonesParam, passedMilestones } from "./common.ts";

/** The initial batch: the run's `--batch-size` when there is one. */
const batchSizeParam = param.integer({
  doc: "Initial batch size (default: the run's batch size).",
  min: 1,
  default: (context) => context.batchSize,
  hint: "give batchSize=... or a run batch size",
});

const factorParam = param.number({
  doc: "Factor by which the batch grows (or the lr shrinks) at each milestone.",
  default: 5,
  min: 1,
  exclusiveMin: true,
});

/**
 * Goyal et al. (2017), "Accurate, Large Minibatch SGD": when the batch grows k-fold, grow the lr
 * k-fold (`linear`) — or sqrt(k)-fold (`sqrt`, the rule that keeps the variance of the update
 * the same; Krizhevsky 2014, Hoffer et al. 2017). `none` keeps the lr, as Smith et al. do.
 */
const lrScalingParam = param.choice(["none", "linear", "sqrt"], {
  doc: "Scale the lr with the batch: linear (x k for a k-fold batch, Goyal et al. 2017), sqrt (x sqrt k), none.",
  default: "none",
});

/**
 * The lr multiplier of the scaling rule when the batch grows from `initial` to `batch`, both
 * taken as the trainer uses them: capped at the training set's size (`trainSize`, known when a
 * run is planned), so an lr is never scaled for samples the batch cannot have.
 */
export function lrScale(
  rule: "none" | "linear" | "sqrt",
  batch: number,
  initial: number,
  trainSize: number | undefined,
): number {
  const cap = trainSize ?? Number.POSITIVE_INFINITY;
  const ratio = Math.min(batch, cap) / Math.min(initial, cap);
  return rule === "linear" ? ratio : rule === "sqrt" ? Math.sqrt(ratio) : 1;
}

/** The parameters batchramp and hybrid share; only what `maxBatch` defaults to differs. */
export function rampParams(maxBatchDoc: string) {
  return {
    lr: lrParam,
    batchSize: batchSizeParam,
    factor: factorParam,
    milestones: milestonesParam,
    maxBatch: param.integer({ doc: maxBatchDoc, min: 1, optional: true }),
    lrScaling: lrScalingParam,
  };
}

/** A cap below the starting batch is a mistake in either schedule. */
export function checkMaxBatch({
  batchSize,
  maxBatch,
}: {
  batchSize: number;
  maxBatch: number | undefined;
}): string | undefined {
  return maxBatch !== undefined && maxBatch < batchSize
    ? `maxBatch (${maxBatch}) must be at least batchSize (${batchSize})`
    : undefined;
}

/**
 * Smith et al. (2018): where step decay would divide the lr by `factor`, multiply the batch
 * by `factor` instead. The batch is rounded to an integer and capped at `maxBatch`. With
 * `lrScaling`, the lr follows the batch by Goyal et al.'s rule: `linear` keeps lr / batch — the
 * noise scale of Smith et al. — constant, so the ramp no longer anneals; `sqrt` anneals by
 * sqrt(factor) per milestone instead of factor.
 */
export const batchRamp = defineSchedule({
  name: "batchramp",
  summary:
    "Keep the lr; multiply the batch size by factor at each milestone, up to maxBatch (Smith et al. 2018).",
  unit: "epoch",
  formula:
    "batchSize(t) = min(round(batchSize * factor^k), maxBatch), k = milestones <= t; lr(t) = lr * s(batchSize(t) / batchSize), s = 1 (none), r (linear), sqrt(r) (sqrt)",
  params: rampParams("Largest batch size (default: no cap here; the trainer caps at the training set)."),
  validate: checkMaxBatch,
  create: ({ lr, batchSize, factor, milestones, maxBatch, lrScaling }, { trainSize }) => ({
    at: (t) => {
      const ramped = Math.round(batchSize * factor ** passedMilestones(milestones, t));
      const batch = Math.min(ramped, maxBatch ?? Number.POSITIVE_INFINITY);
      return { lr: lr * lrScale(lrScaling, batch, batchSize, trainSize), batchSize: batch };
    },
  }),
});
