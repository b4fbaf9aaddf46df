import type { EpochRecord } from "@lrsim/core";
import type { StoredRunResult } from "../api/stored-result.ts";
import { lossFit } from "../render/axis.ts";
import { renderChart, type Series } from "../render/chart.ts";

/** How the comparison charts draw: colour on top of markers, and the width to fill. */
export interface ComparisonChartOptions {
  readonly color: boolean;
  readonly width: number;
}

/** One schedule's curve: the mean over its seeds of every per-epoch quantity. */
interface MeanCurve {
  readonly schedule: string;
  readonly seeds: number;
  readonly rows: ReadonlyArray<Record<"epoch" | "updates" | "lr" | "batchSize" | "testLoss", number>>;
  /** Final test loss and updates of each seed, for the legend's mean ± std. */
  readonly finalLoss: readonly number[];
  readonly updates: readonly number[];
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function std(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const m = mean(values);
  return Math.sqrt(values.reduce((a, b) => a + (b - m) ** 2, 0) / (values.length - 1));
}

/**
 * Averages the seeds of each schedule row by row. A row is kept while every seed has it, so a
 * seed that diverged or was interrupted early shortens its schedule's curve instead of
 * bending it.
 */
function meanCurves(runs: readonly StoredRunResult[]): MeanCurve[] {
  const groups = new Map<string, StoredRunResult[]>();
  for (const run of runs) groups.set(run.schedule, [...(groups.get(run.schedule) ?? []), run]);
  return [...groups].map(([schedule, group]) => {
    const length = Math.min(...group.map((r) => r.history.length));
    const at = (i: number, key: keyof EpochRecord) => mean(group.map((r) => Number(r.history[i]![key])));
    const rows = Array.from({ length }, (_, i) => ({
      epoch: at(i, "epoch"),
      updates: at(i, "updates"),
      lr: at(i, "lr"),
      batchSize: at(i, "batchSize"),
      testLoss: at(i, "testLoss"),
    }));
    return {
      schedule,
      seeds: group.length,
      rows,
      finalLoss: group.flatMap((r) => (r.final ? [r.final.testLoss] : [])),
      updates: group.map((r) => r.updates),
    };
  });
}

/** Integers as they are, other values to 4 significant digits. */
const short = (v: number, digits: number) => (Number.isInteger(v) ? String(v) : v.toPrecision(digits));

/** Mean, and ± std when the values differ: "0.2247 ± 0.0031", "504". */
const plusMinus = (values: readonly number[]) =>
  `${short(mean(values), 4)}${std(values) > 0 ? ` ± ${short(std(values), 2)}` : ""}`;

/**
 * The comparison's charts: test loss vs epoch and vs parameter updates (the question of Smith
 * et al., ICLR 2018: the same loss in fewer updates?), then lr and batch size vs epoch. Each
 * schedule is one series with its own marker; with several seeds the curves are their mean
 * and the legend gives mean ± std of the final loss. The loss axes are fitted to the epochs
 * after the first fifth, where the schedules differ, rather than to the untrained loss.
 */
export function comparisonCharts(runs: readonly StoredRunResult[], options: ComparisonChartOptions): string {
  const curves = meanCurves(runs).filter((c) => c.rows.length > 0);
  if (curves.length === 0) return "";
  const seeds = Math.max(...curves.map((c) => c.seeds));
  const ofSeeds = seeds > 1 ? ` — mean of ${seeds} seeds per schedule` : "";
  const epochs = Math.max(...curves.map((c) => c.rows[c.rows.length - 1]!.epoch));
  const { fitFrom, fitNote } = lossFit(
    curves[0]!.rows.map((r) => r.epoch),
    epochs,
  );
  const series = (
    x: (r: MeanCurve["rows"][number]) => number,
    y: (r: MeanCurve["rows"][number]) => number,
    note?: (c: MeanCurve) => string,
  ): Series[] =>
    curves.map((c) => ({
      name: c.schedule,
      x: c.rows.map(x),
      y: c.rows.map(y),
      ...(note ? { note: note(c) } : {}),
    }));
  const common = { color: options.color, width: options.width, height: 12 };
  const loss = {
    ...common,
    yLabel: `test loss${seeds > 1 ? " (mean over seeds)" : ""}`,
    fitFrom,
    fitNote,
  };
  const finalLoss = (c: MeanCurve) => `final ${plusMinus(c.finalLoss)}`;
  const updates = (c: MeanCurve) => `${plusMinus(c.updates)} updates`;
  return [
    renderChart(
      series(
        (r) => r.epoch,
        (r) => r.testLoss,
        finalLoss,
      ),
      { ...loss, title: `test loss vs epoch${ofSeeds}`, xLabel: "epoch" },
    ),
    renderChart(
      series(
        (r) => r.updates,
        (r) => r.testLoss,
        updates,
      ),
      { ...loss, title: `test loss vs parameter updates${ofSeeds}`, xLabel: "updates" },
    ),
    renderChart(
      series(
        (r) => r.epoch,
        (r) => r.lr,
      ),
      { ...common, height: 8, title: "lr vs epoch", yLabel: "lr", xLabel: "epoch", logY: true },
    ),
    renderChart(
      series(
        (r) => r.epoch,
        (r) => r.batchSize,
      ),
      {
        ...common,
        height: 8,
        title: "batch size vs epoch",
        yLabel: "batch size",
        xLabel: "epoch",
        logY: true,
        steps: true,
      },
    ),
  ].join("\n\n");
}
