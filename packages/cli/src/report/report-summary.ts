import type { ReportRun } from "./report-data.ts";

/** A mean and sample standard deviation over seeds (std 0 for one seed); null when no seed has the value. */
interface MeanStd {
  readonly mean: number;
  readonly std: number;
  readonly n: number;
}

/** One schedule of a report, over its seeds: the row of the report's summary. */
export interface ScheduleSummary {
  readonly schedule: string;
  /** Index of the schedule in the report, which also picks its colour. */
  readonly index: number;
  readonly runIds: number[];
  readonly seeds: number[];
  readonly statuses: string[];
  readonly finalTestAccuracy: MeanStd | null;
  readonly bestTestAccuracy: MeanStd | null;
  readonly finalTestLoss: MeanStd | null;
  readonly updates: MeanStd | null;
  readonly clusterMs: MeanStd | null;
  /** Mean updates and simulated time over the control's; null for the control itself or without one. */
  readonly updatesVsControl: number | null;
  readonly clusterMsVsControl: number | null;
  readonly control: boolean;
}

/** Mean and sample std of the finite values, or null when there are none. */
function meanStd(values: ReadonlyArray<number | null>): MeanStd | null {
  const v = values.filter((x): x is number => x !== null && Number.isFinite(x));
  if (v.length === 0) return null;
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const std = v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1)) : 0;
  return { mean, std, n: v.length };
}

/**
 * The control a comparison is read against: step decay (Smith et al., ICLR 2018 compare batch
 * ramps with it), the first `multistep` or `step` schedule; else the first schedule.
 */
function controlOf(schedules: readonly string[]): string | undefined {
  return schedules.find((s) => /^(multi)?step\b/.test(s)) ?? schedules[0];
}

/**
 * Groups runs by schedule, in report order, into mean ± std over seeds, with updates and
 * simulated time relative to the control — what answers "did batchramp match step with fewer
 * updates?".
 */
export function summarizeSchedules(runs: readonly ReportRun[]): ScheduleSummary[] {
  const groups = new Map<string, ReportRun[]>();
  for (const run of runs) groups.set(run.schedule, [...(groups.get(run.schedule) ?? []), run]);
  const control = controlOf([...groups.keys()]);
  const rows = [...groups].map(([schedule, group], index) => ({
    schedule,
    index,
    runIds: group.map((r) => r.id),
    seeds: group.map((r) => r.seed),
    statuses: [...new Set(group.map((r) => r.status))],
    finalTestAccuracy: meanStd(group.map((r) => r.summary.finalTestAccuracy)),
    bestTestAccuracy: meanStd(group.map((r) => r.summary.bestTestAccuracy)),
    finalTestLoss: meanStd(group.map((r) => r.summary.finalTestLoss)),
    updates: meanStd(group.map((r) => r.summary.updates)),
    clusterMs: meanStd(group.map((r) => r.summary.clusterMs)),
    control: schedule === control,
  }));
  const base = rows.find((r) => r.control);
  const ratio = (value: MeanStd | null, of: MeanStd | null | undefined) =>
    value && of && of.mean > 0 ? value.mean / of.mean : null;
  return rows.map((r) => ({
    ...r,
    updatesVsControl: r.control ? null : ratio(r.updates, base?.updates),
    clusterMsVsControl: r.control ? null : ratio(r.clusterMs, base?.clusterMs),
  }));
}
