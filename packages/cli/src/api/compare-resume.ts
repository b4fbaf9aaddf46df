import { errors } from "@lrsim/core";
import type { Db } from "@lrsim/store";
import type { Protocol } from "./compare-protocol.ts";
import { comparisonRuns, storedComparison } from "./stored-result.ts";

/** How a comparison was set up, as `createComparison` recorded it: enough to run it again. */
interface ComparisonPlan extends Protocol {
  /** The schedules as run (protocol filled in). */
  readonly schedules: string[];
  readonly seeds: number[];
  readonly model: string;
  readonly dataset: string;
  readonly optimizer: string;
  readonly devices?: number;
  /** The simulated cluster's preset (absent in comparisons recorded before presets). */
  readonly cluster?: string;
}

/** A stored comparison to finish: its plan, the runs that ended, and the ones to train again. */
export interface ResumePlan {
  readonly plan: ComparisonPlan;
  /** Run ids of finished runs (completed, diverged or failed), by `schedule\u0000seed`. */
  readonly finished: Map<string, number>;
  /** Runs that were interrupted or left running: removed, then trained again. */
  readonly unfinished: number[];
}

/** The key of one (schedule, seed) cell of a comparison: the schedule as planned, not as canonicalised. */
export const cellKey = (schedule: string, seed: number) => `${schedule}\u0000${seed}`;

const FINISHED = new Set(["completed", "diverged", "failed"]);

/**
 * Reads what `lrsim compare --resume ID` needs: the comparison's recorded settings and which of
 * its (schedule, seed) runs finished. An unknown id, or a comparison recorded without its
 * plan, is a one-line error.
 */
export function resumePlan(db: Db, id: number): ResumePlan {
  const stored = storedComparison(db, id);
  const plan = stored.config as Partial<ComparisonPlan>;
  if (!Array.isArray(plan.schedules) || !Array.isArray(plan.seeds) || !plan.model || !plan.dataset)
    throw errors.invalidOption("resume", "the id of a comparison lrsim compare recorded", String(id));
  const finished = new Map<string, number>();
  const unfinished: number[] = [];
  for (const row of comparisonRuns(db, id)) {
    const key = cellKey(row.schedule, row.seed);
    if (!FINISHED.has(row.status)) unfinished.push(row.id);
    else if (!finished.has(key)) finished.set(key, row.id);
  }
  return { plan: plan as ComparisonPlan, finished, unfinished };
}
