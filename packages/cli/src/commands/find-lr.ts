import { formatNumber, HEADLINE_RULES, type RangeTestOptions, type RangeTestResult } from "@lrsim/core";
import { databasePath } from "@lrsim/store";
import type { Argv } from "yargs";
import { findLr } from "../api/find-lr.ts";
import { withConfig } from "../config.ts";
import { type CliIo, outputWidth, useColor } from "../io.ts";
import { renderChart } from "../render/chart.ts";
import { formatCell, renderTable } from "../render/table.ts";
import { clipGradNormOption } from "./cluster-option.ts";
import { dbOption } from "./results-db.ts";

/** The range test's own options (all given, with the CLI's defaults), and the command's. */
interface FindLrArgs extends Required<Omit<RangeTestOptions, "clipGradNorm">> {
  clipGradNorm: number | undefined;
  workers: number;
  db: string | undefined;
  json: boolean;
}

/** Three significant digits: suggestions are estimates, and specs should read well. */
const round = (lr: number) => formatNumber(Number(lr.toPrecision(3)));

export function findLrCommand(io: CliIo) {
  return {
    command: "find-lr",
    describe:
      "The learning-rate range test: grow the lr each mini-batch, plot the loss, suggest learning rates",
    builder: (y: Argv) =>
      withConfig(
        dbOption(y)
          .option("model", { type: "string", default: "mlp", describe: "Model spec" })
          .option("dataset", { type: "string", default: "mnist", describe: "Dataset spec" })
          .option("optimizer", { type: "string", default: "sgd", describe: "Optimizer spec" })
          .option("batch-size", {
            type: "number",
            default: 64,
            describe:
              "Mini-batch size. Smaller than run's 128 so the test's 100 mini-batches cost little; the lr found depends on it, so give the batch size you will train with",
          })
          .option("start", { type: "number", default: 1e-7, describe: "First lr" })
          .option("end", { type: "number", default: 10, describe: "Last lr (the test usually stops before)" })
          .option("iters", { type: "number", default: 100, describe: "Mini-batches (lr values) per trial" })
          .option("mode", {
            choices: ["exp", "linear"] as const,
            default: "exp" as const,
            describe: "How the lr grows",
          })
          .option("smoothing", {
            type: "number",
            default: 0.98,
            describe: "EMA factor of the smoothed loss (bias-corrected)",
          })
          .option("stop-factor", {
            type: "number",
            default: 4,
            describe: "Stop when the smoothed loss exceeds this multiple of its best",
          })
          .option("trials", {
            type: "number",
            default: 1,
            describe: "Repeat from different initialisations and report the spread",
          })
          .option("seed", { type: "number", default: 0, describe: "Seed of the first trial" })
          .option("clip-grad-norm", clipGradNormOption)
          .option("workers", {
            type: "number",
            default: 0,
            describe: "Worker threads (0: in-process; small batches are fastest there)",
          })
          .option("json", {
            type: "boolean",
            default: false,
            describe: 'Print {"suggestedLr", "suggestions", "lr", "loss", "smoothedLoss", "trials", ...}',
          })
          .example(
            "$0 find-lr --model linear --dataset line --batch-size 80",
            "the Learning Rate Finder article's line fit",
          )
          .example(
            "$0 find-lr --model mlp --dataset mnist --trials 3",
            "The MNIST MLP, three initialisations",
          ),
        io.config,
        "find-lr",
        io.cwd,
      ),
    handler: async (args: FindLrArgs) => {
      const path = databasePath(args.db, io.env, io.cwd);
      const result = await findLr({
        model: args.model,
        dataset: args.dataset,
        optimizer: args.optimizer,
        batchSize: args.batchSize,
        start: args.start,
        end: args.end,
        iters: args.iters,
        mode: args.mode,
        smoothing: args.smoothing,
        stopFactor: args.stopFactor,
        trials: args.trials,
        seed: args.seed,
        ...(args.clipGradNorm === undefined ? {} : { clipGradNorm: args.clipGradNorm }),
        workers: args.workers,
        db: path,
        cwd: io.cwd,
      });
      const id = result.rangeTestId;
      const first = result.trials[0]!;
      if (args.json) {
        io.out(
          JSON.stringify({
            id,
            suggestedLr: result.suggestedLr,
            suggestions: result.suggestions,
            lr: first.lr,
            loss: first.loss,
            smoothedLoss: first.smoothedLoss,
            spread: result.spread,
            trials: result.trials,
            model: result.model,
            dataset: result.dataset,
            optimizer: result.optimizer,
          }),
        );
        return;
      }
      io.out(render(result, { color: useColor(io), width: outputWidth(io) }));
      if (io.isErrTTY) io.err(`recorded as range test ${id} in ${path}`);
    },
  };
}

