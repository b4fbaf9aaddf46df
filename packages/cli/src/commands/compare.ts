import { availableParallelism } from "node:os";
import type { FinalMetrics } from "@lrsim/core";
import { databasePath } from "@lrsim/store";
import type { Argv } from "yargs";
import { compare } from "../api/compare.ts";
import { COMPARE_DEFAULTS } from "../api/compare-defaults.ts";
import { type StoredRunResult, storedComparison, storedResult } from "../api/stored-result.ts";
import { withConfig } from "../config.ts";
import { type CliIo, useColor } from "../io.ts";
import { ProgressBoard } from "../render/progress-board.ts";
import { clusterOptions, clusterRunOptions } from "./cluster-option.ts";
import { describeProtocol } from "./compare-protocol.ts";
import { comparisonCharts, comparisonTable } from "./compare-render.ts";
import { withInterrupt } from "./interrupt.ts";
import { dbOption, openToRead } from "./results-db.ts";

interface CompareArgs {
  schedules: string;
  model: string;
  dataset: string;
  optimizer: string;
  batchSize: number;
  epochs: number;
  lr: number;
  factor: number;
  seeds: number;
  seed: number;
  workers: number;
  devices: number | undefined;
  cluster: string | undefined;
  control: boolean;
  db: string | undefined;
  show: number | undefined;
  json: boolean;
}

export function compareCommand(io: CliIo) {
  return {
    command: "compare",
    describe: "Train the same model under several schedules (and seeds) and compare them",
    builder: (y: Argv) =>
      withConfig(
        clusterOptions(dbOption(y))
          .option("schedules", {
            type: "string",
            default: COMPARE_DEFAULTS.schedules,
            describe:
              "Comma-separated schedules. Bare names follow Smith et al. (2018)'s protocol: step divides the lr by --factor at 30/60/80% of the epochs (multistep), batchramp multiplies the batch by --factor there instead, hybrid ramps the batch once then decays the lr, onecycle and cosine span the run; parameters you give override it",
          })
          .option("model", {
            type: "string",
            default: COMPARE_DEFAULTS.model,
            describe:
              "Model spec (default: softmax regression, which cannot memorize the digits, so a constant rate stalls at its noise floor and decay visibly matters; see docs/reproducing-smith-2018.md)",
          })
          .option("dataset", {
            type: "string",
            default: COMPARE_DEFAULTS.dataset,
            describe: "Dataset spec (default: the 8,000/2,000 MNIST digits)",
          })
          .option("optimizer", {
            type: "string",
            default: COMPARE_DEFAULTS.optimizer,
            describe: "Optimizer spec (Smith et al. used momentum 0.9)",
          })
          .option("batch-size", {
            type: "number",
            default: COMPARE_DEFAULTS.batchSize,
            describe: "Starting batch size",
          })
          .option("epochs", {
            type: "number",
            default: COMPARE_DEFAULTS.epochs,
            describe: "Epoch budget, the same for every schedule",
          })
          .option("lr", {
            type: "number",
            default: COMPARE_DEFAULTS.lr,
            describe: "Initial (or peak) learning rate of the protocol",
          })
          .option("factor", {
            type: "number",
            default: COMPARE_DEFAULTS.factor,
            describe: "Decay / batch-growth factor at each milestone",
          })
          .option("seeds", {
            type: "number",
            default: 1,
            describe: "Repeat each schedule with this many seeds; report mean ± std",
          })
          .option("seed", { type: "number", default: 0, describe: "First seed" })
          .option("workers", {
            type: "number",
            default: availableParallelism(),
            defaultDescription: "the number of cores",
            describe: "Worker threads (0: in-process)",
          })
          .option("control", {
            type: "boolean",
            default: COMPARE_DEFAULTS.control,
            describe:
              "Also run the protocol's constant rate first, as the control the other rows are judged against (skipped when --schedules has a constant); --no-control leaves it out",
          })
          .option("show", {
            type: "number",
            describe: "Re-render a stored comparison instead of running one",
          })
          .option("json", {
            type: "boolean",
            default: false,
            describe: 'Print {"comparisonId", "runs": [the run object of lrsim run --json, ...]}',
          })
          .example(
            "$0 compare --schedules step,onecycle,batchramp",
            "Does increasing the batch size match decaying the lr? (MNIST, with a constant-rate control)",
          )
          .example(
            '$0 compare --schedules "step(gamma=0.2),hybrid,onecycle(maxLr=0.5)" --seeds 3',
            "Custom specs, three seeds each",
          )
          .example(
            '$0 compare --schedules step,batchramp --cluster "devices=64, preset=cpu-10gbe"',
            "What the saved updates are worth on 64 CPU nodes on 10 GbE",
          )
          .example("$0 compare --show 1", "Re-render a stored comparison"),
        io.config,
        "compare",
        io.cwd,
      ),
    handler: (args: CompareArgs) =>
      args.show === undefined ? runComparison(args, io) : showComparison(args, io),
  };
}

