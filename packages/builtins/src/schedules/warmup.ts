import { defineSchedule, param } from "@lrsim/core/plugin-api";
import { remaining } from "./common.ts";

/**
 * Linear warm-up into another schedule: PyTorch's
 * `SequentialLR([LinearLR(startFactor, 1, totalIters=steps), then], milestones=[steps])`.
 * The target is `then`'s value at its own t = 0; batch size and momentum come from there too.
 */
export const warmup = defineSchedule({
  name: "warmup",
  summary:
    "Ramp linearly from startFactor * target up to the target over `steps`, then run `then` from its t = 0.",
  unit: "step",
  pytorch: "SequentialLR(LinearLR, then)",
  formula: "t < steps: then(0) * (startFactor + (1 - startFactor) * t / steps); else then(t - steps)",
  params: {
    steps: param.integer({ doc: "Length of the warm-up.", min: 1, hint: "give steps=..." }),
    // biome-ignore lint/suspicious/noThenProperty: `then` is the parameter name the spec language promises; these objects are never awaited.
    then: param.spec({
      doc: "The schedule that follows (runs on warmup's clock).",
      default: { kind: "call", name: "constant", args: [] },
    }),
    startFactor: param.number({
      doc: "Fraction of the target lr at t = 0 (0.01 as in torchvision's reference recipes).",
      default: 0.01,
      min: 0,
      exclusiveMin: true,
      max: 1,
    }),
  },
  create: ({ steps, then, startFactor }, context) => {
    const next = context.build(then, remaining(context, steps));
    const target = next.at(0);
    return {
      metricDriven: next.metricDriven,
      at: (t) => {
        if (t >= steps) return next.at(t - steps);
        return { ...target, lr: target.lr * (startFactor + ((1 - startFactor) * t) / steps) };
      },
      observe: (t, metric) => {
        if (t >= steps) next.observe(t - steps, metric);
      },
    };
  },
});
