import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { ancestorDirs, errors, importModule } from "@lrsim/core";
import type { Argv } from "yargs";

/**
 * An lrsim config file (`lrsim.config.ts`, `.mts`, `.js`, `.mjs` or `.json`): option defaults
 * for every command — top-level keys apply wherever the command has such an option, a section
 * named after a command (`run`, `compare`, `find-lr`, `report`, ...) only there. Command-line
 * options win over both. Keys are the options' names, camelCased (`batchSize`) or as written
 * (`batch-size`). Plugin paths are relative to the config file.
 *
 * @example
 * // lrsim.config.ts
 * import { defineConfig } from "lrsim";
 * export default defineConfig({
 *   model: "./polynomial.ts(degree=5)",
 *   dataset: "sine(noise=0.05)",
 *   workers: 2,
 *   compare: { schedules: "./warmup-poly.js(power=2),step", epochs: 30 },
 * });
 */
export interface LrsimConfig {
  readonly [option: string]: unknown;
}

/** Types a config file's default export (it returns its argument unchanged). */
export function defineConfig<C extends LrsimConfig>(config: C): C {
  return config;
}

/** The names a config file may have, in the order they are looked for in each directory. */
export const CONFIG_FILES = [
  "lrsim.config.ts",
  "lrsim.config.mts",
  "lrsim.config.js",
  "lrsim.config.mjs",
  "lrsim.config.json",
] as const;

/** A config file, loaded. */
export interface LoadedConfig {
  readonly file: string;
  readonly values: Readonly<Record<string, unknown>>;
}

/** The nearest config file: in `cwd`, else its parent, and so on up to the root (like ESLint or Prettier). */
export function findConfig(cwd: string): string | undefined {
  for (const dir of ancestorDirs(cwd))
    for (const name of CONFIG_FILES) if (existsSync(join(dir, name))) return join(dir, name);
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Loads a config file; a broken one is a one-line error naming it. */
export async function loadConfig(file: string): Promise<LoadedConfig> {
  let values: unknown;
  try {
    if (file.endsWith(".json")) values = JSON.parse(readFileSync(file, "utf8"));
    else {
      const module = await importModule(pathToFileURL(file).href);
      values = module.default;
    }
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message.split("\n")[0]! : String(cause);
    throw errors.badConfig(file, reason, cause);
  }
  if (!isObject(values))
    throw errors.badConfig(
      file,
      `it must ${file.endsWith(".json") ? "hold a JSON object" : "export default an object (defineConfig({...}))"} of option defaults`,
    );
  return { file, values };
}

const camel = (name: string) => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * Rewrites relative paths (`./x.ts`, `../y.js`, also inside spec lists, and quoted ones such as
 * `path="./my data/train.idx"`) from the config file's directory to `cwd`, so a config found in
 * a parent directory points at the same files — plugins and `param.string({ path: true })`
 * values alike (the catalog then resolves them from `cwd`).
 */
function rebase(value: unknown, configDir: string, cwd: string): unknown {
  if (typeof value !== "string" || configDir === resolve(cwd)) return value;
  const moved = (path: string) => {
    const to = relative(cwd, resolve(configDir, path));
    return to.startsWith(".") ? to : `./${to}`;
  };
  return value.replace(
    /(^|[\s,[(=])(?:(["'])(\.\.?\/[^"'\\]*)\2|(\.\.?\/[^\s,()[\]"']+))/g,
    (_, before: string, quote: string | undefined, quoted: string | undefined, bare: string | undefined) =>
      quote && quoted !== undefined
        ? `${before}${quote}${moved(quoted)}${quote}`
        : `${before}${moved(bare ?? "")}`,
  );
}

/**
 * The option defaults a command takes from the config: top-level keys the command knows, then
 * its own section. `known` holds the command's option names; other keys are left alone (the
 * top level is shared by commands with different options).
 */
function configDefaults(
  config: LoadedConfig,
  command: string,
  known: readonly string[],
  cwd: string,
): Record<string, unknown> {
  const knownNames = new Set(known.flatMap((k) => [k, camel(k)]));
  const section = config.values[command];
  if (section !== undefined && !isObject(section))
    throw errors.badConfig(config.file, `"${command}" must be an object of ${command} options`);
  const defaults: Record<string, unknown> = {};
  const take = (source: Record<string, unknown>, strict: boolean) => {
    for (const [key, value] of Object.entries(source)) {
      if (knownNames.has(key)) defaults[camel(key)] = rebase(value, dirname(config.file), cwd);
      else if (strict)
        throw errors.badConfig(
          config.file,
          `lrsim ${command} has no option "${key}" (lrsim ${command} --help lists them)`,
        );
    }
  };
  take(config.values, false);
  if (section) take(section, true);
  return defaults;
}

declare module "yargs" {
  interface Argv<T> {
    /**
     * The options declared so far (yargs has it at run time; its typings leave it out): `key`
     * holds one entry per option name and alias.
     */
    getOptions(): { key: Record<string, unknown> };
  }
}

/**
 * Applies the config's defaults to a command's options (call it last in the command's builder,
 * when all options are declared). Options given on the command line still win.
 */
export function withConfig<T>(
  y: Argv<T>,
  config: LoadedConfig | undefined,
  command: string,
  cwd: string,
): Argv<T> {
  if (!config) return y;
  const known = Object.keys(y.getOptions().key);
  return y.config(configDefaults(config, command, known, cwd));
}
