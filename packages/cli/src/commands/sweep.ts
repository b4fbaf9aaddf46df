import { availableParallelism } from "node:os";
import { errors } from "@lrsim/core";
import { databasePath } from "@lrsim/store";
import type { Argv } from "yargs";
import { COMPARE_DEFAULTS } from "../api/compare-defaults.ts";
import { LR_SCALING_RULES, type LrScaling } from "../api/compare-protocol.ts";
import { sweep } from "../api/sweep.ts";
import { withConfig } from "../config.ts";
import type { CliIo } from "../io.ts";
import { progressBar } from "../render/progress-board.ts";
import {
  describeSize,
  gridWithDefaults,
  numberList,
  type PlannedRun,
  type SweepGrid,
  specList,
} from "../sweep/grid.ts";
import { redisUrlOf } from "../sweep/redis-url.ts";
import { SWEEP_METRICS, type SweepMetric } from "../sweep/summary.ts";
import { clipGradNormOption, clusterOptions, clusterRunOptions } from "./cluster-option.ts";
import { withInterrupt } from "./interrupt.ts";
import { dbOption, useDatabase } from "./results-db.ts";
import { showSweep, storedSweepResumeHint, sweepResumeHint } from "./sweep-render.ts";
import { StatusLines } from "./sweep-status.ts";

interface SweepArgs {
  schedules: unknown;
  lr: unknown;
  batchSize: unknown;
  optimizer: unknown;
  model: unknown;
  dataset: unknown;
  epochs: unknown;
  factor: number;
  lrScaling: LrScaling;
  clipGradNorm: number | undefined;
  seeds: number;
  seed: number;
  workers: number;
  runsAtOnce: number | undefined;
  devices: number | undefined;
  cluster: string | undefined;
  yes: boolean;
  redis: string | undefined;
  queue: string | undefined;
  resume: number | undefined;
  show: number | undefined;
  metric: SweepMetric;
  json: boolean;
  db: string | undefined;
}

const positive = (n: number) => Number.isFinite(n) && n > 0;
const positiveInteger = (n: number) => Number.isInteger(n) && n > 0;

/** The grid the flags (or the config's sweep section) describe. */
function gridOf(args: SweepArgs): Partial<SweepGrid> {
  return {
    schedules: specList(args.schedules),
    lr: numberList("lr", args.lr, positive, "positive numbers"),
    batchSize: numberList("batchSize", args.batchSize, positiveInteger, "positive integers"),
    optimizer: specList(args.optimizer),
    model: specList(args.model),
    dataset: specList(args.dataset),
    epochs: numberList("epochs", args.epochs, positiveInteger, "positive integers"),
    factor: args.factor,
    lrScaling: args.lrScaling,
    ...(args.clipGradNorm === undefined ? {} : { clipGradNorm: args.clipGradNorm }),
    seeds: args.seeds,
    seed: args.seed,
    ...clusterRunOptions(args),
  };
}

