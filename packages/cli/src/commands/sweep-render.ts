import { type Db, getSweep, recordedKeys, sweepRunResults } from "@lrsim/store";
import { renderTable } from "../render/table.ts";
import { AXIS_LABELS, type SweepGrid } from "../sweep/grid.ts";
import {
  columnAxes,
  type MeanStd,
  SWEEP_METRICS,
  type SweepMetric,
  summarizeSweep,
} from "../sweep/summary.ts";

/** `0.9123 ± 0.0041` (or the value alone for one seed); accuracies in percent. */
function cell(value: MeanStd | null, percent: boolean): string {
  if (!value) return "";
  const f = (x: number) => (percent ? `${(x * 100).toFixed(2)}%` : x.toPrecision(4));
  return value.std === null ? f(value.mean) : `${f(value.mean)} ± ${f(value.std)}`;
}

/**
 * A stored sweep as `lrsim sweep --show` prints it: a header, then one row per grid point with
 * the axes that vary as columns, sorted by `metric` (best first), mean ± std over seeds; or
 * the same as JSON.
 */
export function showSweep(db: Db, id: number, metric: SweepMetric, json: boolean): string {
  const sweep = getSweep(db, id);
  const grid = (sweep.config as { grid: SweepGrid }).grid;
  const runs = sweepRunResults(db, id);
  const rows = summarizeSweep(runs, metric);
  const axes = columnAxes(grid);
  if (json)
    return JSON.stringify({
      sweepId: id,
      planned: sweep.planned,
      recorded: runs.length,
      metric,
      axes,
      rows,
      runs,
    });
  const percent = SWEEP_METRICS[metric].higherIsBetter;
  const table = renderTable(
    [
      { header: "#", align: "right" },
      ...axes.map((axis) => ({
        header: AXIS_LABELS[axis],
        align:
          axis === "schedule" || axis === "optimizer" || axis === "model" || axis === "dataset"
            ? ("left" as const)
            : ("right" as const),
      })),
      { header: "seeds", align: "right" },
      { header: SWEEP_METRICS[metric].label, align: "right" },
      ...(metric === "test-loss" ? [] : [{ header: "final test loss", align: "right" as const }]),
      { header: "updates", align: "right" },
      { header: "status" },
    ],
    rows.map((row, i) => [
      String(i + 1),
      ...axes.map((axis) => String(row.point[axis])),
      String(row.seeds),
      cell(row.metric, percent),
      ...(metric === "test-loss" ? [] : [cell(row.testLoss, false)]),
      row.updates ? String(Math.round(row.updates.mean)) : "",
      row.problems.length === 0 ? "completed" : row.problems.join("; "),
    ]),
  );
  const fixed = Object.entries({
    model: grid.model,
    dataset: grid.dataset,
    optimizer: grid.optimizer,
    epochs: grid.epochs,
  })
    .filter(([axis, values]) => values.length === 1 && !(axes as readonly string[]).includes(axis))
    .map(([axis, values]) => `${axis} ${values[0]}`)
    .join(", ");
  return `sweep ${id}: ${runs.length} of ${sweep.planned} runs recorded; ${fixed}; by ${SWEEP_METRICS[metric].label}, best first\n\n${table}`;
}

/** `3 of 8 runs recorded; lrsim sweep --resume 1 finishes it`: how to finish a sweep with runs missing. */
export function sweepResumeHint(id: number, recorded: number, planned: number, redis: boolean): string {
  return `${recorded} of ${planned} runs recorded; lrsim sweep --resume ${id}${redis ? " --redis URL" : ""} finishes it`;
}

/** For a stored sweep with runs missing, {@link sweepResumeHint}; undefined once every run is recorded. */
export function storedSweepResumeHint(db: Db, id: number): string | undefined {
  const sweep = getSweep(db, id);
  const recorded = recordedKeys(db, id).size;
  if (recorded >= sweep.planned) return undefined;
  const redis = (sweep.config as { redis?: unknown }).redis;
  return sweepResumeHint(id, recorded, sweep.planned, typeof redis === "string");
}
