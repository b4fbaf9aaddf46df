import { availableParallelism } from "node:os";
import { errors, type FinalMetrics } from "@lrsim/core";
import { databasePath } from "@lrsim/store";
import type { Argv } from "yargs";
import { compare, MAX_COMPARE_RUNS } from "../api/compare.ts";
import { COMPARE_DEFAULTS } from "../api/compare-defaults.ts";
import { describeProtocol, LR_SCALING_RULES, type LrScaling } from "../api/compare-protocol.ts";
import { hasEnded, type StoredRunResult, storedComparison, storedResult } from "../api/stored-result.ts";
import { withConfig } from "../config.ts";
import { type CliIo, outputWidth, useColor } from "../io.ts";
import { ProgressBoard } from "../render/progress-board.ts";
import { clipGradNormOption, clusterOptions, clusterRunOptions } from "./cluster-option.ts";
import { comparisonCharts } from "./compare-charts.ts";
import { comparisonTable } from "./compare-render.ts";
import { withInterrupt } from "./interrupt.ts";
import { dbOption, useDatabase } from "./results-db.ts";

interface CompareArgs {
  schedules: string;
  model: string;
  dataset: string;
  optimizer: string;
  batchSize: number;
  epochs: number;
  lr: number;
  factor: number;
  lrScaling: LrScaling;
  clipGradNorm: number | undefined;
  seeds: number;
  seed: number;
  workers: number;
  runsAtOnce: number | undefined;
  devices: number | undefined;
  cluster: string | undefined;
  control: boolean;
  db: string | undefined;
  show: number | undefined;
  resume: number | undefined;
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
            describe: "Optimizer spec (Smith et al. used momentum 0.9; run and find-lr default to plain sgd)",
          })
          .option("batch-size", {
            type: "number",
            default: COMPARE_DEFAULTS.batchSize,
            describe: "Starting batch size",
          })
          .option("epochs", {
            type: "number",
            default: COMPARE_DEFAULTS.epochs,
            describe:
              "Epoch budget, the same for every schedule (20 rather than run's 10, so the protocol's three milestones are epochs apart)",
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
          .option("lr-scaling", {
            choices: LR_SCALING_RULES,
            default: COMPARE_DEFAULTS.lrScaling,
            describe:
              "How batchramp and hybrid scale the lr when they grow the batch k-fold: linear (x k, Goyal et al. 2017: keeps lr/batch, so the ramp no longer anneals), sqrt (x sqrt k: anneals half as fast in log), none (Smith et al.'s protocol)",
          })
          .option("clip-grad-norm", clipGradNormOption)
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
          .option("runs-at-once", {
            type: "number",
            defaultDescription: "one per worker, one worker each; the last few runs share all workers",
            describe:
              "Runs trained at the same time, each on its share of --workers (results are the same either way; docs/sweeps.md has the measurement behind the default)",
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
          .option("resume", {
            type: "number",
            describe:
              "Finish an interrupted comparison: train its missing runs into it, with its recorded settings (its grid and training settings are the recorded ones; --workers, --runs-at-once and --json apply)",
          })
          .conflicts("show", "resume")
          .option("json", {
            type: "boolean",
            default: false,
            describe:
              'Print {"comparisonId", "planned", "runs": [the run object of lrsim run --json, with its runId, ...]}',
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
          .example("$0 compare --show 1", "Re-render a stored comparison")
          .example("$0 compare --resume 1", "Run what Ctrl-C left out of comparison 1"),
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
  runs: ReadonlyArray<StoredRunResult & { readonly runId: number | null }>,
  header: string,
  planned = runs.length,
): void {
  // An interrupted run is not a result, nor one still running or left running by a killed
  // process (stale): show the finished ones and say how to get the rest.
  const finished = runs.filter((r) => hasEnded(r) && r.status !== "interrupted");
  const missing = planned - finished.length;
  const resumeHint = `lrsim compare --resume ${comparisonId} runs the other ${missing} into this comparison`;
  if (json) {
    io.out(JSON.stringify({ comparisonId, planned, runs }));
    if (missing > 0) io.err(`interrupted: ${finished.length} of ${planned} runs finished; ${resumeHint}`);
    return;
  }
  const note =
    missing > 0
      ? `\n\ninterrupted: ${finished.length} of ${planned} runs finished${finished.length > 0 ? " (shown below)" : ""}; ${resumeHint}`
      : "";
  const body =
    finished.length > 0
      ? `\n\n${comparisonTable(finished)}\n\n${comparisonCharts(finished, { color: useColor(io), width: outputWidth(io) })}`
      : "";
  io.out(`${header}${note}${body}`);
}

async function runComparison(args: CompareArgs, io: CliIo): Promise<void> {
  if (args.resume === undefined) {
    if (!Number.isInteger(args.seeds) || args.seeds < 1)
      throw errors.usage(`--seeds must be a positive integer (runs per schedule), got ${args.seeds}`);
    // Checked here, by flag: the protocol writes them into specs the user never typed.
    if (!(args.lr > 0 && Number.isFinite(args.lr)))
      throw errors.invalidOption("lr", "a positive number", String(args.lr));
    if (!(args.factor >= 1 && Number.isFinite(args.factor)))
      throw errors.invalidOption(
        "factor",
        "a number >= 1 (the lr is divided, or the batch multiplied, by it)",
        String(args.factor),
      );
    if (args.seeds > MAX_COMPARE_RUNS) throw errors.tooLarge("--seeds", MAX_COMPARE_RUNS, String(args.seeds));
  }
  const { resume, show: _, runsAtOnce, ...settings } = args;
  let board: ProgressBoard | undefined;
  let epochs = args.epochs;
  const started: number[] = [];
  const shown: string[] = [];
  const show = (index: number, epoch: number, force: boolean) => {
    const done = epoch / epochs;
    const eta = done > 0 ? ((performance.now() - started[index]!) * (1 - done)) / done / 1000 : Number.NaN;
    const etaText = Number.isFinite(eta) ? ` ETA ${eta.toFixed(0)}s` : "";
    board?.update(index, done, `epoch ${Math.floor(epoch)}/${epochs}${shown[index] ?? ""}${etaText}`, force);
  };
  const result = await withInterrupt((signal) =>
    compare({
      ...settings,
      ...(resume === undefined ? {} : { resume }),
      ...(runsAtOnce === undefined ? {} : { runsAtOnce }),
      ...clusterRunOptions(args),
      db: databasePath(args.db, io.env, io.cwd),
      cwd: io.cwd,
      signal,
      onPlanned: (schedules, seeds, planned) => {
        epochs = planned;
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
  reportFailures(io, result.runs);
  if (result.runs.length < result.planned || result.runs.some((r) => r.status === "interrupted"))
    io.setExitCode?.(130);
  else if (result.runs.some((r) => r.status === "failed")) io.setExitCode?.(1);
  const plan = result.settings;
  output(
    io,
    args.json,
    result.comparisonId!,
    result.runs,
    `comparison ${result.comparisonId}: ${plan.model} on ${plan.dataset}, ${plan.optimizer}; ${describeProtocol(result.protocol)}`,
    result.planned,
  );
}

/** Failed runs' errors go to stderr too (the table on stdout still shows them). */
function reportFailures(
  io: CliIo,
  runs: readonly { status: string; schedule: string; seed: number; error: string | null }[],
): void {
  runs.forEach((r, i) => {
    if (r.status === "failed")
      io.err(`lrsim: run ${i + 1} (${r.schedule}, seed ${r.seed}) failed: ${r.error}`);
  });
}

function showComparison(args: CompareArgs, io: CliIo): void {
  useDatabase(args.db, io, "read", (db) => {
    const id = args.show!;
    const stored = storedComparison(db, id);
    const runs = stored.runIds.map((runId) => ({ ...storedResult(db, runId), runId }));
    const plan = stored.config as { schedules?: unknown[]; seeds?: unknown[] };
    const planned =
      Array.isArray(plan.schedules) && Array.isArray(plan.seeds)
        ? plan.schedules.length * plan.seeds.length
        : runs.length;
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
      planned,
    );
  });
}
