import { defineSchedule, param } from "@lrsim/core/plugin-api";
import { lrParam } from "./common.ts";

/**
 * Where `t` falls in SGDR's cycles: the position in the current cycle and that cycle's length.
 * Integer arithmetic, so cycle boundaries are exact (PyTorch's own log-based form is not).
 */
function restartPosition(t: number, t0: number, tMult: number): { tCur: number; tI: number } {
  if (tMult === 1) return { tCur: t % t0, tI: t0 };
  let tCur = t;
  let tI = t0;
  while (tCur >= tI) {
    tCur -= tI;
    tI *= tMult;
  }
  return { tCur, tI };
}

/** PyTorch's CosineAnnealingWarmRestarts (SGDR). */
export const cosineRestarts = defineSchedule({
  name: "cosinerestarts",
  summary:
    "Cosine annealing restarted every t0 epochs, cycles growing by tMult (PyTorch CosineAnnealingWarmRestarts).",
  unit: "epoch",
  pytorch: "CosineAnnealingWarmRestarts",
  formula: "lr(t) = etaMin + (lr - etaMin) * (1 + cos(pi * tCur / tI)) / 2, tI = t0 * tMult^cycle",
  params: {
    lr: lrParam,
    t0: param.integer({ doc: "Length of the first cycle.", min: 1, hint: "give t0=..." }),
    tMult: param.integer({ doc: "Growth of each cycle's length.", default: 1, min: 1 }),
    etaMin: param.number({ doc: "Lowest lr.", default: 0, min: 0 }),
  },
  validate: ({ lr, etaMin }) => (etaMin > lr ? `etaMin (${etaMin}) must not exceed lr (${lr})` : undefined),
  create: ({ lr, t0, tMult, etaMin }) => ({
    at: (t) => {
      const { tCur, tI } = restartPosition(t, t0, tMult);
      return { lr: etaMin + ((lr - etaMin) * (1 + Math.cos((Math.PI * tCur) / tI))) / 2 };
    },
  }),
});
