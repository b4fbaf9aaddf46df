// The piscina worker entry, plain JavaScript on purpose: on Node 20, tsx's ESM hooks are not
// inherited by worker threads, so when running from TypeScript source the worker registers
// them itself before loading worker.ts (and with them, users' .ts plugins). A build uses
// worker.js directly.
import { existsSync } from "node:fs";

const compiled = new URL("./worker.js", import.meta.url);
let worker;
if (existsSync(compiled)) {
  worker = await import(compiled.href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  worker = await import("./worker.ts");
}

export default worker.default;
