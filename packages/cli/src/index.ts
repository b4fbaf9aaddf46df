/**
 * The lrsim command line, importable: `main(argv)` runs it in-process.
 *
 * @packageDocumentation
 */
export { type CliIo, processIo } from "./io.ts";
export { EXIT, main } from "./main.ts";
export { type ChartOptions, renderChart, type Series } from "./render/chart.ts";
export { type Align, type Column, formatCell, renderTable } from "./render/table.ts";
