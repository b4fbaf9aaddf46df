import { createCatalog } from "@lrsim/builtins";
import { type RangeTestOptions, type RangeTestResult, findLr as rangeTest } from "@lrsim/core";
import { recordRangeTest } from "@lrsim/store";
import { type ExperimentOptions, recordingPath } from "./common.ts";
import { withExperiment } from "./resources.ts";

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
  return withExperiment(
    { workers: options.workers ?? 0, db: recordingPath(options), signal: undefined },
    async (resources) => {
      const result = await rangeTest(
        options,
        createCatalog(options.cwd ?? process.cwd()),
        resources.pool.backend,
      );
      if (!resources.db) return { ...result, rangeTestId: null };
      const rangeTestId = recordRangeTest(resources.db, {
        ...result,
        config: result.options,
        suggestions: { ...result.suggestions },
      });
      return { ...result, rangeTestId };
    },
  );
}
