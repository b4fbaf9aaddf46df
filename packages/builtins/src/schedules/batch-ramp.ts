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

/** The parameters batchramp and hybrid share; only what `maxBatch` defaults to differs. */
export function rampParams(maxBatchDoc: string) {
  return {
    lr: lrParam,
    batchSize: batchSizeParam,
    factor: factorParam,
    milestones: milestonesParam,
    maxBatch: param.integer({ doc: maxBatchDoc, min: 1, optional: true }),
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
 * by `factor` instead. The batch is rounded to an integer and capped at `maxBatch`.
 */
export const batchRamp = defineSchedule({
  name: "batchramp",
  summary:
    "Keep the lr; multiply the batch size by factor at each milestone, up to maxBatch (Smith et al. 2018).",
  unit: "epoch",
  formula: "batchSize(t) = min(round(batchSize * factor^k), maxBatch), k = milestones <= t; lr(t) = lr",
  params: rampParams("Largest batch size (default: no cap here; the trainer caps at the training set)."),
  validate: checkMaxBatch,
  create: ({ lr, batchSize, factor, milestones, maxBatch }) => ({
    at: (t) => {
      const ramped = Math.round(batchSize * factor ** passedMilestones(milestones, t));
      return { lr, batchSize: Math.min(ramped, maxBatch ?? Number.POSITIVE_INFINITY) };
    },
  }),
});
