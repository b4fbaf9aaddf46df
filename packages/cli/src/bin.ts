#!/usr/bin/env node
import { registerLoaderHooks } from "./loader/hooks.ts";

// TypeScript plugins and config files, and their `import ... from "lrsim/plugin"`, with no flag.
await registerLoaderHooks();
const { main } = await import("./main.ts");

/** The `lrsim` executable: run, then exit with main's code once output has drained. */
process.exitCode = await main(process.argv.slice(2));