export function sweepCommand(io: CliIo) {
  return {
    command: "sweep",
    describe:
      "Train a grid of runs (schedules × lr × batch sizes × ... × seeds), here or on lrsim workers through Redis",
    builder: (y: Argv) =>
      withConfig(
        dbOption(
          clusterOptions(
            y
              .option("schedules", {
                type: "array",
                default: COMPARE_DEFAULTS.schedules,
                describe:
                  "Comma-separated schedules; bare names follow Smith et al. (2018)'s protocol as in lrsim compare, filled in from each point's lr, batch size and epochs",
              })
              .option("lr", {
                type: "array",
                default: String(COMPARE_DEFAULTS.lr),
                describe: "Learning rates (the protocol's initial or peak lr), comma-separated",
              })
              .option("batch-size", {
                type: "array",
                default: String(COMPARE_DEFAULTS.batchSize),
                describe: "Starting batch sizes, comma-separated",
              })
              .option("optimizer", {
                type: "array",
                default: COMPARE_DEFAULTS.optimizer,
                describe: "Optimizer specs, comma-separated",
              })
              .option("model", {
                type: "array",
                default: COMPARE_DEFAULTS.model,
                describe: "Model specs, comma-separated",
              })
              .option("dataset", {
                type: "array",
                default: COMPARE_DEFAULTS.dataset,
                describe: "Dataset specs, comma-separated",
              })
              .option("epochs", {
                type: "array",
                default: String(COMPARE_DEFAULTS.epochs),
                describe: "Epoch budgets, comma-separated",
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
                  "How batchramp and hybrid scale the lr when they grow the batch k-fold, as in lrsim compare: linear (x k, Goyal et al. 2017), sqrt (x sqrt k), none (Smith et al.'s protocol)",
              })
              .option("clip-grad-norm", clipGradNormOption)
              .option("seeds", {
                type: "number",
                default: 1,
                describe: "Runs per grid point; --show reports mean ± std",
              })
              .option("seed", { type: "number", default: 0, describe: "First seed" }),
          )
            .option("workers", {
              type: "number",
              default: availableParallelism(),
              defaultDescription: "the number of cores",
              describe: "Worker threads of the embedded sweep (0: in-process)",
            })
            .option("runs-at-once", {
              type: "number",
              defaultDescription: "one per worker, one worker each; the last few runs share all workers",
              describe: "Embedded: runs trained at the same time, each on its share of --workers",
            })
            .option("yes", {
              type: "boolean",
              default: false,
              describe: "Start a sweep of more than 1,000 runs",
            })
            .option("redis", {
              type: "string",
              describe:
                "redis://[:password@]host:port[/db] (or rediss://; default $LRSIM_REDIS): enqueue the runs for lrsim worker processes on any host and record their results here",
            })
            .option("queue", { type: "string", describe: "BullMQ queue name (default: lrsim-sweep)" })
            .option("resume", {
              type: "number",
              describe:
                "Finish a stored sweep: collect what workers finished meanwhile and train or wait for the rest (its grid is the recorded one: grid options given here are ignored; --workers and --runs-at-once apply)",
            })
            .option("show", { type: "number", describe: "Show a stored sweep instead of running one" })
            .conflicts("show", "resume")
            .option("metric", {
              choices: Object.keys(SWEEP_METRICS),
              default: "test-accuracy",
              describe: "What --show (and the table after a sweep) ranks by, best first",
            })
            .option("json", {
              type: "boolean",
              default: false,
              describe:
                'Print {"sweepId", "planned", "recorded", "axes", "rows": [...]} instead of the table',
            }),
        )
          .example(
            "$0 sweep --schedules step,onecycle,batchramp --lr 0.05,0.1,0.2 --batch-size 64,128 --seeds 3",
            "54 runs on this machine",
          )
          .example(
            "$0 sweep --lr 0.1,0.5 --redis redis://queue-host:6379",
            "Hand the runs to lrsim worker processes",
          )
          .example("$0 sweep --show 1 --metric test-loss", "A stored sweep, best test loss first")
          .example("$0 report --sweep 1 -o sweep.html", "Its best runs and lr × batch-size heatmaps")
          .epilog(
            "Each run (grid point × seed) is recorded once in the results database, as it ends; a sweep stopped part-way (Ctrl-C, a reboot) is finished by --resume ID. With --redis, start `lrsim worker --redis URL` on each host that should train (see lrsim worker --help); this process then only records what they send back. docs/sweeps.md has the multi-host recipe and what is guaranteed.",
          ),
        io.config,
        "sweep",
        io.cwd,
      ),
    handler: (args: SweepArgs) =>
      args.show === undefined ? runSweep(args, io) : printSweep(args, args.show, io),
  };
}

/** `--show`: the stored sweep, and, when runs are missing, how to finish it (on stderr, so --json stays clean). */
function printSweep(args: SweepArgs, id: number, io: CliIo): void {
  useDatabase(args.db, io, "read", (db) => {
    io.out(showSweep(db, id, args.metric, args.json));
    const hint = storedSweepResumeHint(db, id);
    if (hint) io.err(hint);
  });
}

