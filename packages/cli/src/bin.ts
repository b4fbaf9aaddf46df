#!/usr/bin/env node
import { main } from "./main.ts";

/** The `lrsim` executable: run, then exit with main's code once output has drained. */
process.exitCode = await main(process.argv.slice(2));
