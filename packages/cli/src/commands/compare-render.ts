import type { StoredRunResult } from "../api/stored-result.ts";
import { formatCell, renderTable } from "../render/table.ts";
import { formatClusterMs } from "./cluster-option.ts";

function meanStd(values: number[]): { mean: number; std: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance =
    values.length > 1 ? values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1) : 0;
  return { mean, std: Math.sqrt(variance) };
}

const percent = (v: { mean: number; std: number }, seeds: number) =>
  `${(v.mean * 100).toFixed(2)}%${seeds > 1 ? ` ± ${(v.std * 100).toFixed(2)}` : ""}`;

/** Runs grouped by schedule, in the order they were given. */
function bySchedule(runs: readonly StoredRunResult[]): Map<string, StoredRunResult[]> {
  const groups = new Map<string, StoredRunResult[]>();
  for (const run of runs) groups.set(run.schedule, [...(groups.get(run.schedule) ?? []), run]);
  return groups;
}

/** A mean, with ± the std over seeds when there are several, to `digits` significant digits. */
const plusMinus = (v: { mean: number; std: number }, seeds: number, digits = 4) =>
  `${v.mean.toPrecision(digits)}${seeds > 1 ? ` ± ${v.std.toPrecision(2)}` : ""}`;

/** The row step decay is timed against: the first `multistep` or `step` schedule. */
function isStepDecay(schedule: string): boolean {
  return /^(multi)?step\(/.test(schedule) || schedule === "step" || schedule === "multistep";
}

/**
 * The comparison table: one row per schedule, mean ± std over seeds where there are several.
 * Final train loss sits beside the test metrics, so a control row (constant rate) shows
 * whether decaying helped at all; `cluster` is the simulated time on the run's cluster and
 * `vs step` its speed-up over step decay's (when a step-decay row is there; blank unless both
 * trained to the end: a diverged or interrupted run stopped early, and its shorter time is no
 * speed-up).
 */
export function comparisonTable(runs: readonly StoredRunResult[]): string {
  const groups = [...bySchedule(runs)];
  const stepGroup = groups.find(([schedule]) => isStepDecay(schedule))?.[1];
  const stepCluster = stepGroup ? meanStd(stepGroup.map((r) => r.clusterMs)).mean : undefined;
  const completed = (group: readonly StoredRunResult[]) => group.every((r) => r.status === "completed");
  const stepCompleted = stepGroup !== undefined && completed(stepGroup);
  const rows = groups.map(([schedule, group]) => {
    const seeds = group.length;
    const accuracy = group.every((r) => r.final !== null && r.final.testAccuracy !== null);
    const final = meanStd(group.map((r) => r.final?.testAccuracy ?? Number.NaN));
    const best = meanStd(
      group.map((r) =>
        r.history.reduce(
          (m, h) => Math.max(m, h.testAccuracy ?? Number.NEGATIVE_INFINITY),
          Number.NEGATIVE_INFINITY,
        ),
      ),
    );
    const cluster = meanStd(group.map((r) => r.clusterMs)).mean;
    const statuses = [...new Set(group.map((r) => r.status))].join(",");
    return [
      schedule,
      String(seeds),
      plusMinus(meanStd(group.map((r) => r.final?.trainLoss ?? Number.NaN)), seeds),
      accuracy ? percent(final, seeds) : "",
      accuracy ? percent(best, seeds) : "",
      plusMinus(meanStd(group.map((r) => r.final?.testLoss ?? Number.NaN)), seeds),
      formatCell(Math.round(meanStd(group.map((r) => r.updates)).mean)),
      formatCell(meanStd(group.map((r) => r.epochs)).mean),
      `${(meanStd(group.map((r) => r.wallMs)).mean / 1000).toFixed(1)}s`,
      formatClusterMs(cluster),
      ...(stepCluster === undefined
        ? []
        : [cluster > 0 && stepCompleted && completed(group) ? `${(stepCluster / cluster).toFixed(2)}x` : ""]),
      statuses,
    ];
  });
  const first = runs[0];
  const headers = [
    "schedule",
    "seeds",
    "train loss",
    "final test acc",
    "best test acc",
    "test loss",
    "updates",
    "epochs",
    "wall",
    first ? `on ${first.devices} x ${first.cluster}` : "cluster",
    ...(stepCluster === undefined ? [] : ["vs step"]),
    "status",
  ];
  return renderTable(
    headers.map((header, i) => ({
      header,
      align: i > 0 && i < headers.length - 1 ? ("right" as const) : ("left" as const),
    })),
    rows,
  );
}
