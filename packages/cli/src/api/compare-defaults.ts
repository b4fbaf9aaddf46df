import { RUN_DEFAULTS } from "@lrsim/core";
import type { LrScaling } from "./compare-protocol.ts";

/**
 * The defaults of `lrsim compare` and {@link compare}: Smith et al. (2018)'s protocol, in the
 * setting found by measurement (docs/reproducing-smith-2018.md) where a constant rate is clearly
 * worse than step decay, so that "does the batch ramp match step decay?" has an answer: softmax
 * regression on MNIST at a high rate, batch 64 ramping by 5 to exactly the 8,000 training digits.
 */
export const COMPARE_DEFAULTS = {
  schedules: "step,onecycle,batchramp",
  model: "softmax",
  dataset: "mnist",
  optimizer: "sgd(momentum=0.9)",
  batchSize: 64,
  epochs: 20,
  lr: 0.5,
  factor: 5,
  lrScaling: "none",
  seeds: 1,
  seed: 0,
  devices: RUN_DEFAULTS.devices,
  cluster: RUN_DEFAULTS.cluster,
  control: true,
} as const satisfies { lrScaling: LrScaling } & Record<string, unknown>;
