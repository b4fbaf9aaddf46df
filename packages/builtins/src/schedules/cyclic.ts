import { defineSchedule, param } from "@lrsim/core/plugin-api";

/**
 * PyTorch's CyclicLR (Smith 2017). The arithmetic follows PyTorch's `get_lr` operation by
 * operation, so values agree to the last bit or two.
 */
export const cyclic = defineSchedule({
  name: "cyclic",
  summary: "Triangular cycles between baseLr and maxLr, momentum cycled inversely (PyTorch CyclicLR).",
  unit: "step",
  pytorch: "CyclicLR",
  formula:
    "lr = baseLr + (maxLr - baseLr) * triangle(t) * scale; momentum = maxMomentum - (maxMomentum - baseMomentum) * triangle(t) * scale",
  params: {
    baseLr: param.number({ doc: "Lower bound of the cycle.", default: 0.001, min: 0, exclusiveMin: true }),
    maxLr: param.number({ doc: "Upper bound of the cycle.", default: 0.1, min: 0, exclusiveMin: true }),
    stepSizeUp: param.integer({ doc: "Ticks from baseLr up to maxLr.", default: 2000, min: 1 }),
    stepSizeDown: param.integer({ doc: "Ticks back down (default: stepSizeUp).", min: 1, optional: true }),
    mode: param.choice(["triangular", "triangular2", "exp_range"], {
      doc: "triangular: constant amplitude; triangular2: halved each cycle; exp_range: scaled by gamma^t.",
      default: "triangular",
    }),
    gamma: param.number({
      doc: "Per-tick amplitude factor for exp_range.",
      default: 1,
      min: 0,
      exclusiveMin: true,
    }),
    cycleMomentum: param.boolean({ doc: "Cycle momentum inversely to the lr.", default: true }),
    baseMomentum: param.number({ doc: "Momentum at the lr's peak.", default: 0.8, min: 0, max: 1 }),
    maxMomentum: param.number({ doc: "Momentum at the lr's trough.", default: 0.9, min: 0, max: 1 }),
  },
  validate: ({ baseLr, maxLr, baseMomentum, maxMomentum }) => {
    if (maxLr < baseLr) return `maxLr (${maxLr}) must be at least baseLr (${baseLr})`;
    if (maxMomentum < baseMomentum)
      return `maxMomentum (${maxMomentum}) must be at least baseMomentum (${baseMomentum})`;
    return undefined;
  },
  create: ({
    baseLr,
    maxLr,
    stepSizeUp,
    stepSizeDown,
    mode,
    gamma,
    cycleMomentum,
    baseMomentum,
    maxMomentum,
  }) => {
    const totalSize = stepSizeUp + (stepSizeDown ?? stepSizeUp);
    const stepRatio = stepSizeUp / totalSize;
    const scale = (cycle: number, t: number): number => {
      if (mode === "triangular") return 1;
      if (mode === "triangular2") return 1 / 2 ** (cycle - 1);
      return gamma ** t;
    };
    return {
      at: (t) => {
        const cycle = Math.floor(1 + t / totalSize);
        const x = 1 + t / totalSize - cycle;
        const scaleFactor = x <= stepRatio ? x / stepRatio : (x - 1) / (stepRatio - 1);
        const s = scale(cycle, t);
        const lr = baseLr + (maxLr - baseLr) * scaleFactor * s;
        if (!cycleMomentum) return { lr };
        return { lr, momentum: maxMomentum - (maxMomentum - baseMomentum) * scaleFactor * s };
      },
    };
  },
});
