import type { OptimizerDefinition } from "@lrsim/core/plugin-api";
import { defineOptimizer, param } from "@lrsim/core/plugin-api";
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
 */
function adamUpdate(decoupled: boolean) {
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
        const stepSize = hyper.lr / (1 - b1 ** hyper.step);
        const correction2 = Math.sqrt(1 - beta2 ** hyper.step);
        const shrink = decoupled ? 1 - hyper.lr * weightDecay : 1;
        const l2 = decoupled ? 0 : weightDecay;
        for (let i = from; i < to; i++) {
          const pi = decoupled ? Math.fround(p[i]! * shrink) : p[i]!;
          const d = g[i]! + l2 * pi;
          const mi = Math.fround(b1 * m[i]! + (1 - b1) * d);
          const vi = Math.fround(beta2 * v[i]! + (1 - beta2) * d * d);
          m[i] = mi;
          v[i] = vi;
          let second = vi;
          if (vMax) {
            second = Math.max(vMax[i]!, vi);
            vMax[i] = second;
          }
          p[i] = pi - (stepSize * mi) / (Math.sqrt(second) / correction2 + eps);
        }
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
  create: adamUpdate(false),
});

export const adamw: OptimizerDefinition = defineOptimizer({
  name: "adamw",
  summary: "Adam with decoupled weight decay (PyTorch AdamW, weightDecay 0.01 by default).",
  pytorch: "torch.optim.AdamW",
  scheduledMomentum: "beta1",
  params: adamParams(0.01),
  create: adamUpdate(true),
});
