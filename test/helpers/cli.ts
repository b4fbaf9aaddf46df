import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root: the CLI runs from here exactly as `pnpm lrsim` runs it. */
export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

/** tsx by absolute URL, so the CLI also starts from a user's folder outside the workspace. */
const tsx = import.meta.resolve("tsx");

/** Runs recorded by CLI tests go to a scratch database, never to the repository's ./lrsim.db. */
const scratchDb = join(mkdtempSync(join(tmpdir(), "lrsim-cli-")), "lrsim.db");

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the real lrsim CLI in a child process (the command behind `pnpm lrsim`), the way a
 * user would, and collects its exit code and both output streams.
 */
export function runCli(
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<CliResult> {
  const entry = fileURLToPath(new URL("../../packages/cli/src/bin.ts", import.meta.url));
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--conditions=@lrsim/source", "--import", tsx, entry, ...args],
      {
        cwd: options.cwd ?? repoRoot,
        // INIT_CWD (set when vitest runs under pnpm) would tell lrsim to work elsewhere.
        env: {
          ...process.env,
          INIT_CWD: options.cwd ?? repoRoot,
          NO_COLOR: "1",
          FORCE_COLOR: undefined,
          COLUMNS: undefined,
          LRSIM_DB: scratchDb,
          ...options.env,
        },
        maxBuffer: 64 << 20,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Starts the CLI without waiting for it, for tests that signal or race processes. */
export function startCli(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): ChildProcess & { exited: Promise<number | null> } {
  const entry = fileURLToPath(new URL("../../packages/cli/src/bin.ts", import.meta.url));
  const child = spawn(process.execPath, ["--conditions=@lrsim/source", "--import", tsx, entry, ...args], {
    cwd: repoRoot,
    env: {
      ...process.env,
      NO_COLOR: "1",
      FORCE_COLOR: undefined,
      COLUMNS: undefined,
      LRSIM_DB: scratchDb,
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<number | null>((resolve) =>
    child.on("exit", (code, signal) => resolve(code ?? (signal ? -1 : null))),
  );
  return Object.assign(child, { exited });
}
