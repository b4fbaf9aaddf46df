import { defineSchedule } from "@lrsim/core/plugin-api";
import { gammaParam, lrParam, milestonesParam, passedMilestones } from "./common.ts";

/** PyTorch's MultiStepLR: decay by `gamma` at each milestone. */
export const multiStepDecay = defineSchedule({
  name: "multistep",
  summary: "Multiply the lr by gamma at each milestone (PyTorch MultiStepLR).",
  unit: "epoch",
  pytorch: "MultiStepLR",
  formula: "lr(t) = lr * gamma^(number of milestones <= t)",
  params: { lr: lrParam, milestones: milestonesParam, gamma: gammaParam },
  create: ({ lr, milestones, gamma }) => ({
    at: (t) => ({ lr: lr * gamma ** passedMilestones(milestones, t) }),
  }),
});
