import { errors } from "../errors.ts";

/**
 * What a run would cost on a cluster of K data-parallel devices, from a model rather than this
 * machine's clock, so the same run gives the same simulated time on any machine. Each update
 * splits its batch over the devices; the slowest device computes ceil(B/K) samples at the
 * model's FLOPs per sample over the device's sustained throughput; then the gradient goes
 * through a ring all-reduce: 2(K-1) messages of latency `latencyUs` and 2(K-1)/K of the
 * gradient's bytes at `bandwidthGBs` (Patarasuk & Yuan, "Bandwidth optimal all-reduce
 * algorithms for clusters of workstations", 2009). Fewer, larger updates pay fewer
 * all-reduces: that is where batch-size schedules win, and most on slow links.
 */
export interface ClusterModel {
  readonly devices: number;
  /** Sustained throughput of one device, in TFLOP/s (float32). */
  readonly sustainedTflops: number;
  /** Per-message latency of the interconnect, in microseconds. */
  readonly latencyUs: number;
  /** Bandwidth of one link in one direction, in GB/s. */
  readonly bandwidthGBs: number;
}

/** A named piece of real hardware the simulated cluster can be made of. */
export interface ClusterPreset {
  /** One line: the device and the interconnect. */
  readonly describe: string;
  /** Peak float32 throughput of one device from its datasheet, TFLOP/s. */
  readonly peakTflops: number;
  readonly latencyUs: number;
  readonly bandwidthGBs: number;
}

/**
 * The share of peak throughput a device is assumed to sustain on dense training (an
 * assumption, the same for every preset; docs/compare.md says so).
 */
export const SUSTAINED_FRACTION = 0.5;

/**
 * Real hardware, figures from the vendors' datasheets (cited in docs/compare.md): peak float32
 * throughput, and per-direction link bandwidth (half the bidirectional totals datasheets quote).
 * Latencies are typical per-message figures of each interconnect, an assumption like the
 * sustained fraction.
 */
export const CLUSTER_PRESETS = {
  "v100-nvlink": {
    describe: "NVIDIA V100 SXM2 (15.7 TFLOP/s fp32), NVLink 2 (300 GB/s total, 150 GB/s each way)",
    peakTflops: 15.7,
    latencyUs: 5,
    bandwidthGBs: 150,
  },
  "a100-nvlink": {
    describe: "NVIDIA A100 SXM4 (19.5 TFLOP/s fp32), NVLink 3 (600 GB/s total, 300 GB/s each way)",
    peakTflops: 19.5,
    latencyUs: 5,
    bandwidthGBs: 300,
  },
  "a100-infiniband": {
    describe: "NVIDIA A100 SXM4 (19.5 TFLOP/s fp32), one node each, HDR InfiniBand (200 Gb/s = 25 GB/s)",
    peakTflops: 19.5,
    latencyUs: 5,
    bandwidthGBs: 25,
  },
  "cpu-100gbe": {
    describe: "Intel Xeon Platinum 8380 (40 cores, AVX-512: 2.9 TFLOP/s fp32) nodes on 100 GbE (12.5 GB/s)",
    peakTflops: 2.94,
    latencyUs: 20,
    bandwidthGBs: 12.5,
  },
  "cpu-10gbe": {
    describe: "Intel Xeon Platinum 8380 (40 cores, AVX-512: 2.9 TFLOP/s fp32) nodes on 10 GbE (1.25 GB/s)",
    peakTflops: 2.94,
    latencyUs: 50,
    bandwidthGBs: 1.25,
  },
} as const satisfies Record<string, ClusterPreset>;

/** The name of a cluster preset. */
export type ClusterPresetName = keyof typeof CLUSTER_PRESETS;

/** The preset a run simulates unless told otherwise. */
export const DEFAULT_CLUSTER_PRESET: ClusterPresetName = "v100-nvlink";

/** True when `name` names a preset. */
function isClusterPreset(name: string): name is ClusterPresetName {
  return Object.hasOwn(CLUSTER_PRESETS, name);
}

/** The cluster of `devices` devices of preset `name`; an unknown name is refused with the known ones. */
export function clusterModel(name: string, devices: number): ClusterModel {
  if (!isClusterPreset(name))
    throw errors.invalidOption("cluster", `one of ${Object.keys(CLUSTER_PRESETS).join(", ")}`, name);
  const preset: ClusterPreset = CLUSTER_PRESETS[name];
  return {
    devices,
    sustainedTflops: preset.peakTflops * SUSTAINED_FRACTION,
    latencyUs: preset.latencyUs,
    bandwidthGBs: preset.bandwidthGBs,
  };
}

/**
 * Reads `--cluster`: comma-separated `devices=K` and `preset=NAME` (either may be left out;
 * a bare preset name is accepted too), e.g. `"devices=64, preset=a100-nvlink"`.
 */
export function parseClusterOption(text: string): { devices?: number; preset?: ClusterPresetName } {
  const out: { devices?: number; preset?: ClusterPresetName } = {};
  for (const part of text
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [key, value, ...rest] = part.split("=").map((s) => s.trim());
    if (value === undefined && key !== undefined && isClusterPreset(key)) out.preset = key;
    else if (key === "devices" && rest.length === 0 && /^[1-9]\d*$/.test(value ?? ""))
      out.devices = Number(value);
    else if (key === "preset" && rest.length === 0 && value !== undefined && isClusterPreset(value))
      out.preset = value;
    else
      throw errors.invalidOption(
        "cluster",
        `"devices=K, preset=NAME" with K a positive integer and NAME one of ${Object.keys(CLUSTER_PRESETS).join(", ")}`,
        JSON.stringify(text),
      );
  }
  return out;
}

/** Milliseconds one ring all-reduce of `parameters` float32 values takes. */
export function allReduceMs(parameters: number, model: ClusterModel): number {
  const k = model.devices;
  if (k <= 1) return 0;
  const bytes = 4 * parameters;
  const latency = 2 * (k - 1) * model.latencyUs * 1e-3;
  const transfer = ((2 * (k - 1)) / k) * (bytes / (model.bandwidthGBs * 1e9)) * 1e3;
  return latency + transfer;
}

/**
 * Accumulates a run's simulated cluster time: each update's batch split over the devices
 * (the slowest device computes ceil(B/K) samples), then one all-reduce. Integer counts are
 * kept and the time computed from them, so it does not depend on the order of additions.
 */
export class ClusterClock {
  private deviceSamples = 0;
  private updates = 0;
  private readonly msPerSample: number;
  private readonly msPerAllReduce: number;

  constructor(
    private readonly model: ClusterModel,
    parameters: number,
    flopsPerSample: number,
  ) {
    this.msPerSample = (flopsPerSample / (model.sustainedTflops * 1e12)) * 1e3;
    this.msPerAllReduce = allReduceMs(parameters, model);
  }

  /** Adds one update of `batchSize` samples: compute spread over the devices, then one all-reduce. */
  addUpdate(batchSize: number): void {
    this.deviceSamples += Math.ceil(batchSize / this.model.devices);
    this.updates++;
  }

  /** Simulated milliseconds so far. */
  ms(): number {
    return this.deviceSamples * this.msPerSample + this.updates * this.msPerAllReduce;
  }
}
