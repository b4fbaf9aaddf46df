import { defineSchedule, param } from "@lrsim/core/plugin-api";
import { lrParam } from "./common.ts";

/** PyTorch's PolynomialLR: decay to zero over totalIters with the given power. */
export const polynomialDecay = defineSchedule({
  name: "polynomial",
  summary: "Decay the lr to 0 over totalIters as (1 - t/totalIters)^power (PyTorch PolynomialLR).",
  unit: "epoch",
  pytorch: "PolynomialLR",
  formula: "lr(t) = lr * (1 - min(t, totalIters) / totalIters)^power",
  params: {
    lr: lrParam,
    totalIters: param.integer({ doc: "Ticks until the lr reaches 0.", default: 5, min: 1 }),
    power: param.number({ doc: "Exponent of the decay.", default: 1, min: 0, exclusiveMin: true }),
  },
  create: ({ lr, totalIters, power }) => ({
    at: (t) => ({ lr: lr * (1 - Math.min(t, totalIters) / totalIters) ** power }),
  }),
});
