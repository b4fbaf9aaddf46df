import { defineSchedule } from "@lrsim/core/plugin-api";
import { lrParam } from "./common.ts";

/** The baseline: one learning rate throughout. */
export const constant = defineSchedule({
  name: "constant",
  summary: "The same learning rate at every step.",
  unit: "step",
  formula: "lr(t) = lr",
  params: { lr: lrParam },
  create: ({ lr }) => ({ at: () => ({ lr }) }),
});
