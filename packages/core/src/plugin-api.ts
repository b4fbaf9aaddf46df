/**
 * The plugin API: everything a model, dataset, schedule or optimizer plugin needs, and
 * nothing else — including the dense-network kernels the built-in `mlp` is made of (layers
 * forward and backward, activations, losses, parameter layout and initialisation), so a
 * model of your own is built from them rather than from hand-written loops. Published as
 * `lrsim/plugin`; the built-ins in `@lrsim/builtins` import only what is listed here, exactly
 * as a user's plugin does. Each export statement is tagged `@public`: knip (in `pnpm lint`)
 * then leaves them alone even where no built-in uses them, and the published list is pinned
 * name by name by test/installed-package.test.ts instead.
 *
 * @packageDocumentation
 */
/** @public */
export { ACTIVATIONS, type Activation, activate, backpropActivation } from "./nn/activations.ts";
/** @public */
export type { ConvKernels } from "./nn/conv-kernels.ts";
/** @public */
export {
  type ActivationStage,
  CONV_LAYERS,
  type ConvNetPlan,
  type ConvNetStage,
  type ConvStage,
  convLayersParam,
  type DenseStage,
  type FlattenStage,
  type PoolStage,
  planConvNet,
} from "./nn/conv-layers.ts";
/** @public */
export { createConvNetwork } from "./nn/conv-model.ts";
/** @public */
export { ConvNetwork } from "./nn/conv-network.ts";
/** @public */
export { type DenseLayer, denseBackward, denseForward, gatherRows } from "./nn/dense-layer.ts";
/** @public */
export { DenseNetwork } from "./nn/dense-network.ts";
/** @public */
export { createDenseNetwork, type DenseKernel, kernelParam, labelSmoothingParam } from "./nn/kernel.ts";
/** @public */
export { axpy, dot } from "./nn/kernels.ts";
/** @public */
export {
  type DenseLayout,
  denseLayers,
  denseLayout,
  denseParameterGroups,
  initDense,
  outputLoss,
} from "./nn/layout.ts";
/** @public */
export { type LossOptions, meanSquaredError, softmaxCrossEntropy } from "./nn/losses.ts";
/** @public */
export { type AdadeltaSettings, adadeltaUpdate } from "./optim/adadelta-update.ts";
/** @public */
export { type AdagradSettings, adagradUpdate } from "./optim/adagrad-update.ts";
/** @public */
export { type AdamSettings, adamUpdate } from "./optim/adam-update.ts";
/** @public */
export { forEachGroupIn } from "./optim/groups.ts";
/** @public */
export { type RmspropSettings, rmspropUpdate } from "./optim/rmsprop-update.ts";
/** @public */
export {
  type Allocate,
  defineOptimizer,
  type OptimizerDefinition,
  type OptimizerInstance,
  type OptimizerStatistics,
  type StepHyper,
} from "./optim/types.ts";
/** @public */
export { type SgdSettings, sgdUpdate } from "./optim/update-kernel.ts";
/** @public */
export type { ByteSplit, DataShape, DataSplit, ImageShape, LossSum, StoredSplit } from "./plugins/data.ts";
/** @public */
export { badDataFile } from "./plugins/data-file.ts";
/** @public */
export { type Dataset, type DatasetDefinition, defineDataset } from "./plugins/dataset.ts";
/** @public */
export {
  defineModel,
  type ModelDefinition,
  type ModelInstance,
  type ParameterGroup,
} from "./plugins/model.ts";
/** @public */
export { sharedBytes, sharedFloat32 } from "./plugins/share.ts";
/** @public */
export { splitSamples } from "./plugins/split.ts";
/** @public */
export { createRng, type Rng } from "./random.ts";
/** @public */
export { smithMilestones } from "./schedules/milestones.ts";
/** @public */
export {
  defineSchedule,
  type Schedule,
  type ScheduleContext,
  type ScheduleCurve,
  type ScheduleDefinition,
  type ScheduleUnit,
  type ScheduleValue,
} from "./schedules/types.ts";
/** @public */
export {
  type BooleanParam,
  type BoundParams,
  type ChoiceParam,
  type DefaultContext,
  type NumberListParam,
  type NumberParam,
  type Param,
  type ParamSchema,
  type ParamValues,
  param,
  type SpecListParam,
  type SpecParam,
  type StringParam,
} from "./spec/params.ts";
