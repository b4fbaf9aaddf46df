import { availableParallelism } from "node:os";
import { LrsimError, planRun, RUN_DEFAULTS, type RunResult, resolveRunConfig, Trainer } from "@lrsim/core";
import { GradientPool } from "@lrsim/parallel";
import { createComparison, databasePath, listRuns, openResults, RunWriter } from "@lrsim/store";
import type { Argv } from "yargs";
import { createCatalog } from "../catalog.ts";
import { type CliIo, useColor } from "../io.ts";
import { ProgressBoard } from "../render/progress-board.ts";
import { version } from "../version.ts";
import { describeProtocol, protocolSchedules } from "./compare-protocol.ts";
import { comparisonCharts, comparisonTable } from "./compare-render.ts";
import { withInterrupt } from "./interrupt.ts";
import { dbOption, openToRead } from "./results-db.ts";
import { storedResult } from "./runs.ts";

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
  devices: number;
  db: string | undefined;
  show: number | undefined;
  json: boolean;
}

export function compareCommand(io: CliIo) {
  return {
    command: "compare",
    describe: "Train the same model under several schedules (and seeds) and compare them",
    builder: (y: Argv) =>
      dbOption(y)
        .option("schedules", {
          type: "string",
          default: "step,onecycle,batchramp",
          describe:
            "Comma-separated schedules. Bare names follow Smith et al. (2018)'s protocol: step divides the lr by --factor at 30/60/80% of the epochs (multistep), batchramp multiplies the batch by --factor there instead, hybrid ramps the batch once then decays the lr, onecycle and cosine span the run; parameters you give override it",
        })
        .option("model", { type: "string", default: "mlp", describe: "Model spec" })
        .option("dataset", {
          type: "string",
          default: "mnist",
          describe: "Dataset spec (default: the 8,000/2,000 MNIST digits)",
        })
        .option("optimizer", {
          type: "string",
          default: "sgd(momentum=0.9)",
          describe: "Optimizer spec (Smith et al. used momentum 0.9)",
        })
        .option("batch-size", {
          type: "number",
          default: RUN_DEFAULTS.batchSize,
          describe: "Starting batch size",
        })
        .option("epochs", {
          type: "number",
          default: 20,
          describe: "Epoch budget, the same for every schedule",
        })
        .option("lr", {
          type: "number",
          default: 0.1,
          describe: "Initial (or peak) learning rate of the protocol",
        })
        .option("factor", {
          type: "number",
          default: 5,
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
        .option("devices", {
          type: "number",
          default: RUN_DEFAULTS.devices,
          describe: "Devices of the simulated cluster",
        })
        .option("show", { type: "number", describe: "Re-render a stored comparison instead of running one" })
        .option("json", {
          type: "boolean",
          default: false,
          describe: 'Print {"comparisonId", "runs": [the run object of lrsim run --json, ...]}',
        })
        .example(
          "$0 compare --schedules step,onecycle,batchramp",
          "Does increasing the batch size match decaying the lr? (MNIST MLP)",
        )
        .example(
          '$0 compare --schedules "step(gamma=0.2),hybrid,onecycle(maxLr=0.5)" --seeds 3',
          "Custom specs, three seeds each",
        )
        .example("$0 compare --show 1", "Re-render a stored comparison"),
    handler: (args: CompareArgs) =>
      args.show === undefined ? runComparison(args, io) : showComparison(args, io),
  };
}

function output(io: CliIo, json: boolean, comparisonId: number, runs: RunResult[], header: string): void {
  if (json) {
    io.out(JSON.stringify({ comparisonId, runs }));
    return;
  }
  io.out(`${header}\n\n${comparisonTable(runs)}\n\n${comparisonCharts(runs, useColor(io))}`);
}

async function runComparison(args: CompareArgs, io: CliIo): Promise<void> {
  const protocol = { lr: args.lr, batchSize: args.batchSize, factor: args.factor, epochs: args.epochs };
  const schedules = protocolSchedules(args.schedules, protocol);
  const seeds = Array.from({ length: args.seeds }, (_, i) => args.seed + i);
  const catalog = createCatalog(io.cwd);
  const runOptions = (schedule: string, seed: number) => ({
    schedule,
    model: args.model,
    dataset: args.dataset,
    optimizer: args.optimizer,
    batchSize: args.batchSize,
    epochs: args.epochs,
    seed,
    devices: args.devices,
  });
  // Plan every run first: a bad spec or an incompatible combination fails before anything trains.
  for (const schedule of schedules) await planRun(resolveRunConfig(runOptions(schedule, args.seed)), catalog);
  const path = databasePath(args.db, io.env, io.cwd);
  const db = openResults(path);
  const comparisonId = createComparison(db, {
    name: args.schedules,
    config: {
      ...protocol,
      schedules,
      seeds,
      model: args.model,
      dataset: args.dataset,
      optimizer: args.optimizer,
    },
  });
  const pool = new GradientPool({ workers: args.workers });
  const runs: RunResult[] = [];
  // Short labels (the full specs are in the table): number, schedule name, seed.
  const labels = schedules.flatMap((schedule, i) =>
    seeds.map(
      (seed) => `${i + 1}. ${schedule.replace(/\(.*$/s, "")}${seeds.length > 1 ? ` seed ${seed}` : ""}`,
    ),
  );
  const progress = new ProgressBoard(io, labels);
  try {
    for (const schedule of schedules)
      for (const seed of seeds) {
        const index = runs.length;
        const trainer = new Trainer(catalog, pool.backend);
        new RunWriter(db, { workers: args.workers, lrsimVersion: version, comparisonId }).attach(trainer);
        const started = performance.now();
        let shown = "";
        const show = (epoch: number, force: boolean) => {
          const done = epoch / args.epochs;
          const eta = done > 0 ? ((performance.now() - started) * (1 - done)) / done / 1000 : Number.NaN;
          const etaText = Number.isFinite(eta) ? ` ETA ${eta.toFixed(0)}s` : "";
          progress.update(index, done, `epoch ${Math.floor(epoch)}/${args.epochs}${shown}${etaText}`, force);
        };
        trainer.on("stepEnd", (step) => show(step.epoch, false));
        trainer.on("epochEnd", (row) => {
          const accuracy = row.testAccuracy === null ? "" : ` acc ${(row.testAccuracy * 100).toFixed(1)}%`;
          shown = ` loss ${row.testLoss.toPrecision(4)}${accuracy}`;
          show(row.epoch, true);
        });
        show(0, true);
        const result = await withInterrupt((signal) => trainer.run(runOptions(schedule, seed), signal));
        runs.push(result);
        const wall = `${(result.wallMs / 1000).toFixed(1)}s`;
        progress.finish(
          index,
          `${result.status}  loss ${result.final.testLoss.toPrecision(4)}${result.final.testAccuracy === null ? "" : `  acc ${(result.final.testAccuracy * 100).toFixed(2)}%`}  ${result.updates} updates  ${wall}`,
        );
        if (result.status === "interrupted") {
          io.setExitCode?.(130);
          break;
        }
      }
    progress.close();
  } finally {
    await pool.close();
    db.close();
  }
  output(
    io,
    args.json,
    comparisonId,
    runs,
    `comparison ${comparisonId}: ${args.model} on ${args.dataset}, ${args.optimizer}; ${describeProtocol(protocol)}`,
  );
}

function showComparison(args: CompareArgs, io: CliIo): void {
  const db = openToRead(args.db, io);
  try {
    const id = args.show!;
    const row = db.prepare("SELECT name, config FROM comparisons WHERE id = ?").get(id) as
      | { name: string; config: string }
      | undefined;
    if (!row) throw new LrsimError("NO_SUCH_COMPARISON", `no comparison with id ${id} in this database`);
    const runs = listRuns(db, { comparison: id })
      .sort((a, b) => a.id - b.id)
      .map((r) => storedResult(db, r.id));
    const config = JSON.parse(row.config) as {
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
