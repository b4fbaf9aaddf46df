import { readOnlyQuery } from "@lrsim/store";
import type { Argv } from "yargs";
import type { CliIo } from "../io.ts";
import { renderTable } from "../render/table.ts";
import { cellText, dbOption, toCsv, useDatabase } from "./results-db.ts";

interface QueryArgs {
  sql: string;
  db: string | undefined;
  json: boolean | undefined;
  csv: boolean | undefined;
}

export function queryCommand(io: CliIo) {
  return {
    command: "query <sql>",
    describe: "Run a read-only SQL query on the results database",
    builder: (y: Argv) =>
      dbOption(y)
        .positional("sql", {
          type: "string",
          demandOption: true,
          describe: "One SQL statement that reads (docs/results-db.md has examples)",
        })
        .option("json", { type: "boolean", describe: "Print rows as JSON objects" })
        .option("csv", { type: "boolean", describe: "Print CSV with a header row" })
        .conflicts("json", "csv")
        .example(
          '$0 query "SELECT schedule, final_test_accuracy FROM runs JOIN run_summaries ON run_id = id"',
          "Final accuracy of every run",
        ),
    handler: (args: QueryArgs) => {
      useDatabase(args.db, io, "read", (db) => {
        const { columns, rows } = readOnlyQuery(db, args.sql);
        if (args.json)
          io.out(JSON.stringify(rows.map((r) => Object.fromEntries(columns.map((c, i) => [c, r[i]])))));
        else if (args.csv) io.out(toCsv(columns, rows));
        else
          io.out(
            rows.length
              ? renderTable(
                  columns.map((header) => ({ header })),
                  rows.map((r) => r.map(cellText)),
                )
              : "(no rows)",
          );
      });
    },
  };
}
