import { CLUSTER_PRESETS, DEFAULT_CLUSTER_PRESET, parseClusterOption, RUN_DEFAULTS } from "@lrsim/core";
import type { Argv } from "yargs";

/** What `--cluster` and `--devices` read, as the yargs arguments hold them. */
export interface ClusterArgs {
  cluster: string | undefined;
  devices: number | undefined;
}

/** `--cluster` and its shorthand `--devices`, for every command that trains. */
export function clusterOptions<T>(y: Argv<T>) {
  return y
    .option("cluster", {
      type: "string",
      defaultDescription: `"devices=${RUN_DEFAULTS.devices}, preset=${DEFAULT_CLUSTER_PRESET}"`,
      describe: `The simulated data-parallel cluster, "devices=K, preset=NAME": each update costs the slowest device's share of the batch (the model's FLOPs per sample over the device's sustained throughput) plus a ring all-reduce of the gradient. Presets: ${Object.keys(CLUSTER_PRESETS).join(", ")} (see docs/compare.md)`,
    })
    .option("devices", {
      type: "number",
      defaultDescription: String(RUN_DEFAULTS.devices),
      describe: "Devices of the simulated cluster (shorthand for --cluster devices=K)",
    });
}

/** The run options `--cluster` and `--devices` stand for; `--cluster`'s devices win. */
export function clusterRunOptions(args: ClusterArgs): { devices: number; cluster: string } {
  const parsed = args.cluster === undefined ? {} : parseClusterOption(args.cluster);
  return {
    devices: parsed.devices ?? args.devices ?? RUN_DEFAULTS.devices,
    cluster: parsed.preset ?? DEFAULT_CLUSTER_PRESET,
  };
}

/** Simulated time for a table cell: milliseconds below a second, seconds above, 3 digits. */
export function formatClusterMs(ms: number): string {
  if (ms === 0) return "0 ms";
  return ms < 1000 ? `${ms.toPrecision(3)} ms` : `${(ms / 1000).toPrecision(3)} s`;
}

/** `--clip-grad-norm`, the same in run, compare, sweep and find-lr. */
export const clipGradNormOption = {
  type: "number",
  describe:
    "Clip the mean gradient to this global L2 norm before every update, as torch.nn.utils.clip_grad_norm_ (default: no clipping)",
} as const;
