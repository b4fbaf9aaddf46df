import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The repository root: the CLI runs from here exactly as `pnpm lrsim` runs it. */
export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

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
      ["--conditions=@lrsim/source", "--import", "tsx", entry, ...args],
      {
        cwd: options.cwd ?? repoRoot,
        env: { ...process.env, NO_COLOR: "1", ...options.env },
        maxBuffer: 64 << 20,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
