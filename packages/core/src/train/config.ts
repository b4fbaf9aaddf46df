import { errors } from "../errors.ts";
import { clusterModel, DEFAULT_CLUSTER_PRESET } from "./cluster.ts";

/** Everything that defines a training run. Specs are strings in the spec language. */
export interface RunConfig {
  /** Schedule spec; its `t` is driven per step or per epoch (see docs/training.md). */
  readonly schedule: string;
  readonly model: string;
  readonly dataset: string;
  readonly optimizer: string;
  /** The batch size whenever the schedule does not set one. */
  readonly batchSize: number;
  readonly epochs: number;
  /** Seeds initialisation and shuffling (datasets have seeds of their own). */
  readonly seed: number;
  /** A run diverges when its training loss exceeds this multiple of its best and its initial loss. */
  readonly divergenceFactor: number;
  /**
   * Samples per gradient chunk: the unit of work and of deterministic summation. `"auto"`
   * (the default) picks it from each step's batch size alone ({@link stepChunkSize}), so it
   * never depends on the worker count.
   */
  readonly chunkSize: number | "auto";
  /** Estimate the gradient noise scale every update (costs one more pass over the chunk gradients). */
  readonly noiseScale: boolean;
  /** Devices of the simulated cluster (see cluster.ts). */
  readonly devices: number;
  /** The hardware of the simulated cluster: a preset name of `CLUSTER_PRESETS` (cluster.ts). */
  readonly cluster: string;
  /**
   * Clip the mean gradient to this global L2 norm before each update, as
   * `torch.nn.utils.clip_grad_norm_(parameters, max_norm)` does; absent: no clipping.
   */
  readonly clipGradNorm?: number | undefined;
}

/** What a run uses for every option it is not given (`lrsim run --help` shows the same). */
export const RUN_DEFAULTS = {
  schedule: "constant",
  optimizer: "sgd",
  batchSize: 128,
  epochs: 10,
  seed: 0,
  divergenceFactor: 10,
  chunkSize: "auto",
  noiseScale: true,
  devices: 8,
  cluster: DEFAULT_CLUSTER_PRESET,
} as const;

/** The smallest chunk `"auto"` uses, and its chunk for evaluation. */
const AUTO_CHUNK_MIN = 64;
/** The largest chunk `"auto"` uses. */
const AUTO_CHUNK_MAX = 256;

/**
 * The chunk size of a step of `batch` samples. Under `"auto"`: 64, doubled (up to 256) while
 * the batch still makes at least 16 chunks of the doubled size — 64 below 1,024 samples, 128
 * up to 2,047, 256 from 2,048. Bigger chunks mean fewer gradient slots to sum (the reduction
 * is memory-bound) and better kernel efficiency; 8+ chunks keep every worker busy. Measured in
 * docs/performance.md.
 */
export function stepChunkSize(chunkSize: number | "auto", batch: number): number {
  if (chunkSize !== "auto") return chunkSize;
  let chunk = AUTO_CHUNK_MIN;
  while (chunk < AUTO_CHUNK_MAX && batch >= 16 * chunk) chunk *= 2;
  return chunk;
}

/** The chunk size of evaluation passes (and the finest chunking a run may use). */
export function baseChunkSize(chunkSize: number | "auto"): number {
  return chunkSize === "auto" ? AUTO_CHUNK_MIN : chunkSize;
}

/** A partial config as a caller writes it: model and dataset are required, the rest defaults. */
export type RunOptions = Partial<RunConfig> & Pick<RunConfig, "model" | "dataset">;

function integer(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min)
    throw errors.invalidOption(
      name,
      min === 0 ? "a non-negative integer" : `an integer >= ${min}`,
      String(value),
    );
}

/** Fills defaults and checks every option up front, with uniform messages. */
export function resolveRunConfig(options: RunOptions): RunConfig {
  const config: RunConfig = { ...RUN_DEFAULTS, ...options } as RunConfig;
  for (const key of ["schedule", "model", "dataset", "optimizer"] as const)
    if (typeof config[key] !== "string" || config[key].trim() === "")
      throw errors.invalidOption(key, "a non-empty spec", JSON.stringify(config[key]));
  integer("batchSize", config.batchSize, 1);
  integer("epochs", config.epochs, 1);
  integer("seed", config.seed, 0);
  if (config.chunkSize !== "auto") integer("chunkSize", config.chunkSize, 1);
  integer("devices", config.devices, 1);
  clusterModel(config.cluster, config.devices);
  if (
    config.clipGradNorm !== undefined &&
    !(
      typeof config.clipGradNorm === "number" &&
      config.clipGradNorm > 0 &&
      Number.isFinite(config.clipGradNorm)
    )
  )
    throw errors.invalidOption("clipGradNorm", "a finite number > 0", String(config.clipGradNorm));
  if (!(config.divergenceFactor > 1))
    throw errors.invalidOption("divergenceFactor", "a number > 1", String(config.divergenceFactor));
  return config;
}
