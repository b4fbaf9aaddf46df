import { availableParallelism } from "node:os";
import { type EpochRecord, RUN_DEFAULTS } from "@lrsim/core";
import { databasePath } from "@lrsim/store";
import type { Argv } from "yargs";
import { run } from "../api/run.ts";
import type { StoredRunResult } from "../api/stored-result.ts";
import { withConfig } from "../config.ts";
import type { CliIo } from "../io.ts";
import { ProgressLine } from "../render/progress.ts";
import { runLossChart } from "../render/run-chart.ts";
import { formatCell, renderTable } from "../render/table.ts";
import { MAX_ROWS, thinnedNote, thinRows } from "../render/thin.ts";
import { clipGradNormOption, clusterOptions, clusterRunOptions, formatClusterMs } from "./cluster-option.ts";
import { withInterrupt } from "./interrupt.ts";
import { dbOption } from "./results-db.ts";

/** What the table's "noise B" column is, for --help. */
const NOISE_COLUMN_HELP =
  'The "noise B" column is the gradient noise scale B_simple = tr(S)/|G|^2 of McCandlish et al., "An Empirical Model of Large-Batch Training" (2018): the batch size beyond which a bigger batch stops buying proportionally faster progress. It is estimated from each update\'s chunk and batch gradient norms, smoothed, and shown only when both smoothed estimates are positive and more than twice their standard error; otherwise "—", with the reason under the table. See docs/training.md.';

/** Exit code of a run that failed (a plugin threw); bad input is 1 too, usage errors 2. */
const EXIT_FAILED = 1;

interface RunArgs {
  schedule: string;
  lr: number | undefined;
  model: string;
  dataset: string;
  optimizer: string;
  batchSize: number;
  epochs: number;
  seed: number;
  clipGradNorm: number | undefined;
  workers: number;
  devices: number | undefined;
  cluster: string | undefined;
  db: string | undefined;
  json: boolean;
  all: boolean;
}

/** Options shared by every command that trains (run, and compare later). */
function trainingOptions(y: Argv) {
  return clusterOptions(dbOption(y))
    .option("model", {
      type: "string",
      default: "mlp",
      describe: "Model spec: linear, softmax, mlp(hidden=[64,32], activation=tanh), or a path",
    })
    .option("dataset", {
      type: "string",
      default: "mnist",
      describe: "Dataset spec: mnist, line, blobs, spirals, teacher(n=100000), or a path",
    })
    .option("optimizer", {
      type: "string",
      default: RUN_DEFAULTS.optimizer,
      describe:
        "Optimizer spec: sgd(momentum=0.9), adam, adamw, rmsprop, adagrad, adadelta, lars, lamb (default plain sgd, PyTorch's; compare uses sgd(momentum=0.9) as Smith et al. did)",
    })
    .option("batch-size", {
      type: "number",
      default: RUN_DEFAULTS.batchSize,
      describe: "Mini-batch size whenever the schedule does not set one",
    })
    .option("epochs", {
      type: "number",
      default: RUN_DEFAULTS.epochs,
      describe: "Passes over the training set (compare: 20, for its protocol's three milestones)",
    })
    .option("seed", {
      type: "number",
      default: RUN_DEFAULTS.seed,
      describe: "Seed of initialisation and shuffling (same seed, same result)",
    })
    .option("clip-grad-norm", clipGradNormOption)
    .option("workers", {
      type: "number",
      default: availableParallelism(),
      defaultDescription: "the number of cores",
      describe: "Worker threads computing gradients (0: in-process); results are identical for any count",
    });
}

export function runCommand(io: CliIo) {
  return {
    command: "run",
    describe: "Train one model under one schedule and print its learning curve",
    builder: (y: Argv) =>
      withConfig(
        trainingOptions(y)
          .option("schedule", {
            type: "string",
            default: RUN_DEFAULTS.schedule,
            describe: "Schedule spec (lrsim schedules lists them)",
          })
          .option("lr", {
            type: "number",
            defaultDescription: "the schedule's own, 0.1 for the built-ins (as compare)",
            describe:
              "Learning rate of the schedule (its lr, or maxLr for onecycle) unless the spec sets one",
          })
          .option("all", {
            type: "boolean",
            default: false,
            describe: `Print every epoch (tables longer than ${MAX_ROWS} rows are thinned otherwise)`,
          })
          .option("json", {
            type: "boolean",
            default: false,
            describe: 'Print {"runId", "status", "schedule", ..., "final", "history"}',
          })
          .epilog(NOISE_COLUMN_HELP)
          .example(
            '$0 run --schedule "step(lr=0.1, stepSize=5, gamma=0.5)" --model mlp --dataset mnist --epochs 10',
            "An MLP on real MNIST digits",
          )
          .example(
            '$0 run --schedule "constant(lr=0.01)" --model linear --dataset line --batch-size 10 --epochs 50',
            "the Learning Rate Finder article's line fit",
          ),
        io.config,
        "run",
        io.cwd,
      ),
    handler: (args: RunArgs) => runOne(args, io),
  };
}

