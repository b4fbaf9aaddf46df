import type { EpochRecord } from "@lrsim/core";
import { type CliIo, outputWidth, useColor } from "../io.ts";
import { lossFit } from "./axis.ts";
import { renderChart } from "./chart.ts";

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
      ...lossFit(history.map((h) => h.epoch)),
      color: useColor(io),
      width: outputWidth(io),
      height: 8,
    },
  );
}
