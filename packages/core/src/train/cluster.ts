/**
 * What a run would cost on a cluster of K data-parallel devices. Compute per sample is what
 * this machine measured (one thread standing for one device); each update then pays a ring
 * all-reduce of the gradient: 2(K-1) messages of latency `latencyUs` and 2(K-1)/K of the
 * gradient's bytes at `bandwidthGBs` (Patarasuk & Yuan's bandwidth-optimal ring). Fewer,
 * larger updates pay fewer all-reduces: that is where batch-size schedules win.
 */
export interface ClusterModel {
  readonly devices: number;
  /** Per-message latency of the interconnect, in microseconds. */
  readonly latencyUs: number;
  /** Per-link bandwidth, in GB/s. */
  readonly bandwidthGBs: number;
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
 * (the slowest device does ceil(B/K) samples), then one all-reduce.
 */
export class ClusterClock {
  private deviceSamples = 0;
  private updates = 0;

  constructor(
    private readonly model: ClusterModel,
    private readonly parameters: number,
  ) {}

  /** Adds one update of `batchSize` samples: compute spread over the devices, then one all-reduce. */
  addUpdate(batchSize: number): void {
    this.deviceSamples += Math.ceil(batchSize / this.model.devices);
    this.updates++;
  }

  /** Simulated milliseconds so far, with `msPerSample` the compute per sample measured here. */
  ms(msPerSample: number): number {
    return this.deviceSamples * msPerSample + this.updates * allReduceMs(this.parameters, this.model);
  }
}
