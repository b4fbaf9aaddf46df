import { defineSchedule, param } from "@lrsim/core/plugin-api";

/**
 * Leslie Smith's 1cycle policy as described in the one-cycle article: two equal linear phases
 * minLr -> maxLr -> minLr of `stepSize` ticks each, then a linear annihilation to
 * `minLr * annealFactor`, reached on the last tick (`2 * stepSize + annealSteps - 1`) and held.
 */
export const smithOneCycle = defineSchedule({
  name: "smith1cycle",
  summary:
    "Leslie Smith's 1cycle (the one-cycle article): linear minLr->maxLr->minLr, then annihilate to minLr*annealFactor.",
  unit: "epoch",
  formula:
    "knots (0, minLr), (stepSize, maxLr), (2*stepSize, minLr), (2*stepSize + annealSteps - 1, minLr*annealFactor)",
  params: {
    minLr: param.number({
      doc: "Lower lr of the cycle (1/5 to 1/10 of maxLr).",
      default: 0.01,
      min: 0,
      exclusiveMin: true,
    }),
    maxLr: param.number({
      doc: "Peak lr, e.g. from the range test.",
      default: 0.1,
      min: 0,
      exclusiveMin: true,
    }),
    stepSize: param.integer({ doc: "Ticks of each linear phase.", min: 1, hint: "give stepSize=..." }),
    annealSteps: param.integer({
      doc: "Ticks of the final annihilation.",
      min: 1,
      hint: "give annealSteps=...",
    }),
    annealFactor: param.number({ doc: "Final lr as a fraction of minLr.", default: 0.1, min: 0, max: 1 }),
  },
  validate: ({ minLr, maxLr }) =>
    maxLr < minLr ? `maxLr (${maxLr}) must be at least minLr (${minLr})` : undefined,
  create: ({ minLr, maxLr, stepSize, annealSteps, annealFactor }) => {
    const knots: Array<[number, number]> = [
      [0, minLr],
      [stepSize, maxLr],
      [2 * stepSize, minLr],
      [2 * stepSize + Math.max(annealSteps - 1, 1), minLr * annealFactor],
    ];
    return {
      at: (t) => {
        for (let i = 1; i < knots.length; i++) {
          const [t1, v1] = knots[i]!;
          if (t <= t1) {
            const [t0, v0] = knots[i - 1]!;
            return { lr: v0 + ((v1 - v0) * (t - t0)) / (t1 - t0) };
          }
        }
        return { lr: minLr * annealFactor };
      },
    };
  },
});
