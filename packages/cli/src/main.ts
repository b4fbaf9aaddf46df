import { existsSync } from "node:fs";
import { resolve } from "node:path";
import {
  describeOptionProblem,
  errors,
  excerpt,
  isLrsimError,
  type LrsimError,
  type OptionNamer,
} from "@lrsim/core";
import yargs from "yargs";
import { asModules, commandName, commandOptions, commandsFor } from "./commands/index.ts";
import { CONFIG_FILES, checkConfigKeys, findConfig, type LoadedConfig, loadConfig } from "./config.ts";
import { type CliIo, processIo } from "./io.ts";
import { version } from "./version.ts";

/**
 * Exit codes: 0 success; 1 bad input or a failed run (a plugin's error, a full disk); 2 a usage
 * error (unknown option, missing argument, a value that is not a number); 70 an internal error,
 * a bug in lrsim or a database failure mid-run (sysexits' EX_SOFTWARE), to be reported; 130
 * stopped by Ctrl-C or SIGTERM.
 */
const EXIT = { ok: 0, error: 1, usage: 2, internal: 70, interrupted: 130 } as const;

/** How the CLI names an option of the programmatic API: `batchSize` is `--batch-size`. */
const flagName: OptionNamer = (option) =>
  option.startsWith("--") ? option : `--${option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

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
    return error.code === "INTERRUPTED" ? EXIT.interrupted : EXIT.error;
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

/**
 * Usage mistakes yargs lets through, found once the command's options are known: a number
 * option given no value or a value that is not a number (yargs would use NaN or the default),
 * and a single-valued option given twice (yargs would make it a list).
 */
function checkParsed(
  argv: readonly string[],
  parsed: Record<string, unknown>,
  options: { number: string[]; array: string[] },
): void {
  const numbers = new Set(options.number);
  const arrays = new Set(options.array);
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (!token.startsWith("--") || token.includes("=")) continue;
    const name = token.slice(2);
    const next = argv[i + 1];
    if (numbers.has(name) && (next === undefined || (next.startsWith("-") && !Number.isFinite(Number(next)))))
      throw new UsageError(`--${name} needs a number`);
  }
  for (const [key, value] of Object.entries(parsed)) {
    // yargs stores each option under its name and its camelCase alias; check the names only.
    if (key === "_" || key === "$0" || /[A-Z]/.test(key)) continue;
    if (typeof value === "number" && Number.isNaN(value)) {
      const at = argv.indexOf(`--${key}`);
      const inline = argv.find((a) => a.startsWith(`--${key}=`));
      const given = at >= 0 ? argv[at + 1] : inline?.slice(key.length + 3);
      throw new UsageError(`--${key} must be a number, got "${excerpt(given ?? "")}"`);
    }
    if (Array.isArray(value) && !arrays.has(key))
      throw new UsageError(`--${key} is given more than once; give it once`);
  }
}

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
  const commands = commandsFor(io);
  const names = commands.map(commandName);
  if (config) {
    try {
      checkConfigKeys(config, commandOptions(outerIo));
    } catch (error) {
      if (!isLrsimError(error)) throw error;
      outerIo.err(`lrsim: ${error.message}`);
      return EXIT.error;
    }
  }
  const parser = yargs([...argv])
    .scriptName("lrsim")
    .usage(
      "lrsim — a learning-rate lab: print, plot and solve learning-rate, batch-size and momentum schedules, and train real models under them.\n\nUsage: $0 <command> [options]",
    )
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
      // yargs' own errors (a failed .check(), a bad choice) are usage errors; any other is a command's.
      if (error && error.name !== "YError") throw error;
      throw new UsageError(message ?? error?.message ?? "");
    })
    .middleware((parsed) => {
      // getOptions() is typed in config.ts (yargs' own typings leave it out).
      const options = parser.getOptions();
      checkParsed(argv, parsed, options);
    }, true);
  parser.command(asModules(commands));
  try {
    // With a callback yargs hands over --help/--version text instead of printing it itself.
    let output = "";
    await parser.parseAsync([...argv], {}, (_error, _args, text) => {
      output = text;
    });
    if (output) io.out(output);
    return exitCode;
  } catch (caught) {
    // A failed .check() of a subcommand reaches here as yargs' bare message string.
    const error = typeof caught === "string" ? new UsageError(caught) : caught;
    if (error instanceof UsageError || (isLrsimError(error) && error.code === "USAGE")) {
      const command = names.includes(argv[0] ?? "") ? `lrsim ${argv[0]}` : "lrsim";
      const message = error.message.replace(/\n+/g, " ");
      const unknown = message.startsWith("Did you mean") ? `unknown command "${argv[0]}". ` : "";
      io.err(`lrsim: ${unknown}${message} (${command} --help shows the options)`);
      return EXIT.usage;
    }
    return reportError(io, error, verbose);
  }
}
