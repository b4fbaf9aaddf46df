import { adadeltaUpdate, defineOptimizer, param } from "@lrsim/core/plugin-api";
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
        adadeltaUpdate(p, g, squareAvg, accDelta, from, to, { lr: hyper.lr, rho, eps, weightDecay });
      },
    };
  },
});
