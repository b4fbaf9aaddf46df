/**
 * @lrsim/core — learning-rate, batch-size and momentum schedules, their spec language,
 * and the plugin API shared by schedules, models and datasets.
 *
 * @packageDocumentation
 */
export {
  describeOptionProblem,
  ERROR_CODES,
  type ErrorCode,
  errorFromWire,
  errors,
  errorToWire,
  excerpt,
  isLrsimError,
  LrsimError,
  MAX_QUOTED,
  type OptionNamer,
  type OptionProblem,
  type WireError,
} from "./errors.ts";
export { ACTIVATIONS, type Activation, activate, backpropActivation } from "./nn/activations.ts";
export { type DenseLayer, denseBackward, denseForward, gatherRows } from "./nn/dense-layer.ts";
export { DenseNetwork } from "./nn/dense-network.ts";
export { createDenseNetwork, type DenseKernel, kernelParam } from "./nn/kernel.ts";
export { axpy, dot } from "./nn/kernels.ts";
export {
  type DenseLayout,
  denseFlopsPerSample,
  denseLayers,
  denseLayout,
  initDense,
  outputLoss,
} from "./nn/layout.ts";
export { meanSquaredError, softmaxCrossEntropy } from "./nn/losses.ts";
export { WasmDenseNetwork } from "./nn/wasm-dense-network.ts";
export { loadWasmModule } from "./nn/wasm-module.ts";
export {
  type Allocate,
  allocateLocal,
  defineOptimizer,
  type OptimizerDefinition,
  type OptimizerInstance,
  type StepHyper,
} from "./optim/types.ts";
export { ancestorDirs } from "./paths.ts";
export {
  type DiscoveredPackage,
  installedPluginPackages,
  isPathName,
  PluginCatalog,
  type PluginSource,
  packageNameFor,
} from "./plugins/catalog.ts";
export type { DataShape, DataSplit, LossSum } from "./plugins/data.ts";
export { type Dataset, type DatasetDefinition, defineDataset } from "./plugins/dataset.ts";
export {
  callHook,
  callHookAsync,
  callLossHook,
  checkLossSum,
  type ModelHookTarget,
  nonFiniteGradient,
  type PluginOrigin,
  pluginLabel,
  resetLossSum,
  UNSET_LOSS,
} from "./plugins/hooks.ts";
export { defineModel, type ModelDefinition, type ModelInstance } from "./plugins/model.ts";
export { type Named, Registry } from "./plugins/registry.ts";
export { EXPECTED_SHAPE, type PluginDefinitions, type PluginKind, shapeProblem } from "./plugins/shapes.ts";
export { splitSamples } from "./plugins/split.ts";
export { createRng, type Rng } from "./random.ts";
export { buildSchedule, fullSchema, type ScheduleRegistry } from "./schedules/build.ts";
export {
  type DecaySolution,
  FLOAT32_SPACING_BELOW_ONE,
  type Float32Check,
  solveDecay,
} from "./schedules/decay-solver.ts";
export { SMITH_FRACTIONS, smithMilestones } from "./schedules/milestones.ts";
export { checkScheduleShape } from "./schedules/registry.ts";
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
export { formatCall, formatNumber, formatString, formatValue } from "./spec/format.ts";
export {
  type BooleanParam,
  type BoundParams,
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
  type StringParam,
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
  type ClusterModel,
  type ClusterPreset,
  type ClusterPresetName,
  clusterModel,
  DEFAULT_CLUSTER_PRESET,
  isClusterPreset,
  parseClusterOption,
  SUSTAINED_FRACTION,
} from "./train/cluster.ts";
export {
  AUTO_CHUNK_MAX,
  AUTO_CHUNK_MIN,
  baseChunkSize,
  RUN_DEFAULTS,
  type RunConfig,
  type RunOptions,
  resolveRunConfig,
  stepChunkSize,
} from "./train/config.ts";
export { LocalBackend } from "./train/local-backend.ts";
export {
  averageGradient,
  blockedSquaredNorm,
  chunkNoiseSample,
  NOISE_MIN_UPDATES,
  NORM_BLOCK,
  type NoiseSample,
  type NoiseScaleReading,
  NoiseScaleTracker,
  noiseEstimates,
} from "./train/noise-scale.ts";
export {
  type Chosen,
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
  type RangeTestTrial,
  rangeTestLr,
} from "./train/range-test.ts";
export {
  HEADLINE_RULES,
  headlineSuggestion,
  type Suggestions,
  steepestIndex,
  suggestLearningRates,
  valleyIndex,
} from "./train/range-test-suggest.ts";
export { finalOf, runResultOf } from "./train/result.ts";
export { type BackendFactory, localBackend, Trainer, type TrainerObserver, train } from "./train/trainer.ts";
export type {
  CompletedRun,
  DivergedRun,
  EpochRecord,
  Evaluation,
  FailedRun,
  FinalMetrics,
  InterruptedRun,
  RunResult,
  RunStatus,
  RunSummary,
  ScheduleReading,
  StepRecord,
  TrainerEvents,
} from "./train/types.ts";
