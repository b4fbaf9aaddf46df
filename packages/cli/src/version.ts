import { readFileSync } from "node:fs";

/** lrsim's version, read from the cli package's package.json (recorded with every run later). */
export const version: string = (
  JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }
).version;
