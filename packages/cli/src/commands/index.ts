import yargs, { type Argv, type CommandModule } from "yargs";
import type { CliIo } from "../io.ts";
import { compareCommand } from "./compare.ts";
import { decayCommand } from "./decay.ts";
import { findLrCommand } from "./find-lr.ts";
import { mergeCommand } from "./merge.ts";
import { pluginsCommand } from "./plugins.ts";
import { queryCommand } from "./query.ts";
import { reportCommand } from "./report.ts";
import { runCommand } from "./run.ts";
import { runsCommand } from "./runs.ts";
import { scheduleCommand } from "./schedule.ts";
import { schedulesCommand } from "./schedules.ts";
import { sweepCommand } from "./sweep.ts";
import { workerCommand } from "./worker.ts";

/**
 * Every top-level command, in the order `lrsim --help` lists them: the one list `main`
 * registers, takes command names from (to point a usage error at the right --help), and
 * collects config-file keys from. To add a command, write its module and add it here.
 */
const COMMAND_FACTORIES = [
  scheduleCommand,
  schedulesCommand,
  decayCommand,
  compareCommand,
  sweepCommand,
  workerCommand,
  runCommand,
  findLrCommand,
  pluginsCommand,
  runsCommand,
  queryCommand,
  mergeCommand,
  reportCommand,
] as const;

/** One command module, as its factory makes it. */
export type LrsimCommand = ReturnType<(typeof COMMAND_FACTORIES)[number]>;

/** The commands, bound to where they write. */
export function commandsFor(io: CliIo): LrsimCommand[] {
  return COMMAND_FACTORIES.map((factory) => factory(io));
}

/**
 * Every command's option names, from its own builder run on a blank parser (without a config,
 * so nothing is validated): what a config file's keys are checked against.
 */
export function commandOptions(io: CliIo): Map<string, string[]> {
  const options = new Map<string, string[]>();
  for (const command of commandsFor({ ...io, config: undefined })) {
    const parser = yargs([]);
    (command.builder as (y: Argv) => unknown)(parser);
    options.set(commandName(command), Object.keys(parser.getOptions().key));
  }
  return options;
}

/** A command's name: the first word of its `command` string ("schedule <spec>" is "schedule"). */
export function commandName(command: LrsimCommand): string {
  return command.command.split(" ")[0]!;
}

/**
 * The commands as yargs registers a list of them: each handler takes its own argument type,
 * which yargs' list signature cannot express.
 */
// biome-ignore lint/suspicious/noExplicitAny: see above
export function asModules(commands: LrsimCommand[]): CommandModule<object, any>[] {
  // biome-ignore lint/suspicious/noExplicitAny: see above
  return commands as CommandModule<object, any>[];
}
