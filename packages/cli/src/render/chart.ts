import { axisLabels } from "./axis.ts";

/** One line on a chart. */
export interface Series {
  readonly name: string;
  readonly x: readonly number[];
  readonly y: readonly number[];
  /** Said after the name in the legend (a final value, a spread over seeds). */
  readonly note?: string;
}

/** How {@link renderChart} draws. Every field is optional; defaults suit an 80-column log. */
export interface ChartOptions {
  readonly title?: string;
  /** Width of the whole chart in characters, y labels included (default 80). */
  readonly width?: number;
  /** Rows of the plot area; each character holds 2x4 braille dots. */
  readonly height?: number;
  readonly logX?: boolean;
  readonly logY?: boolean;
  readonly xLabel?: string;
  /** What the y axis shows, printed above it ("test loss"); the chart adds "log scale" and fitting. */
  readonly yLabel?: string;
  /**
   * Fit the y range to each series' points from this index on, so the untrained first
   * evaluations do not squash the rest into one row. Earlier points that fall outside run off
   * the chart; `fitNote` says so on the y axis ("epoch ≥ 2").
   */
  readonly fitFrom?: number;
  /** Names the points the y range was fitted to, for the axis label. */
  readonly fitNote?: string;
  /** Draw each point's value back to the previous x (values that hold over an interval). */
  readonly steps?: boolean;
  /** x values pointed at under the x axis, each with its label (a range test's suggestions). */
  readonly xMarks?: ReadonlyArray<{ readonly x: number; readonly label: string }>;
  /** ANSI colours per series, on top of the markers; off for pipes and NO_COLOR. */
  readonly color?: boolean;
}

const COLORS = [36, 33, 35, 32, 31, 34, 37];
/**
 * One marker per series, drawn at its points, so series stay apart without colour (logs, CI,
 * docs). Where two series share a cell, {@link SHARED} is drawn instead.
 */
export const MARKERS = ["●", "■", "▲", "◆", "○", "□", "△", "◇"] as const;
/** Drawn where points of two or more series fall in one character cell. */
export const SHARED = "*";
// Braille dot bits, indexed [row 0..3][column 0..1].
const DOTS = [
  [0x01, 0x08],
  [0x02, 0x10],
  [0x04, 0x20],
  [0x40, 0x80],
];

function extent(values: number[]): [number, number] {
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (v < low) low = v;
    if (v > high) high = v;
  }
  if (!Number.isFinite(low)) return [0, 1];
  if (low === high) return low === 0 ? [-1, 1] : [low - Math.abs(low) * 0.1, high + Math.abs(high) * 0.1];
  return [low, high];
}

/** The marker of series `index`, cycling when there are more series than markers. */
function markerOf(index: number): string {
  return MARKERS[index % MARKERS.length]!;
}

/**
 * Draws series as a braille line chart for the terminal: braille lines join each series'
 * points and, when there are several series, a marker per series sits on every point (so
 * series are told apart in plain text); colour only adds to that. The y axis has labels at the top, middle and bottom and
 * says what it shows; the x axis has its ends labelled; the legend names each marker.
 * Non-finite points (a diverged loss) and, on log axes, non-positive ones are left out rather
 * than breaking the scale.
 */
