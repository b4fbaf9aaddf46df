import { defineSchedule } from "../types.ts";
import { checkMaxBatch, rampParams } from "./batch-ramp.ts";
import { passedMilestones } from "./common.ts";

/**
 * How many times `batchSize` can be multiplied by `factor` (rounding each result) and stay
 * within `cap`. Closed form plus a rounding correction, so a factor barely above 1 cannot
 * turn this into a near-endless count.
 */
export function rampsThatFit(batchSize: number, factor: number, cap: number): number {
  const batchAt = (j: number) => Math.round(batchSize * factor ** j);
  let fits = Math.max(0, Math.floor(Math.log((cap + 0.5) / batchSize) / Math.log(factor)));
  while (fits > 0 && batchAt(fits) > cap) fits--;
  while (batchAt(fits + 1) <= cap) fits++;
  return fits;
}

/**
 * Smith et al. (2018)'s hybrid: at each milestone grow the batch by `factor` while it stays
 * within `maxBatch`; once it cannot, divide the lr by `factor` instead.
 */
export const hybrid = defineSchedule({
  name: "hybrid",
  summary:
    "Multiply the batch by factor at milestones until maxBatch, then divide the lr by factor (Smith et al. 2018).",
  unit: "epoch",
  formula:
    "k = milestones <= t; j = ramps that fit under maxBatch (j <= k); batchSize = round(batchSize * factor^j); lr = lr / factor^(k - j)",
  params: rampParams("Largest batch size (default: batchSize * factor, one ramp)."),
  validate: checkMaxBatch,
  create: ({ lr, batchSize, factor, milestones, maxBatch }) => {
    const cap = maxBatch ?? Math.round(batchSize * factor);
    const fits = rampsThatFit(batchSize, factor, cap);
    return {
      at: (t) => {
        const k = passedMilestones(milestones, t);
        const j = Math.min(k, fits);
        return { lr: lr / factor ** (k - j), batchSize: Math.round(batchSize * factor ** j) };
      },
    };
  },
});
