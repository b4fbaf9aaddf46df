import { defineOptimizer, param, rmspropUpdate } from "@lrsim/core/plugin-api";
import { epsParam, weightDecayParam } from "./common.ts";

/** PyTorch's RMSprop, with its optional centring and momentum. */
export const rmsprop = defineOptimizer({
  name: "rmsprop",
  summary: "Gradients divided by a running RMS, optionally centred and with momentum (PyTorch RMSprop).",
  pytorch: "torch.optim.RMSprop",
  scheduledMomentum: "momentum",
  params: {
    alpha: param.number({ doc: "Smoothing constant of the running average.", default: 0.99, min: 0, max: 1 }),
    eps: epsParam(1e-8),
    weightDecay: weightDecayParam,
    momentum: param.number({ doc: "Momentum factor.", default: 0, min: 0, max: 1 }),
    centered: param.boolean({
      doc: "Normalise by the estimated variance instead of the second moment.",
      default: false,
    }),
  },
  create: ({ alpha, eps, weightDecay, momentum, centered }, size, allocate) => {
    const squareAvg = allocate(size);
    const gradAvg = centered ? allocate(size) : undefined;
    const buffer = allocate(size);
    return {
      step: (p, g, from, to, hyper) => {
        rmspropUpdate(p, g, squareAvg, gradAvg, buffer, from, to, {
          lr: hyper.lr,
          alpha,
          eps,
          weightDecay,
          momentum: hyper.momentum ?? momentum,
        });
      },
    };
  },
});
