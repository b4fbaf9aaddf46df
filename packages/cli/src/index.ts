/**
 * lrsim as a library. Everything a user needs comes from this one package:
 *
 * - the experiments, as the CLI runs them: {@link run}, {@link compare}, {@link findLr}, and
 *   {@link openResults} to read what they recorded;
 * - the plugin API for your own models, datasets and schedules: {@link defineModel},
 *   {@link defineDataset}, {@link defineSchedule}, {@link param}, {@link createRng}, and the
 *   dense-network kernels the built-in `mlp` is made of ({@link denseForward},
 *   {@link denseBackward}, {@link activate}, {@link outputLoss}, ...);
 * - the command line itself, in-process: {@link main}.
 *
 * The experiments and the CLI are loaded on first use, so a plugin that imports
 * `defineModel` from here (in every worker thread) pays only for the plugin API.
 *
 * @packageDocumentation
 */
import type { CompareOptions, CompareResult } from "./api/compare.ts";
import type { FindLrOptions, FindLrResult } from "./api/find-lr.ts";
import type { RunExperimentOptions, RunExperimentResult } from "./api/run.ts";
import type { CliIo } from "./io.ts";

export {
  ACTIVATIONS,
  type Activation,
  activate,
  axpy,
  backpropActivation,
  createDenseNetwork,
  createRng,
  type DataShape,
  type DataSplit,
  type DatasetDefinition,
  type DenseLayer,
  defineDataset,
  defineModel,
  defineSchedule,
  denseBackward,
  denseForward,
  denseLayers,
  denseLayout,
  type EpochRecord,
  gatherRows,
  initDense,
  kernelParam,
  type LossSum,
  type ModelDefinition,
  type ModelInstance,
  meanSquaredError,
  outputLoss,
  param,
  type RangeTestResult,
  type Rng,
  type RunResult,
  type ScheduleDefinition,
  type StepRecord,
  softmaxCrossEntropy,
  splitSamples,
} from "@lrsim/core";
export type { RunFilter, RunListing } from "@lrsim/store";
export type { ExperimentOptions } from "./api/common.ts";
export type { CompareOptions, CompareResult } from "./api/compare.ts";
export { COMPARE_DEFAULTS } from "./api/compare-defaults.ts";
export type { FindLrOptions, FindLrResult } from "./api/find-lr.ts";
export { openResults, type Results } from "./api/results.ts";
export type { RunExperimentOptions, RunExperimentResult } from "./api/run.ts";
export type { StoredRunResult, UnfinishedRun } from "./api/stored-result.ts";
export { defineConfig, type LrsimConfig } from "./config.ts";
export type { CliIo } from "./io.ts";

/**
 * Trains one model under one schedule, as `lrsim run` does: data-parallel on a worker pool,
 * recorded in the results database. A failed or diverged run resolves with that status (and
 * its error); only bad options reject.
 *
 * @example
 * const r = await run({ schedule: "onecycle(maxLr=0.5)", model: "mlp", dataset: "mnist", epochs: 5 });
 * console.log(r.status, r.final?.testAccuracy, r.updates);
 */
export async function run(options: RunExperimentOptions): Promise<RunExperimentResult> {
  return (await import("./api/run.ts")).run(options);
}

/**
 * Trains the same model under several schedules (and seeds), as `lrsim compare` does, and
 * records them as one comparison; bare schedule names follow Smith et al.'s protocol.
 *
 * @example
 * const { runs } = await compare({ schedules: ["step", "batchramp"], epochs: 10 });
 * for (const r of runs) console.log(r.schedule, r.final?.testAccuracy, r.updates);
 */
export async function compare(options: CompareOptions = {}): Promise<CompareResult> {
  return (await import("./api/compare.ts")).compare(options);
}

/**
 * The learning-rate range test, as `lrsim find-lr` runs it, with its three suggestions.
 *
 * @example
 * const { suggestedLr } = await findLr({ model: "linear", dataset: "line", batchSize: 80 });
 */
export async function findLr(options: FindLrOptions): Promise<FindLrResult> {
  return (await import("./api/find-lr.ts")).findLr(options);
}

/**
 * Runs the lrsim command line on `argv` (without `node` and the script) in-process and
 * returns the exit code; output goes to `io` (default: the real stdout and stderr).
 */
export async function main(argv: readonly string[], io?: CliIo): Promise<number> {
  return (await import("./main.ts")).main(argv, io);
}
