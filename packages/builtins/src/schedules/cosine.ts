import { defineSchedule, param } from "@lrsim/core/plugin-api";
import { lrParam } from "./common.ts";

/** PyTorch's CosineAnnealingLR (closed form; periodic past tMax as in PyTorch). */
export const cosineAnnealing = defineSchedule({
  name: "cosine",
  summary:
    "Cosine annealing from lr to etaMin over tMax (PyTorch CosineAnnealingLR; rises again after tMax).",
  unit: "epoch",
  pytorch: "CosineAnnealingLR",
  formula: "lr(t) = etaMin + (lr - etaMin) * (1 + cos(pi * t / tMax)) / 2",
  params: {
    lr: lrParam,
    tMax: param.integer({
      doc: "Ticks of one half-period (default: the run length).",
      min: 1,
      default: (context) => context.length,
      hint: "give tMax=... or a run length",
    }),
    etaMin: param.number({ doc: "Lowest lr.", default: 0, min: 0 }),
  },
  validate: ({ lr, etaMin }) => (etaMin > lr ? `etaMin (${etaMin}) must not exceed lr (${lr})` : undefined),
  create: ({ lr, tMax, etaMin }) => ({
    at: (t) => ({ lr: etaMin + ((lr - etaMin) * (1 + Math.cos((Math.PI * t) / tMax))) / 2 }),
  }),
});
