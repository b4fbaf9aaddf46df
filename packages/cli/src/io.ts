import type { LoadedConfig } from "./config.ts";

/**
 * Where a command writes. Commands never touch `process` directly, so tests can run them
 * in-process and the `--json` contract (results on stdout, everything else on stderr) holds.
 */
export interface CliIo {
  /** Writes results (stdout): a trailing newline is added if missing. */
  out(text: string): void;
  /** Writes messages and progress (stderr). */
  err(text: string): void;
  /** Whether stdout is a terminal: colours and charts in colour only then. */
  readonly isTTY: boolean;
  /** Whether stderr is a terminal: progress bars only then. */
  readonly isErrTTY: boolean;
  /** Columns of the stdout terminal, when it is one and says; charts fit it. */
  readonly columns?: number | undefined;
  readonly env: NodeJS.ProcessEnv;
  /** The directory relative paths are taken from (where the user typed the command). */
  readonly cwd: string;
  /** The config file in effect (lrsim.config.*), if any; `main` finds and loads it. */
  readonly config?: LoadedConfig | undefined;
  /** Sets the exit code of this invocation (130 for an interrupted run); main returns it. */
  setExitCode?(code: number): void;
}

/** The real terminal. `INIT_CWD` is where the user ran `pnpm lrsim`, which pnpm moves away from. */
export function processIo(): CliIo {
  return {
    out: (text) => process.stdout.write(text.endsWith("\n") ? text : `${text}\n`),
    err: (text) => process.stderr.write(text.endsWith("\n") ? text : `${text}\n`),
    isTTY: process.stdout.isTTY === true,
    isErrTTY: process.stderr.isTTY === true,
    columns: process.stdout.isTTY ? process.stdout.columns : undefined,
    env: process.env,
    cwd: process.env.INIT_CWD ?? process.cwd(),
  };
}

/**
 * True when colour is wanted. As in Node itself, FORCE_COLOR decides when set (`0` or `false`:
 * never, anything else: always, piped or not); otherwise a terminal without NO_COLOR
 * (https://no-color.org) gets colour.
 */
export function useColor(io: CliIo): boolean {
  const force = io.env.FORCE_COLOR;
  if (force !== undefined) return force !== "0" && force !== "false";
  return io.isTTY && !io.env.NO_COLOR;
}

/**
 * How wide output may be: the terminal's columns, else `COLUMNS` from the environment, else
 * 80 (piped output, logs, the docs). Never below 40, so a chart keeps room to draw.
 */
export function outputWidth(io: CliIo): number {
  const fromEnv = Number(io.env.COLUMNS);
  const columns = io.columns || (Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : 80);
  return Math.max(40, columns);
}
