// The piscina worker entry, plain JavaScript on purpose: on Node 20, module hooks (tsx's and
// lrsim's own) are not inherited by worker threads. From TypeScript source the worker registers
// tsx itself before loading worker.ts; in the published package (this file is copied beside the
// bundle's worker.js) the pool's `preload` modules install lrsim's hooks first.
import { existsSync } from "node:fs";
import { workerData } from "piscina";

const compiled = new URL("./worker.js", import.meta.url);
const fromSource = !existsSync(compiled);
if (fromSource) {
  const { register } = await import("tsx/esm/api");
  register();
}
for (const url of workerData?.preload ?? []) await import(url);
const worker = await import(fromSource ? "./worker.ts" : compiled.href);

/** The task handler piscina calls. @public */
export default worker.default;
