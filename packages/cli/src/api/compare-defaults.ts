import { RUN_DEFAULTS } from "@lrsim/core";

/** The defaults of `lrsim compare` and {@link compare}: Smith et al. (2018)'s protocol on the MNIST MLP. */
export const COMPARE_DEFAULTS = {
  schedules: "step,onecycle,batchramp",
  model: "mlp",
  dataset: "mnist",
  optimizer: "sgd(momentum=0.9)",
  batchSize: RUN_DEFAULTS.batchSize,
  epochs: 20,
  lr: 0.1,
  factor: 5,
  seeds: 1,
  seed: 0,
  devices: RUN_DEFAULTS.devices,
} as const;
