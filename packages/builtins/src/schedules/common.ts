import { type DefaultContext, param, smithMilestones } from "@lrsim/core/plugin-api";

/** The initial learning rate most schedules take. */
export const lrParam = param.number({
  doc: "Initial learning rate.",
  default: 0.1,
  min: 0,
  exclusiveMin: true,
});

/** The multiplicative decay factor of step-like schedules. */
export const gammaParam = param.number({
  doc: "Multiplicative factor per decay.",
  default: 0.1,
  min: 0,
  exclusiveMin: true,
});

export const milestonesParam = param.numbers({
  doc: "Increasing clock values at which the factor applies (default: 30%, 60%, 80% of the run).",
  integer: true,
  min: 0,
  exclusiveMin: true,
  increasing: true,
  default: smithMilestones,
  hint: "give milestones=[...] or a run length",
});

/** Number of milestones at or before `t` (Python's `bisect_right`). */
export function passedMilestones(milestones: readonly number[], t: number): number {
  let count = 0;
  for (const m of milestones) if (m <= t) count++;
  return count;
}

/** The run length left after `offset` ticks, for a child schedule that starts there. */
export function remaining(context: DefaultContext, offset: number): DefaultContext {
  return context.length === undefined ? {} : { length: Math.max(1, context.length - offset) };
}
