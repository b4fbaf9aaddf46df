import { defineOptimizer, param } from "@lrsim/core/plugin-api";
import { epsParam, weightDecayParam } from "./common.ts";

/** PyTorch's Adadelta: running averages of squared gradients and squared updates. */
export const adadelta = defineOptimizer({
  name: "adadelta",
  summary:
    "Updates scaled by the ratio of running RMS of updates and gradients (PyTorch Adadelta; lr 1.0 by default).",
  pytorch: "torch.optim.Adadelta",
  scheduledMomentum: undefined,
  params: {
    rho: param.number({ doc: "Decay of the running averages.", default: 0.9, min: 0, max: 1 }),
    eps: epsParam(1e-6),
    weightDecay: weightDecayParam,
  },
  create: ({ rho, eps, weightDecay }, size, allocate) => {
    const squareAvg = allocate(size);
    const accDelta = allocate(size);
    return {
      step: (p, g, from, to, hyper) => {
        for (let i = from; i < to; i++) {
          const d = g[i]! + weightDecay * p[i]!;
          const sq = Math.fround(rho * squareAvg[i]! + (1 - rho) * d * d);
          squareAvg[i] = sq;
          const delta = (Math.sqrt(accDelta[i]! + eps) / Math.sqrt(sq + eps)) * d;
          accDelta[i] = rho * accDelta[i]! + (1 - rho) * delta * delta;
          p[i] = p[i]! - hyper.lr * delta;
        }
      },
    };
  },
});
