import Module, { createRequire, register } from "node:module";
import { packagedFile } from "@lrsim/core";

/**
 * lrsim's module hooks for users' plugin and config files, per thread: tsx (TypeScript files
 * on Node 20, which strips no types itself, with no flag for the user to add) and resolution of
 * `lrsim` and `lrsim/*` to the running package, so a loose plugin file with no node_modules of
 * its own still imports `lrsim/plugin`. Run from TypeScript source they are not needed: whoever
 * runs the source (tsx, vitest) already handles TypeScript, and the workspace resolves `lrsim`.
 */
const fromSource = import.meta.url.endsWith(".ts");
const INSTALLED = Symbol.for("lrsim.loaderHooks");
const PACKAGE_JSON = new URL("../package.json", import.meta.url).href;

/** What each worker thread imports first to install the same hooks (GradientPool's `preload`). */
export const WORKER_PRELOAD: readonly string[] = fromSource
  ? []
  : [packagedFile(import.meta.url, "./register.ts", "register.js").href];

/** Installs the hooks in this thread, once; every later `import()` of a plugin or config goes through them. */
export async function registerLoaderHooks(): Promise<void> {
  const thread = globalThis as Record<symbol, unknown>;
  if (fromSource || thread[INSTALLED]) return;
  thread[INSTALLED] = true;
  // Both halves of tsx, as `node --import tsx` does: a .ts file in a folder without
  // `"type": "module"` is CommonJS to Node, and Node's CommonJS loader reads it.
  (await import("tsx/esm/api")).register();
  (await import("tsx/cjs/api")).register();
  register(packagedFile(import.meta.url, "./lrsim-resolve.mjs", "lrsim-resolve.mjs"), {
    data: { packageJson: PACKAGE_JSON },
  });
  resolveLrsimInRequire();
}

/** Node's CommonJS resolver, which `module.register` hooks do not reach on Node 20. */
type ResolveFilename = (request: string, ...rest: unknown[]) => string;

/**
 * The same mapping for `require`: a plugin file in a folder with no `"type": "module"` is
 * CommonJS to Node, so tsx turns its `import ... from "lrsim/plugin"` into a `require`, which
 * Node 20 resolves without the hooks above. Node (20.19 and later) then `require`s the ESM
 * entry itself, the same module instance an `import` gets.
 */
function resolveLrsimInRequire(): void {
  const cjs = Module as typeof Module & { _resolveFilename: ResolveFilename };
  const fromLrsim = createRequire(PACKAGE_JSON);
  const resolveFilename = cjs._resolveFilename;
  let mapping = false; // fromLrsim.resolve comes back through here
  cjs._resolveFilename = function (this: unknown, request, ...rest) {
    if (mapping || !(request === "lrsim" || request.startsWith("lrsim/")))
      return resolveFilename.call(this, request, ...rest);
    mapping = true;
    try {
      return fromLrsim.resolve(request);
    } finally {
      mapping = false;
    }
  };
}