async function runOne(args: RunArgs, io: CliIo): Promise<void> {
  const progress = new ProgressLine(io);
  const path = databasePath(args.db, io.env, io.cwd);
  const result = await withInterrupt((signal) =>
    run({
      schedule: args.schedule,
      ...(args.lr === undefined ? {} : { lr: args.lr }),
      model: args.model,
      dataset: args.dataset,
      optimizer: args.optimizer,
      batchSize: args.batchSize,
      epochs: args.epochs,
      seed: args.seed,
      ...(args.clipGradNorm === undefined ? {} : { clipGradNorm: args.clipGradNorm }),
      ...clusterRunOptions(args),
      workers: args.workers,
      db: path,
      cwd: io.cwd,
      signal,
      onStep: (s) =>
        progress.update(
          `epoch ${s.epoch.toFixed(2)}  update ${s.step}  lr ${formatCell(s.lr)}  batch ${s.batchSize}  loss ${formatCell(s.loss)}`,
        ),
      onEpoch: (row) => {
        if (row.updates > 0)
          progress.update(
            `epoch ${row.epoch.toFixed(0)}/${args.epochs}  test loss ${formatCell(row.testLoss)}${row.testAccuracy === null ? "" : `  test acc ${(row.testAccuracy * 100).toFixed(2)}%`}`,
            true,
          );
      },
    }),
  );
  progress.clear();
  const { runId, ...rest } = result;
  const recorded = runId === null ? "" : `\nrecorded as run ${runId} (lrsim runs show ${runId})`;
  const chart = runLossChart(result.history, io);
  io.out(
    args.json
      ? JSON.stringify({ runId, ...rest })
      : `${summary(result, args.all)}${chart ? `\n\n${chart}\n` : ""}${recorded}`,
  );
  if (io.isErrTTY && runId !== null) io.err(`results database: ${path}`);
  if (result.status === "failed") io.err(`lrsim: the run failed: ${result.error}`);
  if (result.status === "interrupted") io.setExitCode?.(130);
  else if (result.status === "failed") io.setExitCode?.(EXIT_FAILED);
}

function percent(value: number | null): string {
  return value === null ? "" : `${(value * 100).toFixed(2)}%`;
}

/** The per-epoch learning curve (thinned past {@link MAX_ROWS} rows unless `all`) and a one-line verdict. */
export function summary(r: StoredRunResult, all = false): string {
  const classify = r.history.some((h) => h.testAccuracy !== null);
  const columns = [
    { header: "epoch", align: "right" as const },
    { header: "updates", align: "right" as const },
    { header: "lr", align: "right" as const },
    { header: "batch", align: "right" as const },
    { header: "train loss", align: "right" as const },
    { header: "test loss", align: "right" as const },
    ...(classify ? [{ header: "test acc", align: "right" as const }] : []),
    { header: "noise B", align: "right" as const },
    { header: "time", align: "right" as const },
    { header: `on ${r.devices} x ${r.cluster}`, align: "right" as const },
  ];
  const { indices, every } = thinRows(r.history.length, all);
  const rows = indices
    .map((i) => r.history[i]!)
    .map((h: EpochRecord) => [
      Number.isInteger(h.epoch) ? String(h.epoch) : h.epoch.toFixed(2),
      String(h.updates),
      formatCell(h.lr),
      String(h.batchSize),
      formatCell(h.trainLoss),
      formatCell(h.testLoss),
      ...(classify ? [percent(h.testAccuracy)] : []),
      h.noiseScale === null ? "—" : formatCell(Math.round(h.noiseScale)),
      `${(h.wallMs / 1000).toFixed(1)}s`,
      formatClusterMs(h.clusterMs),
    ]);
  const verdict =
    `${r.status}: ${r.updates} updates, ${r.samples} samples in ${(r.wallMs / 1000).toFixed(1)}s ` +
    `(${formatClusterMs(r.clusterMs)} simulated on ${r.devices} x ${r.cluster}); ` +
    (r.final
      ? `final test loss ${formatCell(r.final.testLoss)}${classify ? `, test accuracy ${percent(r.final.testAccuracy)}` : ""}`
      : "no evaluation") +
    (r.error ? `\n${r.error}` : "");
  const unreported = r.history.at(-1)?.noiseScaleWhy;
  const noiseNote = unreported ? `noise B —: ${unreported}` : undefined;
  return [
    `schedule ${r.schedule}  model ${r.model}  dataset ${r.dataset}  optimizer ${r.optimizer}${r.clipGradNorm === undefined ? "" : `  gradient norm clipped to ${formatCell(r.clipGradNorm)}`}`,
    "",
    renderTable(columns, rows) + thinnedNote(every, "evaluation", r.history.length),
    "",
    verdict,
    ...(noiseNote ? [noiseNote] : []),
  ].join("\n");
}
