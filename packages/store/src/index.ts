/**
 * @lrsim/store — the results database: one SQLite file (better-sqlite3), versioned migrations,
 * durable batched writes of runs as they happen, and read-only queries.
 *
 * @packageDocumentation
 */

export { mergeInto } from "./merge.ts";
export { type Db, databasePath, openResults } from "./open.ts";
export {
  getRun,
  isStale,
  listRuns,
  type RunFilter,
  type RunListing,
  readOnlyQuery,
  runEvaluations,
} from "./queries.ts";
export { createComparison, recordRangeTest } from "./records.ts";
export { RunWriter } from "./run-writer.ts";
export { SCHEMA_VERSION } from "./schema.ts";
export { fromReal, toReal } from "./values.ts";
