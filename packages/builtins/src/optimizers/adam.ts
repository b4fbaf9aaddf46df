import type { OptimizerDefinition } from "@lrsim/core/plugin-api";
import { adamUpdate, defineOptimizer, param } from "@lrsim/core/plugin-api";
import { epsParam } from "./common.ts";

const adamParams = (weightDecay: number) => ({
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
  eps: epsParam(1e-8),
  weightDecay: param.number({
    doc: weightDecay ? "Decoupled weight decay (AdamW)." : "L2 penalty added to the gradient.",
    default: weightDecay,
    min: 0,
  }),
  amsgrad: param.boolean({ doc: "Use the running maximum of the second moment (AMSGrad).", default: false }),
});

type AdamValues = { beta1: number; beta2: number; eps: number; weightDecay: number; amsgrad: boolean };

/**
 * PyTorch's Adam / AdamW update: m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
 * p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps). AdamW first shrinks p by lr * weightDecay.
 * The element-wise loop is `adamUpdate` (WebAssembly SIMD on the worker pool's memory).
 */
function createAdam(decoupled: boolean) {
  return (
    { beta1, beta2, eps, weightDecay, amsgrad }: AdamValues,
    size: number,
    allocate: (n: number) => Float32Array,
  ) => {
    const m = allocate(size);
    const v = allocate(size);
    const vMax = amsgrad ? allocate(size) : undefined;
    return {
      step: (
        p: Float32Array,
        g: Float32Array,
        from: number,
        to: number,
        hyper: { lr: number; momentum: number | undefined; step: number },
      ) => {
        const b1 = hyper.momentum ?? beta1;
        adamUpdate(p, g, m, v, vMax, from, to, {
          beta1: b1,
          beta2,
          eps,
          l2: decoupled ? 0 : weightDecay,
          decoupled,
          shrink: decoupled ? 1 - hyper.lr * weightDecay : 1,
          stepSize: hyper.lr / (1 - b1 ** hyper.step),
          correction2: Math.sqrt(1 - beta2 ** hyper.step),
        });
      },
    };
  };
}

export const adam: OptimizerDefinition = defineOptimizer({
  name: "adam",
  summary: "Adaptive moments (PyTorch Adam; weightDecay is an L2 penalty).",
  pytorch: "torch.optim.Adam",
  scheduledMomentum: "beta1",
  params: adamParams(0),
  create: createAdam(false),
});

export const adamw: OptimizerDefinition = defineOptimizer({
  name: "adamw",
  summary: "Adam with decoupled weight decay (PyTorch AdamW, weightDecay 0.01 by default).",
  pytorch: "torch.optim.AdamW",
  scheduledMomentum: "beta1",
  params: adamParams(0.01),
  create: createAdam(true),
});
