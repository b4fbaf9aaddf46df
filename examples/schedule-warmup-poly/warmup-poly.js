// An example schedule plugin in plain JavaScript: linear warm-up to `lr`, then polynomial
// decay to `endLr` (the warm-up + poly schedule of BERT-style training).
//
//   lrsim compare --schedules "./warmup-poly.js(power=2),step"
//
// A schedule is a pure function of its clock `t` (steps here: unit "step"), built once from
// its parameters; defaults may be derived from the run's length (in the schedule's unit).
import { defineSchedule, param } from "lrsim/plugin";

export default defineSchedule({
  name: "warmuppoly",
  summary: "Linear warm-up from 0 to lr over `warmup` steps, then (1 - progress)^power decay to endLr.",
  unit: "step",
  formula:
    "t < warmup: lr * (t + 1) / warmup; else endLr + (lr - endLr) * (1 - (t - warmup) / (total - warmup))^power",
  params: {
    lr: param.number({ doc: "Peak learning rate.", default: 0.1, min: 0, exclusiveMin: true }),
    warmup: param.integer({
      doc: "Warm-up steps (default: a tenth of the run).",
      min: 0,
      default: (context) => (context.length === undefined ? undefined : Math.floor(context.length / 10)),
      hint: "give warmup=... or a run length",
    }),
    total: param.integer({
      doc: "Steps until the lr reaches endLr (default: the run length).",
      min: 1,
      default: (context) => context.length,
      hint: "give total=... or a run length",
    }),
    power: param.number({
      doc: "Exponent of the decay (1: linear).",
      default: 1,
      min: 0,
      exclusiveMin: true,
    }),
    endLr: param.number({ doc: "Final learning rate.", default: 0, min: 0 }),
  },
  validate: ({ warmup, total, lr, endLr }) =>
    warmup >= total
      ? `warmup (${warmup}) must be shorter than total (${total})`
      : endLr > lr
        ? `endLr (${endLr}) must not exceed lr (${lr})`
        : undefined,
  create: ({ lr, warmup, total, power, endLr }) => ({
    at: (t) => {
      if (t < warmup) return { lr: (lr * (t + 1)) / warmup };
      const progress = Math.min(1, (t - warmup) / (total - warmup));
      return { lr: endLr + (lr - endLr) * (1 - progress) ** power };
    },
  }),
});
