import { plural } from "@lrsim/core";
import { databasePath, mergeInto, openResults } from "@lrsim/store";
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
      const target = openResults(databasePath(args.output, {}, io.cwd));
      try {
        for (const source of args.sources ?? []) {
          const r = mergeInto(target, databasePath(source, {}, io.cwd));
          io.out(
            `${source}: ${plural(r.runs, "run")}, ${plural(r.comparisons, "comparison")}, ${plural(r.rangeTests, "range test")} merged${r.skipped ? `; ${plural(r.skipped, "run")} already there` : ""}`,
          );
        }
      } finally {
        target.close();
      }
    },
  };
}
