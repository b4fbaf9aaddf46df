import { defineSchedule } from "@lrsim/core/plugin-api";
import { checkMaxBatch, lrScale, rampParams } from "./batch-ramp.ts";
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
 * within `maxBatch`; once it cannot, divide the lr by `factor` instead. `lrScaling` scales the
 * lr with the batch as in `batchramp` (Goyal et al. 2017).
 */
export const hybrid = defineSchedule({
  name: "hybrid",
  summary:
    "Multiply the batch by factor at milestones until maxBatch, then divide the lr by factor (Smith et al. 2018).",
  unit: "epoch",
  formula:
    "k = milestones <= t; j = ramps that fit under maxBatch (j <= k); B = round(batchSize * factor^j); lr = lr * s(B / batchSize) / factor^(k - j), s as in batchramp",
  params: rampParams("Largest batch size (default: batchSize * factor, one ramp)."),
  validate: checkMaxBatch,
  create: ({ lr, batchSize, factor, milestones, maxBatch, lrScaling }, { trainSize }) => {
    const cap = maxBatch ?? Math.round(batchSize * factor);
    const fits = rampsThatFit(batchSize, factor, cap, milestones.length);
    return {
      at: (t) => {
        const k = passedMilestones(milestones, t);
        const j = Math.min(k, fits);
        const batch = Math.round(batchSize * factor ** j);
        return {
          lr: (lr * lrScale(lrScaling, batch, batchSize, trainSize)) / factor ** (k - j),
          batchSize: batch,
        };
      },
    };
  },
});
