import type { SweepRunResult } from "@lrsim/store";
import { AXES, type Axis, type GridPoint, type SweepGrid, toGridPoint, varyingAxes } from "./grid.ts";

/** The metrics a sweep can be ranked by, and which way is better. */
export const SWEEP_METRICS = {
  "test-accuracy": { field: "finalTestAccuracy", higherIsBetter: true, label: "final test acc" },
  "test-loss": { field: "finalTestLoss", higherIsBetter: false, label: "final test loss" },
  "train-loss": { field: "finalTrainLoss", higherIsBetter: false, label: "final train loss" },
  "best-test-accuracy": { field: "bestTestAccuracy", higherIsBetter: true, label: "best test acc" },
} as const;
export type SweepMetric = keyof typeof SWEEP_METRICS;

/** Mean and sample standard deviation over seeds (std null for a single value), or null without values. */
export interface MeanStd {
  readonly mean: number;
  readonly std: number | null;
  readonly n: number;
}

/** One grid point of a sweep summarised over its seeds. */
export interface SweepRow {
  readonly point: GridPoint;
  /** Seeds recorded for this point, and how many of them ended `completed`. */
  readonly seeds: number;
  readonly completed: number;
  /** The ranking metric over the seeds whose runs have it. */
  readonly metric: MeanStd | null;
  readonly testLoss: MeanStd | null;
  readonly trainLoss: MeanStd | null;
  readonly updates: MeanStd | null;
  /** Statuses other than completed, with their errors (first of each), for the table's last column. */
  readonly problems: string[];
}

function meanStd(values: readonly (number | null)[]): MeanStd | null {
  const xs = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (xs.length === 0) return null;
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const std = xs.length < 2 ? null : Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1));
  return { mean, std, n: xs.length };
}

/** The grid point a stored run was recorded at; a row without one is a damaged database. */
function pointOf(run: SweepRunResult): GridPoint {
  const point = toGridPoint(run.point);
  if (point === undefined) throw new Error(`sweep run ${run.runKey} has no valid grid point`);
  return point;
}

/**
 * A sweep's recorded runs grouped by grid point (mean ± std over seeds), sorted by `metric`,
 * best first; points without a value of the metric (failed, diverged) come last.
 */
export function summarizeSweep(runs: readonly SweepRunResult[], metric: SweepMetric): SweepRow[] {
  const { field, higherIsBetter } = SWEEP_METRICS[metric];
  const groups = new Map<string, SweepRunResult[]>();
  for (const run of runs) {
    const id = JSON.stringify(AXES.map((axis) => run.point[axis]));
    groups.set(id, [...(groups.get(id) ?? []), run]);
  }
  const rows = [...groups.values()].map((group): SweepRow => {
    const problems = [
      ...new Set(
        group
          .filter((r) => r.status !== "completed")
          .map((r) => `${r.status}${r.error ? `: ${r.error}` : ""}`),
      ),
    ];
    return {
      point: pointOf(group[0]!),
      seeds: group.length,
      completed: group.filter((r) => r.status === "completed").length,
      metric: meanStd(group.map((r) => r[field])),
      testLoss: meanStd(group.map((r) => r.finalTestLoss)),
      trainLoss: meanStd(group.map((r) => r.finalTrainLoss)),
      updates: meanStd(group.map((r) => r.updates)),
      problems,
    };
  });
  const score = (row: SweepRow) =>
    row.metric === null ? Number.NEGATIVE_INFINITY : higherIsBetter ? row.metric.mean : -row.metric.mean;
  return rows.sort((a, b) => score(b) - score(a));
}

/** The best row of each schedule (rows already sorted best first). */
export function bestPerSchedule(rows: readonly SweepRow[]): SweepRow[] {
  const seen = new Set<string>();
  return rows.filter((row) => {
    if (seen.has(row.point.schedule)) return false;
    seen.add(row.point.schedule);
    return true;
  });
}

/** The axes a sweep's table shows as columns: those that vary, and always the schedule. */
export function columnAxes(grid: SweepGrid): Axis[] {
  const varying = varyingAxes(grid);
  return varying.includes("schedule") ? varying : ["schedule", ...varying];
}
