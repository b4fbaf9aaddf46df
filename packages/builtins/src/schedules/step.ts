import { defineSchedule, param } from "@lrsim/core/plugin-api";
import { gammaParam, lrParam } from "./common.ts";

/** PyTorch's StepLR: decay by `gamma` every `stepSize` ticks. */
export const stepDecay = defineSchedule({
  name: "step",
  summary: "Multiply the lr by gamma every stepSize epochs (PyTorch StepLR).",
  unit: "epoch",
  pytorch: "StepLR",
  formula: "lr(t) = lr * gamma^floor(t / stepSize)",
  params: {
    lr: lrParam,
    stepSize: param.integer({ doc: "Ticks between decays.", min: 1, hint: "give stepSize=..." }),
    gamma: gammaParam,
  },
  create: ({ lr, stepSize, gamma }) => ({ at: (t) => ({ lr: lr * gamma ** Math.floor(t / stepSize) }) }),
});
