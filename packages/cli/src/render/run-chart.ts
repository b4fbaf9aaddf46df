import type { EpochRecord } from "@lrsim/core";
import { type CliIo, outputWidth, useColor } from "../io.ts";
import { renderChart } from "./chart.ts";

/**
 * Fits a loss chart's y axis to the evaluations after the first fifth of the epochs (at least
 * epoch 1), as compare's charts do, so the untrained first loss does not flatten the rest.
 */
function fitted(epochs: readonly number[]): { fitFrom: number; fitNote: string } {
  const fitEpoch = Math.max(1, Math.ceil((epochs.at(-1) ?? 0) / 5));
  return {
    fitFrom: Math.max(
      0,
      epochs.findIndex((e) => e >= fitEpoch),
    ),
    fitNote: `epoch ≥ ${fitEpoch}`,
  };
}

/**
 * One run's test loss vs epoch, as `lrsim run` and `lrsim runs show` print it under the table;
 * nothing for a run with fewer than two evaluations.
 */
export function runLossChart(history: readonly EpochRecord[], io: CliIo): string {
  if (history.length < 2) return "";
  return renderChart(
    [{ name: "test loss", x: history.map((h) => h.epoch), y: history.map((h) => h.testLoss) }],
    {
      title: "test loss vs epoch",
      yLabel: "test loss",
      xLabel: "epoch",
      ...fitted(history.map((h) => h.epoch)),
      color: useColor(io),
      width: outputWidth(io),
      height: 8,
    },
  );
}
