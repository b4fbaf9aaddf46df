import { execFile } from "node:child_process";
import { readdirSync } from "node:fs";
import { delimiter, join } from "node:path";
import { repoRoot } from "./cli.ts";

/** What a command run by {@link sh} did. */
export interface ShResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The environment of a user's shell, not of this test run: no npm/pnpm variables (pnpm sets
 * npm_config_* for its scripts), no NODE_OPTIONS or vitest variables, and no workspace
 * node_modules/.bin on PATH, so `npx lrsim` can only find the installed package.
 */
export function userEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|pnpm_|VITEST|NODE_OPTIONS$|NODE_PATH$|INIT_CWD$|LRSIM_)/i.test(key)) continue;
    env[key] = value;
  }
  env.PATH = (process.env.PATH ?? "")
    .split(delimiter)
    .filter((dir) => !dir.includes("node_modules"))
    .join(delimiter);
  return { ...env, NO_COLOR: "1", ...extra };
}

/** Runs a program (no shell) and collects its exit code and output; never rejects. */
export function sh(
  program: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeout?: number },
): Promise<ShResult> {
  return new Promise((resolve) => {
    execFile(
      program,
      args,
      {
        cwd: options.cwd,
        env: options.env ?? userEnv(),
        timeout: options.timeout ?? 600_000,
        maxBuffer: 64 << 20,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Runs a program and returns its stdout, or throws with its output when it fails. */
export async function shOk(
  program: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeout?: number },
): Promise<string> {
  const r = await sh(program, args, options);
  if (r.code !== 0)
    throw new Error(`${program} ${args.join(" ")} exited ${r.code}\n${r.stdout}\n${r.stderr}`.trim());
  return r.stdout;
}

/** The published lrsim package's folder in the workspace. */
export const cliPackage = join(repoRoot, "packages/cli");

/**
 * Packs lrsim as `pnpm publish` would (its prepack builds dist/; workspace: versions and
 * publishConfig are applied) into `dir`; returns the tarball's path.
 */
export async function packLrsim(dir: string): Promise<string> {
  await shOk("pnpm", ["pack", "--pack-destination", dir], {
    cwd: cliPackage,
    env: { ...process.env, NO_COLOR: "1" },
  });
  return join(dir, "lrsim-0.1.0.tgz");
}

/** Every package.json under `modules` (a node_modules folder), nested ones included. */
export function installedManifests(modules: string): string[] {
  const found: string[] = [];
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) visit(path);
      else if (entry.name === "package.json") found.push(path);
    }
  };
  visit(modules);
  return found;
}

/** Symbolic links under `modules` other than node_modules/.bin's executables. */
export function linksIn(modules: string): string[] {
  const links: string[] = [];
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isSymbolicLink()) {
        if (!dir.endsWith("/.bin")) links.push(path);
      } else if (entry.isDirectory()) visit(path);
    }
  };
  visit(modules);
  return links;
}
