import { defineSchedule, param } from "@lrsim/core/plugin-api";
import { lrParam } from "./common.ts";

/** PyTorch's LinearLR: scale the lr linearly from startFactor to endFactor, then hold. */
export const linearRamp = defineSchedule({
  name: "linear",
  summary:
    "Scale the lr linearly from startFactor to endFactor over totalIters, then hold (PyTorch LinearLR).",
  unit: "epoch",
  pytorch: "LinearLR",
  formula: "lr(t) = lr * (startFactor + (endFactor - startFactor) * min(t, totalIters) / totalIters)",
  params: {
    lr: lrParam,
    startFactor: param.number({
      doc: "Factor at t = 0.",
      default: 1 / 3,
      min: 0,
      exclusiveMin: true,
      max: 1,
    }),
    endFactor: param.number({ doc: "Factor from t = totalIters on.", default: 1, min: 0, max: 1 }),
    totalIters: param.integer({ doc: "Ticks the ramp lasts.", default: 5, min: 1 }),
  },
  create: ({ lr, startFactor, endFactor, totalIters }) => ({
    at: (t) => ({
      lr: lr * (startFactor + ((endFactor - startFactor) * Math.min(t, totalIters)) / totalIters),
    }),
  }),
});
