import { formatCell } from "./table.ts";

/** One line on a chart. */
export interface Series {
  readonly name: string;
  readonly x: readonly number[];
  readonly y: readonly number[];
}

export interface ChartOptions {
  readonly title?: string;
  /** Plot area in characters; each character holds 2x4 braille dots. */
  readonly width?: number;
  readonly height?: number;
  readonly logX?: boolean;
  readonly logY?: boolean;
  readonly xLabel?: string;
  /** ANSI colours per series; off for pipes and NO_COLOR. */
  readonly color?: boolean;
}

const COLORS = [36, 33, 35, 32, 31, 34, 37];
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

/**
 * Draws series as a braille line chart for the terminal, with y-axis labels at the top,
 * middle and bottom, x-axis labels at both ends, and a legend. Non-finite points (a
 * diverged loss) and, on log axes, non-positive ones are left out rather than breaking the scale.
 */
export function renderChart(series: readonly Series[], options: ChartOptions = {}): string {
  const width = options.width ?? 64;
  const height = options.height ?? 12;
  const tx = (v: number) => (options.logX ? Math.log10(v) : v);
  const ty = (v: number) => (options.logY ? Math.log10(v) : v);
  const usable = (x: number, y: number) =>
    Number.isFinite(x) && Number.isFinite(y) && (!options.logX || x > 0) && (!options.logY || y > 0);
  const xs: number[] = [];
  const ys: number[] = [];
  for (const s of series)
    s.x.forEach((x, i) => {
      const y = s.y[i]!;
      if (usable(x, y)) {
        xs.push(tx(x));
        ys.push(ty(y));
      }
    });
  const [x0, x1] = extent(xs);
  const [y0, y1] = extent(ys);
  const cols = width * 2;
  const rows = height * 4;
  const cells = Array.from({ length: height }, () => new Array<number>(width).fill(0));
  const owner = Array.from({ length: height }, () => new Array<number>(width).fill(-1));

  const dot = (px: number, py: number, index: number) => {
    if (px < 0 || px >= cols || py < 0 || py >= rows) return;
    const cy = Math.floor(py / 4);
    const cx = Math.floor(px / 2);
    cells[cy]![cx]! |= DOTS[py % 4]![px % 2]!;
    owner[cy]![cx] = index;
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
      if (previous) {
        // Join consecutive points so steps and cliffs show as lines, not gaps.
        const steps = Math.max(Math.abs(point[0] - previous[0]), Math.abs(point[1] - previous[1]), 1);
        for (let k = 0; k <= steps; k++)
          dot(
            Math.round(previous[0] + ((point[0] - previous[0]) * k) / steps),
            Math.round(previous[1] + ((point[1] - previous[1]) * k) / steps),
            index,
          );
      } else dot(point[0], point[1], index);
      previous = point;
    });
  });

  const label = (v: number, log: boolean | undefined) => formatCell(log ? 10 ** v : v);
  const yLabels = [label(y1, options.logY), label((y0 + y1) / 2, options.logY), label(y0, options.logY)];
  const labelWidth = Math.max(...yLabels.map((l) => l.length));
  const paint = (text: string, index: number) =>
    options.color && index >= 0 ? `\x1b[${COLORS[index % COLORS.length]}m${text}\x1b[0m` : text;

  const lines: string[] = [];
  if (options.title) lines.push(options.title);
  for (let r = 0; r < height; r++) {
    const yLabel =
      r === 0
        ? yLabels[0]!
        : r === Math.floor((height - 1) / 2)
          ? yLabels[1]!
          : r === height - 1
            ? yLabels[2]!
            : "";
    const body = cells[r]!.map((bits, c) =>
      bits ? paint(String.fromCharCode(0x2800 + bits), owner[r]![c]!) : " ",
    ).join("");
    lines.push(`${yLabel.padStart(labelWidth)} ┤${body}`);
  }
  lines.push(`${" ".repeat(labelWidth)} └${"─".repeat(width)}`);
  const left = label(x0, options.logX);
  const right = label(x1, options.logX);
  const middle = options.xLabel ? options.xLabel : "";
  const gap = Math.max(1, width - left.length - right.length - middle.length);
  const half = Math.floor(gap / 2);
  lines.push(
    `${" ".repeat(labelWidth + 2)}${left}${" ".repeat(half)}${middle}${" ".repeat(gap - half)}${right}`,
  );
  if (series.length > 1)
    lines.push(`${" ".repeat(labelWidth + 2)}${series.map((s, i) => paint(`⣿ ${s.name}`, i)).join("   ")}`);
  return lines.join("\n");
}
