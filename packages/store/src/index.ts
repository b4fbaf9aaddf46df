/**
 * @lrsim/store — the results database: one SQLite file (better-sqlite3), versioned migrations,
 * durable batched writes of runs as they happen, and read-only queries.
 *
 * @packageDocumentation
 */

export { checkMergeSource, type MergeReport, mergeAll, mergeInto } from "./merge.ts";
export {
  BUSY_TIMEOUT_MS,
  busyTimeoutMs,
  type Db,
  databasePath,
  type OpenOptions,
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
  type StalenessColumns,
} from "./queries.ts";
export {
  getComparison,
  getRangeTest,
  latestId,
  type RunTable,
  removeRuns,
  runRows,
  runSummary,
  runTable,
  type StoredRow,
} from "./reads.ts";
export { createComparison, type RangeTestRecord, recordRangeTest } from "./records.ts";
export { type RunContext, RunWriter } from "./run-writer.ts";
export { MIGRATIONS, SCHEMA_VERSION } from "./schema.ts";
export { explainSqliteError, isBusy, isFull, lockHolders, sqliteCode } from "./sqlite-errors.ts";
export { fromReal, toReal } from "./values.ts";
