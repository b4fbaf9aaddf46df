import { defineSchedule, param } from "@lrsim/core/plugin-api";
import { lrParam } from "./common.ts";

/** PyTorch's ExponentialLR: decay by `gamma` every tick. */
export const exponentialDecay = defineSchedule({
  name: "exponential",
  summary: "Multiply the lr by gamma every epoch (PyTorch ExponentialLR).",
  unit: "epoch",
  pytorch: "ExponentialLR",
  formula: "lr(t) = lr * gamma^t",
  params: {
    lr: lrParam,
    gamma: param.number({
      doc: "Factor per tick.",
      min: 0,
      exclusiveMin: true,
      hint: "give gamma=..., e.g. 0.95",
    }),
  },
  create: ({ lr, gamma }) => ({ at: (t) => ({ lr: lr * gamma ** t }) }),
});
