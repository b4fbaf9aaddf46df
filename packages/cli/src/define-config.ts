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
