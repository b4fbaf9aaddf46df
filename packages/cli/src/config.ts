import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { ancestorDirs, errors, importModule, suggest } from "@lrsim/core";
import type { Argv } from "yargs";

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
    throw errors.badConfig(file, loadProblem(cause), cause);
  }
  if (!isObject(values))
    throw errors.badConfig(
      file,
      `it must ${file.endsWith(".json") ? "hold a JSON object" : "export default an object (defineConfig({...}))"} of option defaults`,
    );
  return { file, values };
}

/**
 * What went wrong loading a config module, on one line: for a TypeScript file that does not
 * compile, esbuild's first error with its line and column (its message alone is only
 * "Transform failed with 1 error:"); otherwise the error's first line.
 */
function loadProblem(cause: unknown): string {
  const first = (
    cause as { errors?: Array<{ text?: string; location?: { line?: number; column?: number } }> }
  )?.errors?.[0];
  if (first?.text)
    return `${first.location ? `line ${first.location.line}, column ${(first.location.column ?? 0) + 1}: ` : ""}${first.text}`;
  const message = cause instanceof Error ? cause.message : String(cause);
  // esbuild's message carries "file:line:column: ERROR: text" on its second line.
  const detail = /:(\d+):(\d+): ERROR: (.*)/.exec(message);
  if (detail) return `line ${detail[1]}, column ${Number(detail[2]) + 1}: ${detail[3]}`;
  return message.split("\n")[0]!;
}

/**
 * Refuses config keys no lrsim command has (a misspelt `epochz`), and sections that are not
 * commands, with a suggestion. `options` maps each command to its option names.
 */
export function checkConfigKeys(config: LoadedConfig, options: ReadonlyMap<string, readonly string[]>): void {
  const all = new Set<string>(["config", "verbose"]);
  for (const names of options.values()) for (const n of names) all.add(n).add(camel(n));
  const known = [...all].filter((k) => !k.includes("-"));
  for (const [key, value] of Object.entries(config.values)) {
    if (options.has(key) && isObject(value)) continue;
    if (all.has(key)) continue;
    throw errors.unknownConfigKey(config.file, key, suggest(key, [...known, ...options.keys()])[0]);
  }
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
     * holds one entry per option name and alias; `number` and `array` list the options of
     * those types.
     */
    getOptions(): { key: Record<string, unknown>; number: string[]; array: string[] };
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
