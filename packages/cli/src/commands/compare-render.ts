import type { StoredRunResult } from "../api/stored-result.ts";
import { formatCell, renderTable } from "../render/table.ts";

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

/** The comparison table: one row per schedule, mean ± std over seeds where there are several. */
export function comparisonTable(runs: readonly StoredRunResult[]): string {
  const rows = [...bySchedule(runs)].map(([schedule, group]) => {
    const seeds = group.length;
    const accuracy = group.every((r) => r.final !== null && r.final.testAccuracy !== null);
    const final = meanStd(group.map((r) => r.final?.testAccuracy ?? Number.NaN));
    const best = meanStd(
      group.map((r) => Math.max(...r.history.map((h) => h.testAccuracy ?? Number.NEGATIVE_INFINITY))),
    );
    const statuses = [...new Set(group.map((r) => r.status))].join(",");
    return [
      schedule,
      String(seeds),
      accuracy ? percent(final, seeds) : "",
      accuracy ? percent(best, seeds) : "",
      formatCell(meanStd(group.map((r) => r.final?.testLoss ?? Number.NaN)).mean),
      formatCell(Math.round(meanStd(group.map((r) => r.updates)).mean)),
      formatCell(meanStd(group.map((r) => r.epochs)).mean),
      `${(meanStd(group.map((r) => r.wallMs)).mean / 1000).toFixed(1)}s`,
      `${(meanStd(group.map((r) => r.clusterMs)).mean / 1000).toFixed(2)}s`,
      statuses,
    ];
  });
  const devices = runs[0]?.devices ?? 0;
  const headers = [
    "schedule",
    "seeds",
    "final test acc",
    "best test acc",
    "test loss",
    "updates",
    "epochs",
    "wall",
    `on ${devices} dev`,
    "status",
  ];
  return renderTable(
    headers.map((header, i) => ({ header, align: i > 0 && i < 9 ? ("right" as const) : ("left" as const) })),
    rows,
  );
}
