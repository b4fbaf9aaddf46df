import { defineOptimizer, param, sgdUpdate } from "@lrsim/core/plugin-api";
import { weightDecayParam } from "./common.ts";

/**
 * PyTorch's SGD: d = g + weightDecay * p; with momentum, buf = d on the first step that has
 * momentum, else momentum * buf + (1 - dampening) * d; Nesterov uses d + momentum * buf.
 */
export const sgd = defineOptimizer({
  name: "sgd",
  summary: "Stochastic gradient descent with optional (Nesterov) momentum and weight decay (PyTorch SGD).",
  pytorch: "torch.optim.SGD",
  scheduledMomentum: "momentum",
  params: {
    momentum: param.number({
      doc: "Momentum factor (a schedule's momentum replaces it).",
      default: 0,
      min: 0,
      max: 1,
    }),
    dampening: param.number({ doc: "Dampening for momentum.", default: 0, min: 0, max: 1 }),
    weightDecay: weightDecayParam,
    nesterov: param.boolean({ doc: "Nesterov momentum.", default: false }),
  },
  create: ({ momentum, dampening, weightDecay, nesterov }, size, allocate) => {
    const buf = allocate(size);
    // startedAt[0]: the step at which momentum was first on (0 = not yet), shared by all slices.
    const startedAt = allocate(1);
    return {
      step: (p, g, from, to, hyper) => {
        const mu = hyper.momentum ?? momentum;
        // PyTorch starts the buffer as a copy of the first gradient it sees with momentum on.
        if (mu !== 0 && startedAt[0] === 0) startedAt[0] = hyper.step;
        const fresh = startedAt[0] === hyper.step;
        sgdUpdate(p, g, buf, from, to, {
          lr: hyper.lr,
          weightDecay,
          momentum: mu,
          dampening,
          nesterov,
          fresh,
        });
      },
    };
  },
});
