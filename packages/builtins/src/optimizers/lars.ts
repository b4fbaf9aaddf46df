import { defineOptimizer, forEachGroupIn, param } from "@lrsim/core/plugin-api";
import { adapted, excludeBiasesParam, trustRatio } from "./layerwise.ts";

/**
 * LARS, layer-wise adaptive rate scaling (You, Gitman & Ginsburg 2017, "Large Batch Training of
 * Convolutional Networks"), as optax's `lars` computes it (optax/_src/alias.py): per parameter
 * group, u = g + weightDecay w, scaled by the trust ratio trustCoefficient |w| / (|u| + eps)
 * (1 when a norm is zero), then by the lr, then accumulated: t = -lr ratio u + momentum t,
 * w += t (Nesterov: w += -lr ratio u + momentum t). The lr sits inside the momentum trace, as
 * in optax and the paper, unlike PyTorch's SGD. The norms are over whole groups, so they are
 * gathered as statistics first: |w|^2 and |u|^2 per group.
 */
export const lars = defineOptimizer({
  name: "lars",
  summary:
    "SGD with momentum, each layer's step scaled by trustCoefficient |w| / |g + weightDecay w| (You et al. 2017; optax.lars).",
  scheduledMomentum: "momentum",
  params: {
    momentum: param.number({
      doc: "Decay of the momentum trace (a schedule's momentum replaces it).",
      default: 0.9,
      min: 0,
      max: 1,
    }),
    nesterov: param.boolean({ doc: "Nesterov momentum.", default: false }),
    weightDecay: param.number({
      doc: "Weight decay added to the gradient before the trust ratio.",
      default: 0,
      min: 0,
    }),
    trustCoefficient: param.number({
      doc: "The trust coefficient (eta in You et al.).",
      default: 0.001,
      min: 0,
      exclusiveMin: true,
    }),
    eps: param.number({ doc: "Added to the update norm in the trust ratio.", default: 0, min: 0 }),
    excludeBiases: excludeBiasesParam,
  },
  create: (
    { momentum, nesterov, weightDecay, trustCoefficient, eps, excludeBiases },
    size,
    allocate,
    groups,
  ) => {
    const trace = allocate(size);
    const decayOf = (g: number) => (adapted(groups[g]!, excludeBiases) ? weightDecay : 0);
    return {
      statistics: {
        length: 2 * groups.length,
        gather: (p, g, from, to, _hyper, sums) =>
          forEachGroupIn(groups, from, to, (_group, index, lo, hi) => {
            const wd = decayOf(index);
            let pp = 0;
            let uu = 0;
            for (let i = lo; i < hi; i++) {
              const u = Math.fround(g[i]! + wd * p[i]!);
              pp += p[i]! * p[i]!;
              uu += u * u;
            }
            sums[2 * index] = sums[2 * index]! + pp;
            sums[2 * index + 1] = sums[2 * index + 1]! + uu;
          }),
      },
      step: (p, g, from, to, hyper, totals) => {
        const mu = hyper.momentum ?? momentum;
        forEachGroupIn(groups, from, to, (group, index, lo, hi) => {
          const wd = decayOf(index);
          const ratio = adapted(group, excludeBiases)
            ? trustRatio(totals[2 * index]!, totals[2 * index + 1]!, trustCoefficient, eps)
            : 1;
          const scale = -hyper.lr * ratio;
          for (let i = lo; i < hi; i++) {
            const u = scale * Math.fround(g[i]! + wd * p[i]!);
            const t = Math.fround(u + mu * trace[i]!);
            trace[i] = t;
            p[i] = p[i]! + (nesterov ? u + mu * t : t);
          }
        });
      },
    };
  },
});
