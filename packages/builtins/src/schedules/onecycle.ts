import { defineSchedule, param } from "@lrsim/core/plugin-api";

interface Phase {
  readonly endStep: number;
  readonly startLr: number;
  readonly endLr: number;
  readonly startMomentum: number;
  readonly endMomentum: number;
}

const annealCos = (start: number, end: number, pct: number) =>
  end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);
const annealLinear = (start: number, end: number, pct: number) => (end - start) * pct + start;

/**
 * PyTorch's OneCycleLR, phase boundaries and arithmetic as in its `get_lr`. Beyond the last
 * step lrsim holds the final value (PyTorch extrapolates at t = totalSteps and raises after).
 */
export const oneCycle = defineSchedule({
  name: "onecycle",
  summary:
    "One cycle: warm up to maxLr, anneal far below the start; momentum cycled inversely (PyTorch OneCycleLR).",
  unit: "step",
  pytorch: "OneCycleLR",
  formula: "maxLr/divFactor -> maxLr over pctStart*totalSteps, then -> maxLr/(divFactor*finalDivFactor)",
  params: {
    maxLr: param.number({ doc: "Peak learning rate.", default: 0.1, min: 0, exclusiveMin: true }),
    totalSteps: param.integer({
      doc: "Length of the cycle (default: the run length).",
      min: 2,
      default: (context) => context.length,
      hint: "give totalSteps=... or a run length",
    }),
    pctStart: param.number({
      doc: "Fraction of the cycle spent increasing the lr.",
      default: 0.3,
      min: 0,
      exclusiveMin: true,
      max: 1,
      exclusiveMax: true,
    }),
    anneal: param.choice(["cos", "linear"], { doc: "Annealing shape.", default: "cos" }),
    divFactor: param.number({
      doc: "Initial lr = maxLr / divFactor.",
      default: 25,
      min: 0,
      exclusiveMin: true,
    }),
    finalDivFactor: param.number({
      doc: "Final lr = initial lr / finalDivFactor.",
      default: 1e4,
      min: 0,
      exclusiveMin: true,
    }),
    threePhase: param.boolean({
      doc: "Anneal back to the initial lr before the final annihilation (fastai).",
      default: false,
    }),
    cycleMomentum: param.boolean({ doc: "Cycle momentum inversely to the lr.", default: true }),
    baseMomentum: param.number({ doc: "Momentum at the lr's peak.", default: 0.85, min: 0, max: 1 }),
    maxMomentum: param.number({ doc: "Momentum at the start and end.", default: 0.95, min: 0, max: 1 }),
  },
  validate: ({ totalSteps, pctStart, threePhase, baseMomentum, maxMomentum }) => {
    const up = pctStart * totalSteps - 1;
    if (up <= 0)
      return `pctStart * totalSteps must exceed 1 (got ${pctStart * totalSteps}); the warm-up phase would be empty`;
    if (threePhase && 2 * pctStart * totalSteps - 2 >= totalSteps - 1)
      return "with threePhase, pctStart must leave room for the final phase (pctStart < about 0.5)";
    if (maxMomentum < baseMomentum)
      return `maxMomentum (${maxMomentum}) must be at least baseMomentum (${baseMomentum})`;
    return undefined;
  },
  create: (p) => {
    const initialLr = p.maxLr / p.divFactor;
    const minLr = initialLr / p.finalDivFactor;
    const [hi, lo] = [p.maxMomentum, p.baseMomentum];
    const phases: Phase[] = p.threePhase
      ? [
          {
            endStep: p.pctStart * p.totalSteps - 1,
            startLr: initialLr,
            endLr: p.maxLr,
            startMomentum: hi,
            endMomentum: lo,
          },
          {
            endStep: 2 * p.pctStart * p.totalSteps - 2,
            startLr: p.maxLr,
            endLr: initialLr,
            startMomentum: lo,
            endMomentum: hi,
          },
          { endStep: p.totalSteps - 1, startLr: initialLr, endLr: minLr, startMomentum: hi, endMomentum: hi },
        ]
      : [
          {
            endStep: p.pctStart * p.totalSteps - 1,
            startLr: initialLr,
            endLr: p.maxLr,
            startMomentum: hi,
            endMomentum: lo,
          },
          { endStep: p.totalSteps - 1, startLr: p.maxLr, endLr: minLr, startMomentum: lo, endMomentum: hi },
        ];
    const anneal = p.anneal === "cos" ? annealCos : annealLinear;
    return {
      at: (t) => {
        const step = Math.min(t, p.totalSteps - 1);
        let startStep = 0;
        for (let i = 0; i < phases.length; i++) {
          const phase = phases[i]!;
          if (step <= phase.endStep || i === phases.length - 1) {
            const pct = (step - startStep) / (phase.endStep - startStep);
            const lr = anneal(phase.startLr, phase.endLr, pct);
            if (!p.cycleMomentum) return { lr };
            return { lr, momentum: anneal(phase.startMomentum, phase.endMomentum, pct) };
          }
          startStep = phase.endStep;
        }
        throw new Error("unreachable: the last phase always matches");
      },
    };
  },
});
