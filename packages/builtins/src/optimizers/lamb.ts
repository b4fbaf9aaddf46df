import { defineOptimizer, forEachGroupIn, param } from "@lrsim/core/plugin-api";
import { adapted, excludeBiasesParam, trustRatio } from "./layerwise.ts";

/**
 * LAMB (You et al. 2019, "Large Batch Optimization for Deep Learning: Training BERT in 76
 * minutes"), as optax's `lamb` computes it (optax/_src/alias.py): Adam's direction
 * u = m^ / (sqrt(v^ + epsRoot) + eps) plus weightDecay w, scaled per parameter group by the
 * trust ratio |w| / |u| (1 when a norm is zero), then w -= lr ratio u. With `excludeBiases`
 * (the default, as in the authors' BERT code), bias groups get neither weight decay nor a trust
 * ratio; `excludeBiases=false` is optax's `lamb` with its default mask. The fixture
 * (scripts/pytorch-fixtures/layerwise.py) checks both against optax's transforms.
 *
 * The moments are updated while gathering the group norms (each element once per step), and
 * the step recomputes u from the stored float32 moments, so both passes see the same u.
 */
export const lamb = defineOptimizer({
  name: "lamb",
  summary:
    "Adam's direction plus weight decay, each layer's step scaled by |w| / |update| (You et al. 2019; optax.lamb).",
  scheduledMomentum: "beta1",
  params: {
    beta1: param.number({
      doc: "Decay of the first moment (a schedule's momentum replaces it).",
      default: 0.9,
      min: 0,
      max: 1,
      exclusiveMax: true,
    }),
    beta2: param.number({
      doc: "Decay of the second moment.",
      default: 0.999,
      min: 0,
      max: 1,
      exclusiveMax: true,
    }),
    eps: param.number({ doc: "Added to the square root of the second moment.", default: 1e-6, min: 0 }),
    epsRoot: param.number({ doc: "Added to the second moment inside the square root.", default: 0, min: 0 }),
    weightDecay: param.number({
      doc: "Decoupled weight decay, added to Adam's direction.",
      default: 0,
      min: 0,
    }),
    excludeBiases: excludeBiasesParam,
  },
  create: ({ beta1, beta2, eps, epsRoot, weightDecay, excludeBiases }, size, allocate, groups) => {
    const m = allocate(size);
    const v = allocate(size);
    const decayOf = (g: number) => (adapted(groups[g]!, excludeBiases) ? weightDecay : 0);
    /** The bias corrections of step `step` with first-moment decay `b1`. */
    const corrections = (b1: number, step: number) => [1 - b1 ** step, 1 - beta2 ** step] as const;
    return {
      statistics: {
        length: 2 * groups.length,
        gather: (p, g, from, to, hyper, sums) => {
          const b1 = hyper.momentum ?? beta1;
          const [c1, c2] = corrections(b1, hyper.step);
          forEachGroupIn(groups, from, to, (_group, index, lo, hi) => {
            const wd = decayOf(index);
            let pp = 0;
            let uu = 0;
            for (let i = lo; i < hi; i++) {
              const gi = g[i]!;
              m[i] = (1 - b1) * gi + b1 * m[i]!;
              v[i] = (1 - beta2) * gi * gi + beta2 * v[i]!;
              const u = m[i]! / c1 / (Math.sqrt(v[i]! / c2 + epsRoot) + eps) + wd * p[i]!;
              pp += p[i]! * p[i]!;
              uu += u * u;
            }
            sums[2 * index] = sums[2 * index]! + pp;
            sums[2 * index + 1] = sums[2 * index + 1]! + uu;
          });
        },
      },
      step: (p, _g, from, to, hyper, totals) => {
        const [c1, c2] = corrections(hyper.momentum ?? beta1, hyper.step);
        forEachGroupIn(groups, from, to, (group, index, lo, hi) => {
          const wd = decayOf(index);
          const ratio = adapted(group, excludeBiases)
            ? trustRatio(totals[2 * index]!, totals[2 * index + 1]!, 1, 0)
            : 1;
          const scale = hyper.lr * ratio;
          for (let i = lo; i < hi; i++) {
            const u = m[i]! / c1 / (Math.sqrt(v[i]! / c2 + epsRoot) + eps) + wd * p[i]!;
            p[i] = p[i]! - scale * u;
          }
        });
      },
    };
  },
});
