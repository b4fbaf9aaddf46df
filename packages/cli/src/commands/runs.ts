import { getRun, listRuns, type RunListing, removeRuns, runTable } from "@lrsim/store";
import type { Argv } from "yargs";
import { storedResult } from "../api/stored-result.ts";
import type { CliIo } from "../io.ts";
import { runLossChart } from "../render/run-chart.ts";
import { formatCell, renderTable } from "../render/table.ts";
import { MAX_ROWS } from "../render/thin.ts";
import { dbOption, toCsv, useDatabase } from "./results-db.ts";
import { summary } from "./run.ts";

interface ListArgs {
  db: string | undefined;
  status: string | undefined;
  schedule: string | undefined;
  comparison: number | undefined;
  json: boolean;
}

function listing(rows: readonly RunListing[]): string {
  if (rows.length === 0) return "(no runs)";
  return renderTable(
    [
      "id",
      "status",
      "schedule",
      "model",
      "dataset",
      "optimizer",
      "seed",
      "comparison",
      "updates",
      "test acc",
      "test loss",
      "time",
      "started",
    ].map((header) => ({ header })),
    rows.map((r) => [
      String(r.id),
      r.status,
      r.schedule,
      r.model,
      r.dataset,
      r.optimizer,
      String(r.seed),
      r.comparisonId === null ? "" : String(r.comparisonId),
      r.updates === null ? "" : String(r.updates),
      r.finalTestAccuracy === null ? "" : `${(r.finalTestAccuracy * 100).toFixed(2)}%`,
      formatCell(r.finalTestLoss ?? undefined),
      r.wallMs === null ? "" : `${(r.wallMs / 1000).toFixed(1)}s`,
      r.startedAt.replace("T", " ").slice(0, 19),
    ]),
  );
}

export function runsCommand(io: CliIo) {
  return {
    command: "runs",
    describe: "List, show, export or remove recorded runs",
    builder: (y: Argv) =>
      y
        .command({
          command: ["list", "$0"],
          describe: "List runs, newest first",
          builder: (z: Argv) =>
            dbOption(z)
              .option("status", {
                type: "string",
                choices: ["running", "completed", "diverged", "failed", "interrupted", "stale"],
                describe: "Only runs with this status",
              })
              .option("schedule", {
                type: "string",
                describe: "Only runs of this schedule (a name or a canonical spec)",
              })
              .option("comparison", { type: "number", describe: "Only the runs of this comparison" })
              .option("json", { type: "boolean", default: false, describe: "Print the listing as JSON" }),
          handler: (args: ListArgs) => {
            const rows = useDatabase(args.db, io, "read", (db) =>
              listRuns(db, { status: args.status, schedule: args.schedule, comparison: args.comparison }),
            );
            io.out(args.json ? JSON.stringify(rows) : listing(rows));
          },
        })
        .command({
          command: "show <id>",
          describe: "A run's config, learning curve and a plot of its test loss",
          builder: (z: Argv) =>
            dbOption(z)
              .positional("id", {
                type: "number",
                demandOption: true,
                describe: "Run id (lrsim runs lists them)",
              })
              .option("all", {
                type: "boolean",
                default: false,
                describe: `Print every evaluation (curves longer than ${MAX_ROWS} rows are thinned otherwise)`,
              })
              .option("json", {
                type: "boolean",
                default: false,
                describe: "Print the run object of lrsim run --json",
              }),
          handler: (args: { id: number; db: string | undefined; json: boolean; all: boolean }) => {
            const { run, result } = useDatabase(args.db, io, "read", (db) => ({
              run: getRun(db, args.id),
              result: storedResult(db, args.id),
            }));
            if (args.json) {
              io.out(JSON.stringify({ id: args.id, config: JSON.parse(run.config as string), ...result }));
              return;
            }
            const chart = runLossChart(result.history, io);
            io.out(
              `run ${args.id}  ${run.status}  started ${String(run.started_at)}  seed ${String(run.seed)}  workers ${String(run.workers)}  lrsim ${String(run.lrsim_version)}\n\n${summary(result, args.all)}${chart ? `\n\n${chart}` : ""}`,
            );
          },
        })
        .command({
          command: "export <id>",
          describe: "Print a run's evaluations or steps as CSV or JSON",
          builder: (z: Argv) =>
            dbOption(z)
              .positional("id", { type: "number", demandOption: true, describe: "Run id" })
              .option("format", {
                choices: ["csv", "json"] as const,
                default: "csv" as const,
                describe: "Output format",
              })
              .option("table", {
                choices: ["evaluations", "steps"] as const,
                default: "evaluations" as const,
                describe: "Per-epoch evaluations or per-update steps",
              }),
          handler: (args: {
            id: number;
            db: string | undefined;
            format: "csv" | "json";
            table: "evaluations" | "steps";
          }) => {
            const { columns, rows } = useDatabase(args.db, io, "read", (db) => {
              getRun(db, args.id);
              return runTable(db, args.id, args.table);
            });
            io.out(
              args.format === "csv"
                ? toCsv(columns, rows)
                : JSON.stringify(rows.map((r) => Object.fromEntries(columns.map((c, i) => [c, r[i]])))),
            );
          },
        })
        .command({
          command: "rm [id]",
          describe: "Remove a run (and its steps and evaluations), or every stale run",
          builder: (z: Argv) =>
            dbOption(z)
              .positional("id", { type: "number", describe: "Run id" })
              .option("stale", {
                type: "boolean",
                default: false,
                describe: "Remove every run left running by a process that is gone",
              })
              .check((a) => (a.id === undefined) !== (a.stale === false) || "give a run id or --stale"),
          handler: (args: { id: number | undefined; db: string | undefined; stale: boolean }) => {
            const ids = useDatabase(args.db, io, "write", (db) => {
              const chosen = args.stale ? listRuns(db, { status: "stale" }).map((r) => r.id) : [args.id!];
              removeRuns(db, chosen);
              return chosen;
            });
            io.out(
              ids.length ? `removed run${ids.length > 1 ? "s" : ""} ${ids.join(", ")}` : "no stale runs",
            );
          },
        })
        .demandCommand(0),
    handler: () => {},
  };
}
