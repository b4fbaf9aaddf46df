/**
 * @lrsim/core — learning-rate, batch-size and momentum schedules, their spec language,
 * and the plugin API shared by schedules, models and datasets.
 *
 * @packageDocumentation
 */
export { errors, isLrsimError, LrsimError } from "./errors.ts";
export { ACTIVATIONS, type Activation } from "./nn/activations.ts";
export { createDenseNetwork, type DenseKernel, kernelParam } from "./nn/kernel.ts";
export { loadWasmModule } from "./nn/wasm-module.ts";
export {
  type Allocate,
  allocateLocal,
  defineOptimizer,
  type OptimizerDefinition,
  type OptimizerInstance,
  type StepHyper,
} from "./optim/types.ts";
export { ancestorDirs, packagedFile } from "./paths.ts";
export { type DiscoveredPackage, PluginCatalog, type PluginSource } from "./plugins/catalog.ts";
export type { DataShape, DataSplit, LossSum } from "./plugins/data.ts";
export { type Dataset, type DatasetDefinition, defineDataset } from "./plugins/dataset.ts";
export {
  callHook,
  callLossHook,
  type ModelHookTarget,
  type PluginOrigin,
  pluginLabel,
} from "./plugins/hooks.ts";
export { importModule } from "./plugins/import.ts";
export { defineModel, type ModelDefinition, type ModelInstance } from "./plugins/model.ts";
export { type Named, Registry } from "./plugins/registry.ts";
export { type PluginDefinitions, type PluginKind, shapeProblem } from "./plugins/shapes.ts";
export { splitSamples } from "./plugins/split.ts";
export { createRng, type Rng } from "./random.ts";
export { buildSchedule, fullSchema, type ScheduleRegistry } from "./schedules/build.ts";
export { type DecaySolution, type Float32Check, solveDecay } from "./schedules/decay-solver.ts";
export { type ScheduleSamples, sampleSchedule } from "./schedules/sample.ts";
export {
  defineSchedule,
  type Schedule,
  type ScheduleContext,
  type ScheduleCurve,
  type ScheduleDefinition,
  type ScheduleUnit,
  type ScheduleValue,
} from "./schedules/types.ts";
export type {
  SpecArg,
  SpecBoolean,
  SpecCall,
  SpecList,
  SpecNumber,
  SpecString,
  SpecValue,
} from "./spec/ast.ts";
export { canonicalSpec } from "./spec/canonical.ts";
export { formatCall, formatNumber } from "./spec/format.ts";
export {
  type BooleanParam,
  bindParams,
  type ChoiceParam,
  type DefaultContext,
  type IsOptionalParam,
  type NumberListParam,
  type NumberParam,
  type Param,
  type ParamBase,
  type ParamSchema,
  type ParamValueOf,
  type ParamValues,
  param,
  type SpecListParam,
  type SpecParam,
  signatureOf,
  typeOf,
} from "./spec/params.ts";
export { parseSpec, parseSpecList } from "./spec/parse.ts";
export type { StepOutcome, TrainingBackend } from "./train/backend.ts";
export { allReduceMs, ClusterClock, type ClusterModel } from "./train/cluster.ts";
export {
  baseChunkSize,
  RUN_DEFAULTS,
  type RunConfig,
  type RunOptions,
  resolveRunConfig,
  stepChunkSize,
} from "./train/config.ts";
export {
  averageGradient,
  chunkNoiseSample,
  NORM_BLOCK,
  type NoiseSample,
  NoiseScaleTracker,
  noiseEstimates,
} from "./train/noise-scale.ts";
export {
  type Chosen,
  createOptimizer,
  initParameters,
  loadDataset,
  planRun,
  type RunPlan,
} from "./train/plan.ts";
export {
  findLr,
  type RangeTestOptions,
  type RangeTestResult,
  type RangeTestTrial,
  rangeTestLr,
} from "./train/range-test.ts";
export {
  type Suggestions,
  steepestIndex,
  suggestLearningRates,
  valleyIndex,
} from "./train/range-test-suggest.ts";
export { type BackendFactory, localBackend, Trainer } from "./train/trainer.ts";
export type {
  EpochRecord,
  Evaluation,
  RunResult,
  RunStatus,
  ScheduleReading,
  StepRecord,
  TrainerEvents,
} from "./train/types.ts";
