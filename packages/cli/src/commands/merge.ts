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
          demandOption: true,
          describe: "Databases to copy from",
        })
        .option("output", {
          alias: "o",
          type: "string",
          demandOption: true,
          describe: "Database to merge into (created if missing)",
        })
        .example("$0 merge laptop.db server.db -o all.db", "Everything from both, renumbered"),
    handler: (args: { sources: string[]; output: string }) => {
      const target = openResults(databasePath(args.output, {}, io.cwd));
      try {
        for (const source of args.sources) {
          const r = mergeInto(target, databasePath(source, {}, io.cwd));
          io.out(
            `${source}: ${r.runs} runs, ${r.comparisons} comparisons, ${r.rangeTests} range tests merged${r.skipped ? `; ${r.skipped} runs already there` : ""}`,
          );
        }
      } finally {
        target.close();
      }
    },
  };
}
