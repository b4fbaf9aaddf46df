import { errors } from "@lrsim/core";
import { type Db, getSweep, sweepRunResults } from "@lrsim/store";
import { AXES, AXIS_LABELS, type Axis, type SweepGrid, varyingAxes } from "../sweep/grid.ts";
import {
  bestPerSchedule,
  columnAxes,
  SWEEP_METRICS,
  type SweepMetric,
  type SweepRow,
  summarizeSweep,
} from "../sweep/summary.ts";
import { escapeHtml } from "./report-html.ts";

/** What `lrsim report --sweep` adds to the page: the best configuration per schedule and heatmaps. */
export interface SweepSection {
  /** Static HTML (tables with inline colours: no script needed, nothing fetched). */
  readonly html: string;
  /** Run ids of the best configuration of each schedule (all its seeds): the page's curves. */
  readonly bestRunIds: number[];
  readonly title: string;
}

/** Axis names as `--x`/`--y` take them: `lr`, `batch-size`, `optimizer`, `model`, `dataset`, `epochs`. */
export function axisOption(option: string, text: string): Axis {
  const axis = AXES.find((a) => a.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`) === text);
  if (!axis || axis === "schedule")
    throw errors.invalidOption(option, "one of lr, batch-size, optimizer, model, dataset, epochs", text);
  return axis;
}

/**
 * The sweep's part of a report: a table of the best configuration of each schedule by
 * `metric` (mean ± std over seeds), and one heatmap per schedule of the metric over the axes
 * `x` × `y` (each cell the best over the other axes), coloured on one scale across panels so
 * they compare at a glance. Defaults: the first two axes that vary besides the schedule.
 */
export function sweepSection(
  db: Db,
  id: number,
  metric: SweepMetric,
  chosen: { x?: Axis | undefined; y?: Axis | undefined },
): SweepSection {
  const sweep = getSweep(db, id);
  const grid = (sweep.config as { grid: SweepGrid }).grid;
  const runs = sweepRunResults(db, id);
  const rows = summarizeSweep(runs, metric);
  const best = bestPerSchedule(rows);
  const others = varyingAxes(grid).filter((a) => a !== "schedule");
  const x = chosen.x ?? others[0] ?? "lr";
  const y = chosen.y ?? others.find((a) => a !== x) ?? (x === "batchSize" ? "lr" : "batchSize");
  const { label, higherIsBetter } = SWEEP_METRICS[metric];
  const percent = higherIsBetter;
  const show = (v: number) => (percent ? `${(v * 100).toFixed(2)}%` : v.toPrecision(4));
  const axes = columnAxes(grid);
  const bestTable = `<table><tr>${axes.map((a) => `<th>${escapeHtml(AXIS_LABELS[a])}</th>`).join("")}<th>seeds</th><th>${escapeHtml(label)}</th></tr>${best
    .map(
      (row) =>
        `<tr>${axes.map((a) => `<td class="spec">${escapeHtml(String(row.point[a]))}</td>`).join("")}<td class="num">${row.seeds}</td><td class="num">${row.metric ? `${show(row.metric.mean)}${row.metric.std === null ? "" : ` ± ${show(row.metric.std)}`}` : ""}</td></tr>`,
    )
    .join("")}</table>`;
  const values = rows.flatMap((r) => (r.metric ? [r.metric.mean] : []));
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const colour = (v: number) => {
    const t = hi > lo ? (v - lo) / (hi - lo) : 1;
    const good = higherIsBetter ? t : 1 - t;
    return `hsl(${Math.round(10 + 120 * good)}, 65%, ${Math.round(82 - 22 * good)}%)`;
  };
  const xs = [...new Set(grid[x === "schedule" ? "schedules" : x].map(String))];
  const ys = [...new Set(grid[y === "schedule" ? "schedules" : y].map(String))];
  const cell = (schedule: string, xv: string, yv: string): SweepRow | undefined =>
    rows.find(
      (r) =>
        r.point.schedule === schedule && String(r.point[x]) === xv && String(r.point[y]) === yv && r.metric,
    );
  const panels = grid.schedules
    .map((schedule) => {
      const body = ys
        .map(
          (yv) =>
            `<tr><th>${escapeHtml(yv)}</th>${xs
              .map((xv) => {
                const row = cell(schedule, xv, yv);
                return row?.metric
                  ? `<td class="num" style="background:${colour(row.metric.mean)}">${show(row.metric.mean)}</td>`
                  : `<td class="num">–</td>`;
              })
              .join("")}</tr>`,
        )
        .join("");
      return `<figure class="heatmap"><figcaption>${escapeHtml(schedule)}</figcaption><table><tr><th>${escapeHtml(AXIS_LABELS[y])} \\ ${escapeHtml(AXIS_LABELS[x])}</th>${xs.map((xv) => `<th>${escapeHtml(xv)}</th>`).join("")}</tr>${body}</table></figure>`;
    })
    .join("");
  const html = `<section id="sweep"><h2>Sweep ${id}: best configuration per schedule</h2><p class="note">${runs.length} of ${sweep.planned} runs recorded; ${escapeHtml(label)}, mean ± std over seeds; the curves below are these configurations.</p>${bestTable}<h2>${escapeHtml(label)} over ${escapeHtml(AXIS_LABELS[x])} × ${escapeHtml(AXIS_LABELS[y])}</h2><p class="note">One panel per schedule; each cell is the best over the other axes; one colour scale for all panels (green is better).</p><div class="grid">${panels}</div></section>`;
  const bestKeys = new Set(best.map((r) => JSON.stringify(AXES.map((a) => r.point[a]))));
  const bestRunIds = runs
    .filter((r) => r.runId !== null && bestKeys.has(JSON.stringify(AXES.map((a) => r.point[a]))))
    .map((r) => r.runId!);
  return { html, bestRunIds, title: `sweep ${id} “${sweep.name ?? ""}”` };
}
