/**
 * @lrsim/core — learning-rate, batch-size and momentum schedules, their spec language,
 * and the plugin API shared by schedules, models and datasets.
 *
 * @packageDocumentation
 */
export {
  describeOptionProblem,
  ERROR_CODES,
  errorFromWire,
  errors,
  errorToWire,
  excerpt,
  isLrsimError,
  LrsimError,
  type OptionNamer,
  type WireError,
} from "./errors.ts";
export { createDenseNetwork } from "./nn/kernel.ts";
export { denseFlopsPerSample } from "./nn/layout.ts";
export {
  nativeDenseAddon,
  nativeKernelsOn,
  nativeKernelsUnavailable,
  type SlotReduction,
} from "./nn/native-module.ts";
export { denseKernelVariant, loadWasmModule } from "./nn/wasm-module.ts";
export { parameterGroupsOf } from "./optim/groups.ts";
export {
  allocateLocal,
  type OptimizerDefinition,
  type StepHyper,
} from "./optim/types.ts";
export { ParameterUpdate, updatePartialsLength } from "./optim/update.ts";
export { useUpdateKernelsOn } from "./optim/update-kernel.ts";
export { ancestorDirs, packagedFile } from "./paths.ts";
export { PluginCatalog, type PluginSource } from "./plugins/catalog.ts";
export { ChunkReader, isByteSplit } from "./plugins/chunk-reader.ts";
export type { ByteSplit, DataSplit, LossSum } from "./plugins/data.ts";
export type { Dataset, DatasetDefinition } from "./plugins/dataset.ts";
export {
  callHook,
  callLossHook,
  guardOptimizer,
  type ModelHookTarget,
  pluginLabel,
} from "./plugins/hooks.ts";
export { importModule } from "./plugins/import.ts";
export { defineModel, type ModelDefinition, type ModelInstance } from "./plugins/model.ts";
export { Registry } from "./plugins/registry.ts";
export { type PluginDefinitions, type PluginKind, shapeProblem } from "./plugins/shapes.ts";
export { createRng } from "./random.ts";
export { buildSchedule, fullSchema } from "./schedules/build.ts";
export {
  type DecaySolution,
  solveDecay,
} from "./schedules/decay-solver.ts";
export { smithMilestones } from "./schedules/milestones.ts";
export { type ScheduleSamples, sampleSchedule } from "./schedules/sample.ts";
export { defineSchedule, type ScheduleDefinition } from "./schedules/types.ts";
export type { SpecArg, SpecCall, SpecValue } from "./spec/ast.ts";
export { canonicalSpec } from "./spec/canonical.ts";
export { formatCall, formatNumber, formatString } from "./spec/format.ts";
export {
  type BoundParams,
  bindParams,
  type Param,
  type ParamSchema,
  param,
  signatureOf,
  typeOf,
} from "./spec/params.ts";
export { parseSpec, parseSpecList } from "./spec/parse.ts";
export { suggest } from "./spec/suggest.ts";
export { ordinal, plural } from "./text.ts";
export type { StepOutcome, TrainingBackend } from "./train/backend.ts";
export {
  allReduceMs,
  CLUSTER_PRESETS,
  ClusterClock,
  clusterModel,
  DEFAULT_CLUSTER_PRESET,
  parseClusterOption,
  SUSTAINED_FRACTION,
} from "./train/cluster.ts";
export {
  baseChunkSize,
  RUN_DEFAULTS,
  type RunOptions,
  resolveRunConfig,
  stepChunkSize,
} from "./train/config.ts";
export {
  averageGradient,
  chunkNoiseSample,
  measuresNoise,
  NORM_BLOCK,
  NoiseScaleTracker,
  noiseEstimates,
  squaredNormRange,
} from "./train/noise-scale.ts";
export {
  createOptimizer,
  FLOPS_PER_PARAMETER,
  initParameters,
  loadDataset,
  planRun,
  type RunPlan,
} from "./train/plan.ts";
export {
  findLr,
  type RangeTestOptions,
  type RangeTestResult,
  rangeTestLr,
} from "./train/range-test.ts";
export {
  HEADLINE_RULES,
  steepestIndex,
  suggestLearningRates,
  valleyIndex,
} from "./train/range-test-suggest.ts";
export { finalOf, runResultOf } from "./train/result.ts";
export { type BackendFactory, localBackend, Trainer, type TrainerObserver } from "./train/trainer.ts";
export type {
  EpochRecord,
  FinalMetrics,
  RunResult,
  RunSummary,
  StepRecord,
  TrainerEvents,
} from "./train/types.ts";
