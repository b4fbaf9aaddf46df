/**
 * lrsim as a library. Everything a user needs comes from this one package:
 *
 * - the experiments, as the CLI runs them: {@link run}, {@link compare}, {@link findLr}, and
 *   {@link openResults} to read what they recorded;
 * - the plugin API for your own models, datasets and schedules: {@link defineModel},
 *   {@link defineDataset}, {@link defineSchedule}, {@link param}, {@link createRng};
 * - the command line itself, in-process: {@link main}.
 *
 * @packageDocumentation
 */
export {
  createRng,
  type DataShape,
  type DataSplit,
  type DatasetDefinition,
  defineDataset,
  defineModel,
  defineSchedule,
  type LossSum,
  type ModelDefinition,
  type ModelInstance,
  param,
  type Rng,
  type RunResult,
  type ScheduleDefinition,
} from "@lrsim/core";
export { type CliIo, processIo } from "./io.ts";
export { EXIT, main } from "./main.ts";
export { type ChartOptions, renderChart, type Series } from "./render/chart.ts";
export { type Align, type Column, formatCell, renderTable } from "./render/table.ts";
