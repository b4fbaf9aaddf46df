import { errors, plural } from "@lrsim/core";
import {
  busyTimeoutMs,
  checkMergeSource,
  databasePath,
  explainSqliteError,
  mergeAll,
  openResults,
} from "@lrsim/store";
import type { Argv } from "yargs";
import type { CliIo } from "../io.ts";

export function mergeCommand(io: CliIo) {
  return {
    command: "merge <sources..>",
    describe: "Combine results databases (e.g. from several machines) into one, without id clashes",
    builder: (y: Argv) =>
      y
        .positional("sources", {
          type: "string",
          array: true,
          // Required by <sources..>; no "[default: []]" beside "[required]" in --help.
          default: undefined,
          describe: "Databases to copy from (at least one)",
        })
        .option("output", {
          alias: "o",
          type: "string",
          demandOption: true,
          describe: "Database to merge into (created if missing)",
        })
        .example("$0 merge laptop.db server.db -o all.db", "Everything from both, renumbered"),
    handler: (args: { sources?: string[] | undefined; output: string }) => {
      const output = databasePath(args.output, {}, io.cwd);
      const sources = (args.sources ?? []).map((source) => databasePath(source, {}, io.cwd));
      if (sources.includes(output))
        throw errors.usage(`-o ${args.output} is also a source; merge into another file`);
      // Every source is checked before the output is created or touched.
      for (const source of sources) checkMergeSource(source);
      const target = openResults(output);
      try {
        const reports = mergeAll(target, sources);
        reports.forEach((r, i) => {
          io.out(
            `${args.sources?.[i]}: ${plural(r.runs, "run")}, ${plural(r.comparisons, "comparison")}, ${plural(r.rangeTests, "range test")}${r.sweeps ? `, ${plural(r.sweeps, "sweep")}` : ""} merged${r.skipped ? `; ${plural(r.skipped, "run")} already there` : ""}`,
          );
        });
      } catch (error) {
        throw explainSqliteError(output, error, busyTimeoutMs()) ?? error;
      } finally {
        target.close();
      }
    },
  };
}
