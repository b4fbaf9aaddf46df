/**
 * The plugin API: everything a model, dataset, schedule or optimizer plugin needs, and
 * nothing else — including the dense-network kernels the built-in `mlp` is made of (layers
 * forward and backward, activations, losses, parameter layout and initialisation), so a
 * model of your own is built from them rather than from hand-written loops. Published as `lrsim/plugin`; the built-ins in `@lrsim/builtins` import only
 * what is listed here, exactly as a user's plugin does.
 *
 * @packageDocumentation
 */
export { ACTIVATIONS, type Activation, activate, backpropActivation } from "./nn/activations.ts";
export { type DenseLayer, denseBackward, denseForward, gatherRows } from "./nn/dense-layer.ts";
export { DenseNetwork } from "./nn/dense-network.ts";
export { createDenseNetwork, type DenseKernel, kernelParam } from "./nn/kernel.ts";
export { axpy, dot } from "./nn/kernels.ts";
export { type DenseLayout, denseLayers, denseLayout, initDense, outputLoss } from "./nn/layout.ts";
export { meanSquaredError, softmaxCrossEntropy } from "./nn/losses.ts";
export {
  type Allocate,
  defineOptimizer,
  type OptimizerDefinition,
  type OptimizerInstance,
  type StepHyper,
} from "./optim/types.ts";
export type { DataShape, DataSplit, LossSum } from "./plugins/data.ts";
export { type Dataset, type DatasetDefinition, defineDataset } from "./plugins/dataset.ts";
export { defineModel, type ModelDefinition, type ModelInstance } from "./plugins/model.ts";
export { splitSamples } from "./plugins/split.ts";
export { createRng, type Rng } from "./random.ts";
export { SMITH_FRACTIONS, smithMilestones } from "./schedules/milestones.ts";
export {
  defineSchedule,
  type Schedule,
  type ScheduleContext,
  type ScheduleCurve,
  type ScheduleDefinition,
  type ScheduleUnit,
  type ScheduleValue,
} from "./schedules/types.ts";
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