async function runSweep(args: SweepArgs, io: CliIo): Promise<void> {
  const redis = redisUrlOf(args.redis, io.env);
  if (args.resume === undefined) checkSweepNumbers(args);
  const grid = args.resume === undefined ? gridOf(args) : undefined;
  const status = new StatusLines(io);
  let runs: readonly PlannedRun[] = [];
  let started = 0;
  let recordedHere = 0;
  let recorded = 0;
  const label = (run: PlannedRun) =>
    `${run.point.schedule} lr ${run.point.lr} batch ${run.point.batchSize} seed ${run.seed}`;
  const result = await withInterrupt((signal) =>
    sweep({
      ...(grid === undefined ? {} : { grid }),
      ...(args.resume === undefined ? {} : { resume: args.resume }),
      ...(redis === undefined ? {} : { redis }),
      ...(args.queue === undefined ? {} : { queue: args.queue }),
      ...(args.runsAtOnce === undefined ? {} : { runsAtOnce: args.runsAtOnce }),
      yes: args.yes,
      workers: args.workers,
      db: databasePath(args.db, io.env, io.cwd),
      cwd: io.cwd,
      signal,
      onPlanned: (id, planned, already) => {
        runs = planned;
        recorded = already;
        started = performance.now();
        const size = grid ? describeSize(gridWithDefaults(grid)) : `${planned.length} runs`;
        io.err(
          `sweep ${id}: ${size}${already > 0 ? `, ${already} recorded already` : ""}${redis ? "; waiting for lrsim worker processes" : ""}`,
        );
      },
      onRunStart: (i) => status.set(runs[i]!.key, `${label(runs[i]!)}  ${progressBar(0)}`),
      onStep: (i, step) =>
        status.set(runs[i]!.key, runLine(label(runs[i]!), step.epoch, runs[i]!.options.epochs)),
      onRecorded: (run, outcome, error, fresh) => {
        status.delete(run.key);
        if (!fresh) {
          status.log(`${label(run)}: delivered again, already recorded`);
          return;
        }
        recordedHere++;
        recorded++;
        status.log(`${label(run)}: ${outcome}${error ? ` (${error})` : ""}`);
        if (!redis) status.total(totalLine(recorded, runs.length, recordedHere, started));
      },
      onQueueState: (state) => {
        status.replaceAll(
          [...state.active].map(([key, p]) => {
            const run = runs.find((r) => r.key === key);
            const name = run ? label(run) : key;
            return [
              key,
              p
                ? `${runLine(name, p.epoch, p.epochs)}  on ${p.worker}`
                : `${name}  planning (loading its data)`,
            ];
          }),
        );
        status.total(totalLine(state.recorded, state.planned, recordedHere, started));
      },
      onLog: (line) => status.log(line),
    }),
  );
  status.close();
  const shown = useDatabase(args.db, io, "read", (db) =>
    showSweep(db, result.sweepId, args.metric, args.json),
  );
  if (result.recorded < result.planned) {
    io.setExitCode?.(130);
    io.err(
      `interrupted: ${sweepResumeHint(result.sweepId, result.recorded, result.planned, Boolean(redis))}`,
    );
  } else if (result.failed > 0) io.setExitCode?.(1);
  io.out(shown);
}

/** `name  ████···· epoch 3/10`. */
function runLine(name: string, epoch: number, epochs: number): string {
  return `${name}  ${progressBar(epoch / epochs)} epoch ${Math.floor(epoch)}/${epochs}`;
}

/** `sweep: 10/24 recorded, ETA 1m20s` — the ETA from this session's pace. */
function totalLine(recorded: number, planned: number, here: number, started: number): string {
  const elapsed = (performance.now() - started) / 1000;
  const eta = here > 0 ? ((planned - recorded) * elapsed) / here : Number.NaN;
  const etaText = Number.isFinite(eta) ? `, ETA ${formatDuration(eta)}` : "";
  return `sweep: ${progressBar(recorded / planned)} ${recorded}/${planned} recorded${etaText}`;
}

function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)}s`;
  const m = Math.floor(seconds / 60);
  return m < 60
    ? `${m}m${String(Math.round(seconds % 60)).padStart(2, "0")}s`
    : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

/** Checks the numbers the protocol writes into specs, by flag, before anything starts. */
function checkSweepNumbers(args: { factor: number; seeds: number }): void {
  if (!(args.factor >= 1 && Number.isFinite(args.factor)))
    throw errors.invalidOption(
      "factor",
      "a number >= 1 (the lr is divided, or the batch multiplied, by it)",
      String(args.factor),
    );
  if (!Number.isInteger(args.seeds) || args.seeds < 1)
    throw errors.usage(`--seeds must be a positive integer (runs per grid point), got ${args.seeds}`);
}
