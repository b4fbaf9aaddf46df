import type { ScheduleDefinition } from "@lrsim/core/plugin-api";
import { batchRamp } from "./batch-ramp.ts";
import { constant } from "./constant.ts";
import { cosineAnnealing } from "./cosine.ts";
import { cosineRestarts } from "./cosine-restarts.ts";
import { cyclic } from "./cyclic.ts";
import { exponentialDecay } from "./exponential.ts";
import { hybrid } from "./hybrid.ts";
import { linearRamp } from "./linear.ts";
import { multiStepDecay } from "./multistep.ts";
import { oneCycle } from "./onecycle.ts";
import { plateau } from "./plateau.ts";
import { polynomialDecay } from "./polynomial.ts";
import { sequential } from "./sequential.ts";
import { smithOneCycle } from "./smith-one-cycle.ts";
import { stepDecay } from "./step.ts";
import { timeDecay } from "./timedecay.ts";
import { warmup } from "./warmup.ts";

/** Every built-in schedule, in the order `lrsim schedules` lists them. */
export const builtinSchedules: readonly ScheduleDefinition[] = [
  constant,
  stepDecay,
  multiStepDecay,
  exponentialDecay,
  timeDecay,
  linearRamp,
  polynomialDecay,
  cosineAnnealing,
  cosineRestarts,
  cyclic,
  oneCycle,
  smithOneCycle,
  warmup,
  sequential,
  plateau,
  batchRamp,
  hybrid,
];
