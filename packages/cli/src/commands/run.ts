import { availableParallelism } from "node:os";
import { type EpochRecord, RUN_DEFAULTS, type RunResult } from "@lrsim/core";
import { databasePath } from "@lrsim/store";
import type { Argv } from "yargs";
import { run } from "../api/run.ts";
import { withConfig } from "../config.ts";
import type { CliIo } from "../io.ts";
import { ProgressLine } from "../render/progress.ts";
import { formatCell, renderTable } from "../render/table.ts";
import { withInterrupt } from "./interrupt.ts";
import { dbOption } from "./results-db.ts";

/** Exit code of a run that failed (a plugin threw); bad input is 1 too, usage errors 2. */
const EXIT_FAILED = 1;

interface RunArgs {
  schedule: string;
  model: string;
  dataset: string;
  optimizer: string;
  batchSize: number;
  epochs: number;
  seed: number;
  evalEvery: number;
  workers: number;
  devices: number;
  db: string | undefined;
  json: boolean;
}

/** Options shared by every command that trains (run, and compare later). */
function trainingOptions(y: Argv) {
  return dbOption(y)
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
      describe: "Optimizer spec: sgd(momentum=0.9), adam, adamw, rmsprop, adagrad, adadelta",
    })
    .option("batch-size", {
      type: "number",
      default: RUN_DEFAULTS.batchSize,
      describe: "Mini-batch size whenever the schedule does not set one",
    })
    .option("epochs", {
      type: "number",
      default: RUN_DEFAULTS.epochs,
      describe: "Passes over the training set",
    })
    .option("seed", {
      type: "number",
      default: RUN_DEFAULTS.seed,
      describe: "Seed of initialisation and shuffling (same seed, same result)",
    })
    .option("eval-every", {
      type: "number",
      default: 0,
      describe: "Also evaluate every k updates (0: at epoch ends only)",
    })
    .option("workers", {
      type: "number",
      default: availableParallelism(),
      defaultDescription: "the number of cores",
      describe: "Worker threads computing gradients (0: in-process); results are identical for any count",
    })
    .option("devices", {
      type: "number",
      default: RUN_DEFAULTS.devices,
      describe:
        "Devices of the simulated cluster: time per update = slowest device's share of the batch + a ring all-reduce",
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
          .option("json", {
            type: "boolean",
            default: false,
            describe: 'Print {"status", "schedule", ..., "final", "history"}',
          })
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
      model: args.model,
      dataset: args.dataset,
      optimizer: args.optimizer,
      batchSize: args.batchSize,
      epochs: args.epochs,
      seed: args.seed,
      evalEvery: args.evalEvery,
      devices: args.devices,
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
  const { runId, ...printed } = result;
  io.out(args.json ? JSON.stringify(printed) : summary(result));
  if (io.isErrTTY && runId !== null) io.err(`recorded as run ${runId} in ${path} (lrsim runs show ${runId})`);
  if (result.status === "interrupted") io.setExitCode?.(130);
  else if (result.status === "failed") io.setExitCode?.(EXIT_FAILED);
}

function percent(value: number | null): string {
  return value === null ? "" : `${(value * 100).toFixed(2)}%`;
}

/** The per-epoch learning curve and a one-line verdict. */
export function summary(r: RunResult): string {
  const classify = r.final.testAccuracy !== null;
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
    { header: `on ${r.devices} dev`, align: "right" as const },
  ];
  const rows = r.history.map((h: EpochRecord) => [
    Number.isInteger(h.epoch) ? String(h.epoch) : h.epoch.toFixed(2),
    String(h.updates),
    formatCell(h.lr),
    String(h.batchSize),
    formatCell(h.trainLoss),
    formatCell(h.testLoss),
    ...(classify ? [percent(h.testAccuracy)] : []),
    h.noiseScale === null ? "" : formatCell(Math.round(h.noiseScale)),
    `${(h.wallMs / 1000).toFixed(1)}s`,
    `${(h.clusterMs / 1000).toFixed(2)}s`,
  ]);
  const verdict =
    `${r.status}: ${r.updates} updates, ${r.samples} samples in ${(r.wallMs / 1000).toFixed(1)}s ` +
    `(${(r.clusterMs / 1000).toFixed(2)}s simulated on ${r.devices} devices); ` +
    `final test loss ${formatCell(r.final.testLoss)}${classify ? `, test accuracy ${percent(r.final.testAccuracy)}` : ""}` +
    (r.error ? `\n${r.error}` : "");
  return [
    `schedule ${r.schedule}  model ${r.model}  dataset ${r.dataset}  optimizer ${r.optimizer}`,
    "",
    renderTable(columns, rows),
    "",
    verdict,
  ].join("\n");
}