function render(r: RangeTestResult, look: { color: boolean; width: number }): string {
  // The point that tripped the stop rule would flatten everything else: leave it out, and use a
  // log scale for the loss when what is left still spans more than 50x.
  const series = r.trials.map((t, i) => ({
    name: `trial ${i + 1}`,
    x: t.lr.slice(0, -1),
    y: t.smoothedLoss.slice(0, -1),
  }));
  const values = series.flatMap((s) => s.y).filter((v) => v > 0 && Number.isFinite(v));
  const logY =
    values.length > 0 &&
    values.reduce((a, b) => Math.max(a, b)) / values.reduce((a, b) => Math.min(a, b)) > 50;
  const chart = renderChart(series, {
    title: `smoothed loss vs lr — ${r.model} on ${r.dataset}, ${r.optimizer}`,
    yLabel: "smoothed loss",
    logX: true,
    logY,
    xLabel: "lr (log scale)",
    ...look,
    height: 12,
    xMarks: [
      ["valley", "valley"],
      ["steepest", "steepest"],
      ["minimumOverTen", "minimum / 10"],
    ].flatMap(([key, name]) => {
      const lr = r.suggestions[key as keyof RangeTestResult["suggestions"]];
      return lr === null || lr === undefined
        ? []
        : [{ x: lr, label: `${name} ${formatCell(Number(lr.toPrecision(3)))}` }];
    }),
  });
  const rules: Array<[keyof RangeTestResult["suggestions"], string]> = [
    ["minimumOverTen", "a tenth of the lr at the minimum (the one-cycle article)"],
    ["valley", "fastai's valley"],
    ["steepest", "steepest descent of the loss per log-lr (pytorch-lr-finder)"],
  ];
  const headline = HEADLINE_RULES.find((rule) => r.suggestions[rule] !== null);
  const rows = rules.map(([key, label]) => {
    const spread = r.spread[key];
    const range =
      r.trials.length > 1 && spread ? `${formatCell(spread.min)} – ${formatCell(spread.max)}` : "";
    const name = key === headline ? `${label} — the suggestion` : label;
    return [name, r.suggestions[key] === null ? "—" : formatCell(r.suggestions[key]!), range];
  });
  const lr = r.suggestedLr;
  const specs =
    lr === null
      ? [["(no suggestion: the loss never decreased; widen --start/--end or raise --iters)", ""]]
      : [
          [`constant(lr=${round(lr)})`, "the suggestion"],
          [`onecycle(maxLr=${round(lr)})`, "peaks at the suggestion"],
          [
            `cyclic(baseLr=${round(lr / 10)}, maxLr=${round(lr)})`,
            "between a tenth of the suggestion and the suggestion",
          ],
        ];
  const width = Math.max(...specs.map(([spec]) => spec!.length));
  const columns = [
    { header: "rule" },
    { header: "lr", align: "right" as const },
    ...(r.trials.length > 1 ? [{ header: `over ${r.trials.length} trials` }] : []),
  ];
  return [
    chart,
    "",
    renderTable(
      columns,
      rows.map((row) => (r.trials.length > 1 ? row : row.slice(0, 2))),
    ),
    "",
    "ready to use:",
    ...specs.map(([spec, rule]) => `  ${rule ? `${spec!.padEnd(width)}  ${rule}` : spec}`),
  ].join("\n");
}
