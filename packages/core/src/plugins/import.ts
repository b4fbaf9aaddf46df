/**
 * Imports a user's module (a plugin or config file) and returns its exports as ESM sees them.
 * A file Node treats as CommonJS (a `.ts` or `.js` file in a folder whose package.json has no
 * `"type": "module"`, as `npm init` writes it) is compiled by tsx to CommonJS, so `import()`
 * gives `{ default: module.exports }` with the real exports, `default` among them, one level
 * down, marked `__esModule`: that level is returned instead, as bundlers do.
 */
export async function importModule(url: string): Promise<Record<string, unknown>> {
  const module = (await import(url)) as Record<string, unknown>;
  const cjs = module.default as Record<string, unknown> | null | undefined;
  return typeof cjs === "object" && cjs !== null && cjs.__esModule === true ? cjs : module;
}
