import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { describeOptionProblem, errors, isLrsimError, type LrsimError, type OptionNamer } from "@lrsim/core";
import yargs from "yargs";
import { compareCommand } from "./commands/compare.ts";
import { decayCommand } from "./commands/decay.ts";
import { findLrCommand } from "./commands/find-lr.ts";
import { mergeCommand } from "./commands/merge.ts";
import { pluginsCommand } from "./commands/plugins.ts";
import { queryCommand } from "./commands/query.ts";
import { reportCommand } from "./commands/report.ts";
import { runCommand } from "./commands/run.ts";
import { runsCommand } from "./commands/runs.ts";
import { scheduleCommand } from "./commands/schedule.ts";
import { schedulesCommand } from "./commands/schedules.ts";
import { CONFIG_FILES, findConfig, type LoadedConfig, loadConfig } from "./config.ts";
import { type CliIo, processIo } from "./io.ts";
import { version } from "./version.ts";

/**
 * Exit codes: 0 success; 1 bad input or a failed run (a plugin's error); 2 a usage error
 * (unknown option, missing argument); 70 an internal error, a bug in lrsim or a database
 * failure mid-run (sysexits' EX_SOFTWARE), to be reported.
 */
const EXIT = { ok: 0, error: 1, usage: 2, internal: 70 } as const;

/** How the CLI names an option of the programmatic API: `batchSize` is `--batch-size`. */
const flagName: OptionNamer = (option) => `--${option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** An LrsimError's one line as the CLI prints it: options named as flags. */
function cliMessage(error: LrsimError): string {
  return error.option ? describeOptionProblem(error.option, flagName) : error.message;
}

/**
 * Prints an error that ended the command and returns the exit code: an LrsimError as one line
 * (bad input, a plugin's fault), anything else as an internal error to report.
 */
function reportError(io: CliIo, error: unknown, verbose: boolean): number {
  if (isLrsimError(error)) {
    io.err(`lrsim: ${cliMessage(error)}`);
    if (verbose && error.stack) io.err(error.stack);
    return EXIT.error;
  }
  io.err(`lrsim: internal error: ${error instanceof Error ? error.message : String(error)}`);
  io.err(
    verbose && error instanceof Error && error.stack
      ? error.stack
      : `(exit code ${EXIT.internal}: a bug in lrsim or a failing database; run again with --verbose for the stack trace, and please report it)`,
  );
  return EXIT.internal;
}

class UsageError extends Error {}

/** The config file `argv` asks for (`--config FILE`, `--no-config`), else the nearest one. */
async function configFor(argv: readonly string[], cwd: string): Promise<LoadedConfig | undefined> {
  if (argv.includes("--no-config")) return undefined;
  const at = argv.findIndex((a) => a === "--config" || a.startsWith("--config="));
  const given = at < 0 ? undefined : argv[at]!.includes("=") ? argv[at]!.slice(9) : argv[at + 1];
  if (at >= 0 && !given) return undefined; // yargs reports the missing value
  const file = given ? resolve(cwd, given) : findConfig(cwd);
  if (given && !existsSync(file!)) throw errors.noConfig(file!);
  return file ? loadConfig(file) : undefined;
}

/** Top-level command names, for pointing a usage error at the right --help. */
const COMMANDS = [
  "schedule",
  "schedules",
  "decay",
  "run",
  "plugins",
  "runs",
  "query",
  "merge",
  "find-lr",
  "compare",
  "report",
];

/**
 * Runs the lrsim command line on `argv` (without `node` and the script) and returns the exit
 * code. Bad input of any kind becomes one line on stderr — a stack trace only with --verbose.
 */
export async function main(argv: readonly string[], outerIo: CliIo = processIo()): Promise<number> {
  const verbose = argv.includes("--verbose");
  let exitCode: number = EXIT.ok;
  let config: LoadedConfig | undefined;
  try {
    config = await configFor(argv, outerIo.cwd);
  } catch (error) {
    return reportError(outerIo, error, verbose);
  }
  const io: CliIo = {
    ...outerIo,
    config,
    setExitCode: (code) => {
      exitCode = code;
    },
  };
  const parser = yargs([...argv])
    .scriptName("lrsim")
    .usage(
      "lrsim — a learning-rate lab: print, plot and solve learning-rate, batch-size and momentum schedules, and train real models under them.\n\nUsage: $0 <command> [options]",
    )
    .command(scheduleCommand(io))
    .command(schedulesCommand(io))
    .command(decayCommand(io))
    .command(compareCommand(io))
    .command(runCommand(io))
    .command(findLrCommand(io))
    .command(pluginsCommand(io))
    .command(runsCommand(io))
    .command(queryCommand(io))
    .command(mergeCommand(io))
    .command(reportCommand(io))
    .option("verbose", { type: "boolean", default: false, describe: "Show stack traces of errors" })
    .option("config", {
      type: "string",
      describe: `Config file of option defaults (default: the nearest ${CONFIG_FILES.join(", ")}, from here up; --no-config: none)`,
    })
    .epilogue(
      `Exit codes: 0 success; 1 bad input or a failed run; 2 a usage error; 130 interrupted; ${EXIT.internal} an internal error (a bug in lrsim or a database failing mid-run: please report it).`,
    )
    .demandCommand(1, "Name a command: lrsim --help lists them.")
    .strict()
    .recommendCommands()
    .version(version)
    .help()
    .alias("h", "help")
    .wrap(io.isTTY ? Math.min(110, process.stdout.columns || 100) : 100)
    .exitProcess(false)
    .showHelpOnFail(false)
    .fail((message, error) => {
      if (error) throw error;
      throw new UsageError(message);
    });
  try {
    // With a callback yargs hands over --help/--version text instead of printing it itself.
    let output = "";
    await parser.parseAsync([...argv], {}, (_error, _args, text) => {
      output = text;
    });
    if (output) io.out(output);
    return exitCode;
  } catch (error) {
    if (error instanceof UsageError) {
      const command = COMMANDS.includes(argv[0] ?? "") ? `lrsim ${argv[0]}` : "lrsim";
      const message = error.message.replace(/\n+/g, " ");
      const unknown = message.startsWith("Did you mean") ? `unknown command "${argv[0]}". ` : "";
      io.err(`lrsim: ${unknown}${message} (${command} --help shows the options)`);
      return EXIT.usage;
    }
    return reportError(io, error, verbose);
  }
}
