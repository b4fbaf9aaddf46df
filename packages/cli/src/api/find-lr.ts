import { createCatalog } from "@lrsim/builtins";
import { type RangeTestOptions, type RangeTestResult, findLr as rangeTest } from "@lrsim/core";
import { GradientPool } from "@lrsim/parallel";
import { recordRangeTest } from "@lrsim/store";
import { WORKER_PRELOAD } from "../loader/hooks.ts";
import { type ExperimentOptions, openRecording } from "./common.ts";

/** Options of {@link findLr}: those of `lrsim find-lr`, camelCased. */
export interface FindLrOptions extends RangeTestOptions, Omit<ExperimentOptions, "signal"> {}

/** A finished range test, and where it was recorded. */
export interface FindLrResult extends RangeTestResult {
  /** Its id in the results database, or null when `db: false`. */
  readonly rangeTestId: number | null;
}

/**
 * The learning-rate range test, as `lrsim find-lr` runs it: the lr grows each mini-batch, the
 * smoothed loss is recorded, and three rules suggest a rate (`suggestedLr` is a tenth of the lr at the minimum, the rule that trains well on every built-in dataset).
 * Runs in the calling thread unless `workers` is given (small batches are fastest there).
 *
 * @example
 * const { suggestedLr } = await findLr({ model: "linear", dataset: "line", batchSize: 80 });
 */
export async function findLr(options: FindLrOptions): Promise<FindLrResult> {
  const pool = new GradientPool({ workers: options.workers ?? 0, preload: WORKER_PRELOAD });
  let result: RangeTestResult;
  try {
    result = await rangeTest(options, createCatalog(options.cwd ?? process.cwd()), pool.backend);
  } finally {
    await pool.close();
  }
  const recording = openRecording(options);
  if (!recording) return { ...result, rangeTestId: null };
  try {
    const rangeTestId = recordRangeTest(recording.db, {
      ...result,
      config: result.options,
      suggestions: { ...result.suggestions },
    });
    return { ...result, rangeTestId };
  } finally {
    recording.db.close();
  }
}
