import { createCatalog } from "@lrsim/builtins";
import { buildSchedule, errors, parseSpec, type ScheduleSamples, sampleSchedule } from "@lrsim/core";
import type { Argv } from "yargs";
import { deriveScheduleSpec } from "../api/compare-protocol.ts";
import { withConfig } from "../config.ts";
import { type CliIo, outputWidth, useColor } from "../io.ts";
import { renderChart } from "../render/chart.ts";
import { formatCell, renderTable } from "../render/table.ts";
import { MAX_ROWS, thinnedNote, thinRows } from "../render/thin.ts";
import { parseNumberList } from "./options.ts";

interface ScheduleArgs {
  spec: string;
  steps: number;
  batchSize: number;
  plot: boolean;
  json: boolean;
  all: boolean;
  metrics: string | undefined;
}

/** Most table rows shown before the table is thinned to every k-th tick. */

export function scheduleCommand(io: CliIo) {
  return {
    command: "schedule <spec>",
    describe: "Print or plot a learning-rate / batch-size / momentum schedule",
    builder: (y: Argv) =>
      withConfig(
        y
          .positional("spec", {
            type: "string",
            demandOption: true,
            describe: 'A schedule spec, e.g. "onecycle(maxLr=0.5)"',
          })
          .option("steps", {
            type: "number",
            default: 100,
            describe:
              "Evaluate t = 0 .. steps-1; also the run length for derived defaults (tMax, totalSteps, milestones; bare step becomes multistep dividing by 5 at 30/60/80% of it, as in compare)",
          })
          .option("batch-size", {
            type: "number",
            default: 128,
            describe: "The run's batch size, where a batch-size schedule starts",
          })
          .option("plot", {
            type: "boolean",
            default: false,
            describe: "Draw lr (and batch size, momentum) as terminal charts",
          })
          .option("json", {
            type: "boolean",
            default: false,
            describe: 'Print {"spec", "unit", "steps", "lr", "momentum"?, "batchSize"?}',
          })
          .option("all", {
            type: "boolean",
            default: false,
            describe: `Print every row (tables longer than ${MAX_ROWS} rows are thinned otherwise)`,
          })
          .option("metrics", {
            type: "string",
            describe: "Comma-separated metric per tick, fed to metric-driven schedules such as plateau",
          })
          .example('$0 schedule "step(lr=0.1, stepSize=30)" --steps 90', "StepLR over 90 epochs")
          .example('$0 schedule "onecycle(maxLr=0.8)" --steps 1000 --plot', "PyTorch OneCycleLR, plotted")
          .example(
            '$0 schedule "batchramp(milestones=[30,60])" --steps 90 --batch-size 128',
            "Smith et al.'s batch ramp",
          )
          .example(
            '$0 schedule "plateau(patience=1)" --steps 6 --metrics 1,0.9,0.9,0.9,0.8,0.8',
            "ReduceLROnPlateau on given losses",
          ),
        io.config,
        "schedule",
        io.cwd,
      ),
    handler: (args: ScheduleArgs) => runSchedule(args, io),
  };
}

/** Most ticks a schedule is evaluated at (every row is held in memory for --json and --plot). */
const MAX_STEPS = 1_000_000;

async function runSchedule(args: ScheduleArgs, io: CliIo): Promise<void> {
  if (!Number.isInteger(args.steps) || args.steps < 1)
    throw errors.invalidOption("steps", "a positive integer", String(args.steps));
  if (args.steps > MAX_STEPS) throw errors.tooLarge("--steps", MAX_STEPS, String(args.steps));
  if (!Number.isInteger(args.batchSize) || args.batchSize < 1)
    throw errors.invalidOption("batchSize", "a positive integer", String(args.batchSize));
  // The same catalog as every other command: a schedule given by path or package prints too.
  const catalog = createCatalog(io.cwd);
  const call = parseSpec(deriveScheduleSpec(args.spec, args.steps));
  await catalog.prepare("schedule", call);
  const schedule = buildSchedule(catalog.registries.schedule, call, {
    length: args.steps,
    batchSize: args.batchSize,
  });
  const metrics = args.metrics === undefined ? undefined : parseNumberList("metrics", args.metrics);
  if (metrics && !schedule.metricDriven)
    io.err(`note: ${schedule.name} does not react to metrics; --metrics is ignored`);
  const samples = metrics
    ? sampleWithMetrics(schedule, args.steps, metrics)
    : sampleSchedule(schedule, args.steps);

  if (args.json) {
    io.out(JSON.stringify(samples));
    return;
  }
  io.out(
    args.plot ? plots(samples, { color: useColor(io), width: outputWidth(io) }) : table(samples, args.all),
  );
}

function sampleWithMetrics(
  schedule: ReturnType<typeof buildSchedule>,
  steps: number,
  metrics: number[],
): ScheduleSamples {
  if (metrics.length < steps)
    throw errors.invalidOption("metrics", `one value per tick (${steps})`, `${metrics.length} values`);
  const lr: number[] = [];
  for (let t = 0; t < steps; t++) {
    lr.push(schedule.at(t).lr);
    schedule.observe(t, metrics[t]!);
  }
  return { spec: schedule.spec, unit: schedule.unit, steps, lr };
}

function table(s: ScheduleSamples, all: boolean): string {
  const { indices: ticks, every } = thinRows(s.steps, all);
  const columns = [
    { header: s.unit, align: "right" as const },
    { header: "lr", align: "right" as const },
  ];
  if (s.momentum) columns.push({ header: "momentum", align: "right" });
  if (s.batchSize) columns.push({ header: "batch size", align: "right" });
  const rows = ticks.map((t) => {
    const row = [String(t), formatCell(s.lr[t])];
    if (s.momentum) row.push(formatCell(s.momentum[t]));
    if (s.batchSize) row.push(formatCell(s.batchSize[t]));
    return row;
  });
  const note = thinnedNote(every, s.unit, s.steps, ", --json exact values");
  return `${s.spec}\n\n${renderTable(columns, rows)}${note}`;
}

function plots(s: ScheduleSamples, look: { color: boolean; width: number }): string {
  const t = s.lr.map((_, i) => i);
  const chart = (name: string, y: number[]) =>
    renderChart([{ name, x: t, y }], {
      title: `${name} — ${s.spec}`,
      yLabel: name,
      xLabel: s.unit,
      ...look,
      height: 10,
    });
  const parts = [chart("lr", s.lr)];
  if (s.batchSize) parts.push(chart("batch size", s.batchSize));
  if (s.momentum) parts.push(chart("momentum", s.momentum));
  return parts.join("\n\n");
}
