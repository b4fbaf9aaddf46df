import { resolve } from "node:path";
import { errors, plural } from "@lrsim/core";
import { databasePath } from "@lrsim/store";
import type { Argv } from "yargs";
import { withConfig } from "../config.ts";
import type { CliIo } from "../io.ts";
import { collectReport, type ReportSelection } from "../report/report-data.ts";
import { renderReportHtml } from "../report/report-html.ts";
import { axisOption, sweepSection } from "../report/report-sweep.ts";
import { SWEEP_METRICS, type SweepMetric } from "../sweep/summary.ts";
import { version } from "../version.ts";
import { parseNumberList } from "./options.ts";
import { checkHtmlOutput, writeAtomically } from "./output-file.ts";
import { dbOption, useDatabase } from "./results-db.ts";

interface ReportArgs {
  comparison: number | undefined;
  runs: string | undefined;
  rangeTest: string | undefined;
  output: string;
  db: string | undefined;
  force: boolean;
  sweep: number | undefined;
  metric: SweepMetric;
  x: string | undefined;
  y: string | undefined;
}

/** Parses "3,4,7" into run or range-test ids. */
function idList(option: string, text: string | undefined): number[] | undefined {
  if (text === undefined) return undefined;
  const ids = parseNumberList(option, text);
  for (const id of ids)
    if (!Number.isInteger(id) || id < 1)
      throw errors.invalidOption(option, "a comma-separated list of ids", text);
  return ids;
}

/**
 * `lrsim report`: one self-contained HTML file with interactive charts of stored runs, a
 * comparison and range tests. Written to a temporary name and renamed, so a half-written
 * report never replaces a good one.
 */
export function reportCommand(io: CliIo) {
  return {
    command: "report",
    describe: "Write an interactive HTML report (one offline file) of a comparison, runs or range tests",
    builder: (y: Argv) =>
      withConfig(
        dbOption(y)
          .option("comparison", {
            type: "number",
            describe: "A stored comparison (default: the latest, when no --runs or --range-test is given)",
          })
          .option("runs", {
            type: "string",
            describe: "Run ids to include, comma-separated (lrsim runs lists them)",
          })
          .option("range-test", {
            type: "string",
            describe: "Range test ids to include, comma-separated (lrsim query 'SELECT * FROM range_tests')",
          })
          .option("sweep", {
            type: "number",
            describe:
              "A stored sweep: the best configuration per schedule, a heatmap of the final metric over --x × --y per schedule, and the best configurations' curves",
          })
          .option("metric", {
            choices: Object.keys(SWEEP_METRICS),
            default: "test-accuracy",
            describe: "With --sweep: the metric that picks the best configurations and fills the heatmaps",
          })
          .option("x", {
            type: "string",
            describe:
              "With --sweep: the heatmaps' columns (lr, batch-size, optimizer, model, dataset, epochs; default: the first axis that varies)",
          })
          .option("y", {
            type: "string",
            describe: "With --sweep: the heatmaps' rows (default: the next axis that varies)",
          })
          .option("output", {
            alias: "o",
            type: "string",
            default: "report.html",
            describe: "The HTML file to write",
          })
          .option("force", {
            type: "boolean",
            default: false,
            describe: "Overwrite the output even if it exists and is not an HTML report",
          })
          .example("$0 report -o report.html", "The latest comparison")
          .example("$0 report --comparison 2 --range-test 1 -o mnist.html", "A comparison and a range test")
          .example("$0 report --runs 4,5", "Two runs side by side")
          .example(
            "$0 report --sweep 1 --x lr --y batch-size",
            "A sweep: best per schedule, lr × batch-size heatmaps",
          )
          .epilog(
            "The page holds lr, batch size and momentum vs epoch; train/test loss and accuracy vs epoch, parameter updates or simulated cluster time; each range test's loss vs lr with its suggestions; and the summary table. uPlot and the data are inlined: the file opens offline and makes no network request.",
          ),
        io.config,
        "report",
        io.cwd,
      ),
    handler: (args: ReportArgs) => {
      const selection: ReportSelection = {
        comparison: args.comparison,
        runs: idList("--runs", args.runs),
        rangeTests: idList("--range-test", args.rangeTest),
      };
      if (
        selection.comparison !== undefined &&
        (!Number.isInteger(selection.comparison) || selection.comparison < 1)
      )
        throw errors.invalidOption("--comparison", "a comparison id", String(args.comparison));
      const path = resolve(io.cwd, args.output);
      checkHtmlOutput(path, args.output, [databasePath(args.db, io.env, io.cwd)], args.force);
      const { html, summary } = useDatabase(args.db, io, "read", (db) => {
        const sweep =
          args.sweep === undefined
            ? undefined
            : sweepSection(db, args.sweep, args.metric, {
                x: args.x === undefined ? undefined : axisOption("--x", args.x),
                y: args.y === undefined ? undefined : axisOption("--y", args.y),
              });
        const withSweep: ReportSelection = sweep
          ? { ...selection, runs: [...(selection.runs ?? []), ...sweep.bestRunIds] }
          : selection;
        const collected = collectReport(db, withSweep, version);
        const data = sweep ? { ...collected, title: sweep.title } : collected;
        return {
          html: renderReportHtml(data, sweep?.html),
          summary: `${data.title}: ${plural(data.runs.length, "run")}, ${plural(data.rangeTests.length, "range test")}`,
        };
      });
      writeAtomically(path, args.output, html);
      io.out(`wrote ${args.output} (${Math.round(html.length / 1024)} KB) — ${summary}`);
    },
  };
}
