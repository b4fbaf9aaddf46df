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

/**
 * Fits a loss chart's y axis to the evaluations after the first fifth of the epochs (at least
 * epoch 1), so the untrained first loss does not flatten the rest: the index of the first
 * evaluation to fit and the note the axis shows. `lastEpoch` is the run's (or comparison's) end.
 */
export function lossFit(
  epochs: readonly number[],
  lastEpoch: number = epochs.at(-1) ?? 0,
): { fitFrom: number; fitNote: string } {
  const fitEpoch = Math.max(1, Math.ceil(lastEpoch / 5));
  return {
    fitFrom: Math.max(
      0,
      epochs.findIndex((e) => e >= fitEpoch),
    ),
    fitNote: `epoch ≥ ${fitEpoch}`,
  };
}
