import { adagradUpdate, defineOptimizer, param } from "@lrsim/core/plugin-api";
import { epsParam, weightDecayParam } from "./common.ts";

/** PyTorch's Adagrad: sum += g^2; p -= lr / (1 + (step - 1) * lrDecay) * g / (sqrt(sum) + eps). */
export const adagrad = defineOptimizer({
  name: "adagrad",
  summary: "Per-parameter rates from the sum of squared gradients (PyTorch Adagrad).",
  pytorch: "torch.optim.Adagrad",
  scheduledMomentum: undefined,
  params: {
    lrDecay: param.number({ doc: "Learning-rate decay per step.", default: 0, min: 0 }),
    weightDecay: weightDecayParam,
    initialAccumulatorValue: param.number({
      doc: "Starting value of the squared-gradient sums.",
      default: 0,
      min: 0,
    }),
    eps: epsParam(1e-10),
  },
  create: ({ lrDecay, weightDecay, initialAccumulatorValue, eps }, size, allocate) => {
    // Stored as (sum - initialAccumulatorValue), so zeroed memory is the initial state.
    const excess = allocate(size);
    return {
      step: (p, g, from, to, hyper) => {
        adagradUpdate(p, g, excess, from, to, {
          clr: hyper.lr / (1 + (hyper.step - 1) * lrDecay),
          weightDecay,
          initial: initialAccumulatorValue,
          eps,
        });
      },
    };
  },
});
