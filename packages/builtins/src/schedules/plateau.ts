import { defineSchedule, param } from "@lrsim/core/plugin-api";
import { lrParam } from "./common.ts";

/**
 * PyTorch's ReduceLROnPlateau. The trainer feeds it the monitored metric after every tick
 * (an epoch by default); `at` returns the lr as it stands after the metrics seen so far.
 */
export const plateau = defineSchedule({
  name: "plateau",
  summary:
    "Multiply the lr by factor (< 1) when the monitored metric stops improving for patience epochs (PyTorch ReduceLROnPlateau).",
  unit: "epoch",
  pytorch: "ReduceLROnPlateau",
  formula: "after more than `patience` ticks without improvement: lr = max(lr * factor, minLr)",
  params: {
    lr: lrParam,
    factor: param.number({
      doc: "Factor per reduction.",
      default: 0.1,
      min: 0,
      exclusiveMin: true,
      max: 1,
      exclusiveMax: true,
    }),
    patience: param.integer({ doc: "Ticks without improvement tolerated.", default: 10, min: 0 }),
    threshold: param.number({ doc: "Minimum change counted as improvement.", default: 1e-4, min: 0 }),
    thresholdMode: param.choice(["rel", "abs"], {
      doc: "Whether threshold is relative or absolute.",
      default: "rel",
    }),
    mode: param.choice(["min", "max"], { doc: "min for losses, max for accuracies.", default: "min" }),
    cooldown: param.integer({ doc: "Ticks to wait after a reduction.", default: 0, min: 0 }),
    minLr: param.number({ doc: "Lower bound on the lr.", default: 0, min: 0 }),
    eps: param.number({ doc: "Reductions smaller than this are skipped.", default: 1e-8, min: 0 }),
  },
  create: ({ lr, factor, patience, threshold, thresholdMode, mode, cooldown, minLr, eps }) => {
    let current = lr;
    let best = mode === "min" ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
    let badEpochs = 0;
    let cooldownCounter = 0;
    const isBetter = (a: number): boolean => {
      if (mode === "min") return thresholdMode === "rel" ? a < best * (1 - threshold) : a < best - threshold;
      return thresholdMode === "rel" ? a > best * (threshold + 1) : a > best + threshold;
    };
    return {
      metricDriven: true,
      at: () => ({ lr: current }),
      observe: (_t, metric) => {
        if (isBetter(metric)) {
          best = metric;
          badEpochs = 0;
        } else {
          badEpochs++;
        }
        if (cooldownCounter > 0) {
          cooldownCounter--;
          badEpochs = 0;
        }
        if (badEpochs > patience) {
          const reduced = Math.max(current * factor, minLr);
          if (current - reduced > eps) current = reduced;
          cooldownCounter = cooldown;
          badEpochs = 0;
        }
      },
    };
  },
});
