import { formatCell } from "./table.ts";

/**
 * Labels for axis positions, all with the same number of decimals and enough of them that
 * neighbouring labels differ (0.224, 0.290, 0.355 rather than 0.224651, 0.289, 0.355). On a
 * log axis the positions are log10 values and the labels their powers, to 3 significant digits.
 */
export function axisLabels(positions: readonly number[], log: boolean): string[] {
  if (log) return positions.map((p) => formatCell(Number((10 ** p).toPrecision(3))));
  const finite = positions.filter(Number.isFinite);
  if (finite.every(Number.isInteger) && finite.every((p) => Math.abs(p) < 1e9)) return positions.map(String);
  const span = Math.max(...finite) - Math.min(...finite);
  const largest = Math.max(...finite.map(Math.abs));
  if (largest >= 1e6 || (largest > 0 && largest < 1e-3)) return positions.map((p) => p.toExponential(2));
  const step = span / Math.max(1, positions.length - 1);
  const decimals = step > 0 ? Math.min(8, Math.max(0, 1 - Math.floor(Math.log10(step)))) : 3;
  return positions.map((p) => p.toFixed(decimals));
}
