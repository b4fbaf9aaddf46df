import { defineSchedule } from "@lrsim/core/plugin-api";
import { checkMaxBatch, rampParams } from "./batch-ramp.ts";
import { passedMilestones } from "./common.ts";

/**
 * How many of the first `limit` milestones can multiply `batchSize` by `factor` (rounding each
 * result) and stay within `cap`. Ramps beyond the number of milestones never happen, so the
 * search stops at `limit`: a factor barely above 1 (where the batch stays within the cap for
 * ~1e16 ramps, past what a double can count) costs at most `limit` steps.
 */
function rampsThatFit(batchSize: number, factor: number, cap: number, limit: number): number {
  let fits = 0;
  while (fits < limit && Math.round(batchSize * factor ** (fits + 1)) <= cap) fits++;
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
    const fits = rampsThatFit(batchSize, factor, cap, milestones.length);
    return {
      at: (t) => {
        const k = passedMilestones(milestones, t);
        const j = Math.min(k, fits);
        return { lr: lr / factor ** (k - j), batchSize: Math.round(batchSize * factor ** j) };
      },
    };
  },
});
