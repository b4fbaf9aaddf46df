/**
 * @lrsim/core — learning-rate, batch-size and momentum schedules, their spec language,
 * and the plugin API shared by schedules, models and datasets.
 *
 * @packageDocumentation
 */
export { errors, isLrsimError, LrsimError } from "./errors.ts";
export { type Named, Registry } from "./plugins/registry.ts";
export { buildSchedule, fullSchema, type ScheduleRegistry } from "./schedules/build.ts";
export { builtinSchedules } from "./schedules/builtin/index.ts";
export {
  type DecaySolution,
  FLOAT32_SPACING_BELOW_ONE,
  type Float32Check,
  solveDecay,
} from "./schedules/decay-solver.ts";
export { checkScheduleShape, createScheduleRegistry } from "./schedules/registry.ts";
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
export { formatCall, formatNumber, formatValue } from "./spec/format.ts";
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
export { suggest } from "./spec/suggest.ts";
