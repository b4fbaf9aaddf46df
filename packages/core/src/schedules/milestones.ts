import { errors } from "../errors.ts";
import type { DefaultContext } from "../spec/params.ts";

/** Where Smith et al. (ICLR 2018) decay or ramp: 30%, 60% and 80% of the run (epochs 60, 120, 160 of 200). */
const SMITH_FRACTIONS = [0.3, 0.6, 0.8] as const;

/**
 * Milestones default to Smith et al. (2018)'s protocol: 30%, 60% and 80% of the run, rounded,
 * then pushed apart so that they stay distinct and inside the run (`[1, 2, 3]` for 4 epochs).
 * A run shorter than 4 cannot hold three distinct milestones after its start: that throws a
 * one-line error rather than silently decaying fewer times. Undefined when the length is unknown.
 */
export function smithMilestones(context: DefaultContext): number[] | undefined {
  const length = context.length;
  if (length === undefined) return undefined;
  const needed = SMITH_FRACTIONS.length + 1;
  if (length < needed)
    throw errors.runTooShort(
      length,
      needed,
      `${SMITH_FRACTIONS.length} distinct milestones at 30/60/80% of it`,
    );
  const milestones: number[] = [];
  for (const [i, f] of SMITH_FRACTIONS.entries()) {
    const latest = length - (SMITH_FRACTIONS.length - i);
    milestones.push(Math.min(latest, Math.max(Math.round(f * length), (milestones.at(-1) ?? 0) + 1)));
  }
  return milestones;
}