/** `  loss 0.1234  acc 97.50%` for a run's progress line; nothing for a run that failed before its first evaluation. */
function finalText(final: FinalMetrics | null): string {
  if (!final) return "";
  const accuracy = final.testAccuracy === null ? "" : `  acc ${(final.testAccuracy * 100).toFixed(2)}%`;
  return `  loss ${final.testLoss.toPrecision(4)}${accuracy}`;
}

function output(
  io: CliIo,
  json: boolean,
  comparisonId: number,
  runs: StoredRunResult[],
  header: string,
): void {
  if (json) {
    io.out(JSON.stringify({ comparisonId, runs }));
    return;
  }
  io.out(`${header}\n\n${comparisonTable(runs)}\n\n${comparisonCharts(runs, useColor(io))}`);
}

async function runComparison(args: CompareArgs, io: CliIo): Promise<void> {
  let board: ProgressBoard | undefined;
  const started: number[] = [];
  const shown: string[] = [];
  const show = (index: number, epoch: number, force: boolean) => {
    const done = epoch / args.epochs;
    const eta = done > 0 ? ((performance.now() - started[index]!) * (1 - done)) / done / 1000 : Number.NaN;
    const etaText = Number.isFinite(eta) ? ` ETA ${eta.toFixed(0)}s` : "";
    board?.update(
      index,
      done,
      `epoch ${Math.floor(epoch)}/${args.epochs}${shown[index] ?? ""}${etaText}`,
      force,
    );
  };
  const result = await withInterrupt((signal) =>
    compare({
      ...args,
      ...clusterRunOptions(args),
      db: databasePath(args.db, io.env, io.cwd),
      cwd: io.cwd,
      signal,
      onPlanned: (schedules, seeds) => {
        // Short labels (the full specs are in the table): number, schedule name, seed.
        board = new ProgressBoard(
          io,
          schedules.flatMap((s, i) =>
            seeds.map(
              (seed) => `${i + 1}. ${s.replace(/\(.*$/s, "")}${seeds.length > 1 ? ` seed ${seed}` : ""}`,
            ),
          ),
        );
      },
      onRunStart: (index) => {
        started[index] = performance.now();
        show(index, 0, true);
      },
      onStep: (index, step) => show(index, step.epoch, false),
      onEpoch: (index, row) => {
        const accuracy = row.testAccuracy === null ? "" : ` acc ${(row.testAccuracy * 100).toFixed(1)}%`;
        shown[index] = ` loss ${row.testLoss.toPrecision(4)}${accuracy}`;
        show(index, row.epoch, true);
      },
      onRunEnd: (index, r) => {
        const wall = `${(r.wallMs / 1000).toFixed(1)}s`;
        board?.finish(index, `${r.status}${finalText(r.final)}  ${r.updates} updates  ${wall}`);
      },
    }),
  );
  board?.close();
  if (result.runs.some((r) => r.status === "interrupted")) io.setExitCode?.(130);
  output(
    io,
    args.json,
    result.comparisonId!,
    result.runs,
    `comparison ${result.comparisonId}: ${args.model} on ${args.dataset}, ${args.optimizer}; ${describeProtocol(result.protocol)}`,
  );
}

function showComparison(args: CompareArgs, io: CliIo): void {
  const db = openToRead(args.db, io);
  try {
    const id = args.show!;
    const stored = storedComparison(db, id);
    const runs = stored.runIds.map((runId) => storedResult(db, runId));
    const config = stored.config as {
      model?: string;
      dataset?: string;
      optimizer?: string;
      lr: number;
      batchSize: number;
      factor: number;
      epochs: number;
    };
    output(
      io,
      args.json,
      id,
      runs,
      `comparison ${id}: ${config.model} on ${config.dataset}, ${config.optimizer}; ${describeProtocol(config)}`,
    );
  } finally {
    db.close();
  }
}