export function renderChart(series: readonly Series[], options: ChartOptions = {}): string {
  const height = options.height ?? 12;
  const tx = (v: number) => (options.logX ? Math.log10(v) : v);
  const ty = (v: number) => (options.logY ? Math.log10(v) : v);
  const usable = (x: number, y: number) =>
    Number.isFinite(x) && Number.isFinite(y) && (!options.logX || x > 0) && (!options.logY || y > 0);
  const xs: number[] = [];
  const ys: number[] = [];
  const fitFrom = options.fitFrom ?? 0;
  for (const s of series)
    s.x.forEach((x, i) => {
      const y = s.y[i]!;
      if (!usable(x, y)) return;
      xs.push(tx(x));
      if (i >= fitFrom || s.x.length <= fitFrom) ys.push(ty(y));
    });
  const [x0, x1] = extent(xs);
  const [y0, y1] = extent(ys);
  const yLabels = axisLabels([y1, (y0 + y1) / 2, y0], options.logY === true);
  const labelWidth = Math.max(...yLabels.map((l) => l.length));
  const width = Math.max(16, (options.width ?? 80) - labelWidth - 2);
  const cols = width * 2;
  const rows = height * 4;
  const cells = Array.from({ length: height }, () => new Array<number>(width).fill(0));
  const owner = Array.from({ length: height }, () => new Array<number>(width).fill(-1));
  // -1: no marker; a series index; -2: points of several series.
  const marks = Array.from({ length: height }, () => new Array<number>(width).fill(-1));
  let clipped = 0;

  const dot = (px: number, py: number, index: number) => {
    if (px < 0 || px >= cols || py < 0 || py >= rows) return;
    const cy = Math.floor(py / 4);
    const cx = Math.floor(px / 2);
    cells[cy]![cx]! |= DOTS[py % 4]![px % 2]!;
    owner[cy]![cx] = index;
  };
  const mark = (px: number, py: number, index: number) => {
    if (py < 0 || py >= rows) return;
    const cy = Math.floor(py / 4);
    const cx = Math.min(width - 1, Math.max(0, Math.floor(px / 2)));
    const current = marks[cy]![cx]!;
    marks[cy]![cx] = current === -1 || current === index ? index : -2;
  };
  // Points far off the chart (a near-zero y range puts them at huge pixel offsets) are pulled in
  // to a band around it first, so a segment costs at most a few chart-widths of dots.
  const bound = (v: number, size: number) => Math.max(-size, Math.min(2 * size, v));
  const line = (rawFrom: [number, number], rawTo: [number, number], index: number) => {
    const from: [number, number] = [bound(rawFrom[0], cols), bound(rawFrom[1], rows)];
    const to: [number, number] = [bound(rawTo[0], cols), bound(rawTo[1], rows)];
    const steps = Math.max(Math.abs(to[0] - from[0]), Math.abs(to[1] - from[1]), 1);
    for (let k = 0; k <= steps; k++)
      dot(
        Math.round(from[0] + ((to[0] - from[0]) * k) / steps),
        Math.round(from[1] + ((to[1] - from[1]) * k) / steps),
        index,
      );
  };
  const toPixel = (x: number, y: number): [number, number] => [
    Math.round(((tx(x) - x0) / (x1 - x0)) * (cols - 1)),
    Math.round(((y1 - ty(y)) / (y1 - y0)) * (rows - 1)),
  ];

  series.forEach((s, index) => {
    let previous: [number, number] | undefined;
    s.x.forEach((x, i) => {
      const y = s.y[i]!;
      if (!usable(x, y)) {
        previous = undefined;
        return;
      }
      const point = toPixel(x, y);
      if (point[1] < 0 || point[1] >= rows) clipped++;
      if (previous && options.steps) {
        // The value held since the previous point: a jump there, then flat.
        line(previous, [previous[0], point[1]], index);
        line([previous[0], point[1]], point, index);
      } else if (previous) line(previous, point, index);
      else dot(point[0], point[1], index);
      if (series.length > 1) mark(point[0], point[1], index);
      previous = point;
    });
  });

  const paint = (text: string, index: number) =>
    options.color && index >= 0 ? `\x1b[${COLORS[index % COLORS.length]}m${text}\x1b[0m` : text;

  const lines: string[] = [];
  if (options.title) lines.push(options.title);
  const yNote = [
    options.yLabel,
    options.logY ? "log scale" : undefined,
    clipped > 0 && options.fitNote ? `fitted to ${options.fitNote}, earlier points off the chart` : undefined,
  ].filter(Boolean);
  if (yNote.length > 0) lines.push(`${" ".repeat(Math.max(0, labelWidth - 1))}${yNote.join(", ")}`);
  const labelRows = [0, Math.floor((height - 1) / 2), height - 1];
  for (let r = 0; r < height; r++) {
    const at = labelRows.indexOf(r);
    const yLabel = at >= 0 ? yLabels[at]! : "";
    const body = cells[r]!.map((bits, c) => {
      const m = marks[r]![c]!;
      if (m === -2) return SHARED;
      if (m >= 0) return paint(markerOf(m), m);
      return bits ? paint(String.fromCharCode(0x2800 + bits), owner[r]![c]!) : " ";
    }).join("");
    lines.push(`${yLabel.padStart(labelWidth)} ┤${body}`);
  }
  lines.push(`${" ".repeat(labelWidth)} └${"─".repeat(width)}`);
  const [left, right] = axisLabels([x0, x1], options.logX === true);
  const middle = options.xLabel ?? "";
  const gap = Math.max(1, width - left!.length - right!.length - middle.length);
  const half = Math.floor(gap / 2);
  lines.push(
    `${" ".repeat(labelWidth + 2)}${left}${" ".repeat(half)}${middle}${" ".repeat(gap - half)}${right}`,
  );
  for (const m of options.xMarks ?? []) {
    if (!usable(m.x, 1)) continue;
    const column = Math.floor(toPixel(m.x, y0)[0] / 2);
    if (column < 0 || column >= width) continue;
    // "▲ label" from the column, or "label ▲" ending there when it would run past the edge.
    const text =
      column + 2 + m.label.length <= width
        ? `${" ".repeat(column)}▲ ${m.label}`
        : `${" ".repeat(Math.max(0, column - m.label.length - 1))}${m.label} ▲`;
    lines.push(`${" ".repeat(labelWidth + 2)}${text}`);
  }
  lines.push(...legend(series, labelWidth, width, marks, paint));
  return lines.join("\n");
}

/**
 * The legend: each series' marker and name, several to a line while they fit, one per line
 * when they carry notes; the shared-cell marker is explained when it appears.
 */
function legend(
  series: readonly Series[],
  labelWidth: number,
  width: number,
  marks: number[][],
  paint: (text: string, index: number) => string,
): string[] {
  const indent = " ".repeat(labelWidth + 2);
  const shared = marks.some((row) => row.includes(-2));
  if (series.length <= 1 && !shared) return [];
  const entries = series.map((s, i) => ({
    text: `${markerOf(i)} ${s.name}${s.note ? `  ${s.note}` : ""}`,
    index: i,
  }));
  const lines: string[] = [];
  const notes = series.some((s) => s.note);
  let current: typeof entries = [];
  const flush = () => {
    if (current.length > 0) lines.push(indent + current.map((e) => paint(e.text, e.index)).join("   "));
    current = [];
  };
  for (const entry of entries) {
    const used = current.reduce((n, e) => n + e.text.length + 3, 0);
    if (notes || (current.length > 0 && used + entry.text.length > width)) flush();
    current.push(entry);
  }
  flush();
  if (shared) lines.push(`${indent}${SHARED} points of several series in one place`);
  return lines;
}
