/**
 * @lrsim/store — the results database: one SQLite file (better-sqlite3), versioned migrations,
 * durable batched writes of runs as they happen, and read-only queries.
 *
 * @packageDocumentation
 */

export { checkMergeSource, mergeAll, mergeInto } from "./merge.ts";
export {
  busyTimeoutMs,
  type Db,
  databasePath,
  openResults,
  openResultsWhenFree,
  setBusyWait,
} from "./open.ts";
export {
  getRun,
  isStale,
  listRuns,
  type RunFilter,
  type RunListing,
  readOnlyQuery,
  runEvaluations,
} from "./queries.ts";
export {
  comparisonRunRows,
  getComparison,
  getRangeTest,
  latestId,
  removeRuns,
  runRows,
  runSummary,
  runTable,
} from "./reads.ts";
export { createComparison, recordRangeTest } from "./records.ts";
export { RunWriter } from "./run-writer.ts";
export { SCHEMA_VERSION } from "./schema.ts";
export { explainSqliteError, lockHolders } from "./sqlite-errors.ts";
export {
  createSweep,
  getSweep,
  recordedKeys,
  recordSweepRunOnce,
  type SweepRunResult,
  sweepRunResults,
} from "./sweeps.ts";
export { fromReal, toReal } from "./values.ts";
