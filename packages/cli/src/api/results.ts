import {
  type Db,
  databasePath,
  listRuns,
  type RunFilter,
  type RunListing,
  readOnlyQuery,
} from "@lrsim/store";
import { openExisting } from "./resources.ts";
import { comparisonRunIds, type StoredRunResult, storedResult } from "./stored-result.ts";

/** A results database opened for reading, as `lrsim runs` and `lrsim query` read it. */
export interface Results {
  /** The file. */
  readonly path: string;
  /** Runs, newest first, optionally filtered (status, schedule, comparison). */
  runs(filter?: RunFilter): RunListing[];
  /** One run as `lrsim run --json` printed it, rebuilt from the database. */
  run(id: number): StoredRunResult;
  /** The runs of a comparison, schedule by schedule, seed by seed, each with its `runId`. */
  comparison(id: number): Array<StoredRunResult & { readonly runId: number }>;
  /** A read-only SQL query; rows as objects keyed by column. */
  query(sql: string): Array<Record<string, unknown>>;
  /** The underlying better-sqlite3 connection (read-only), for anything else. */
  readonly db: Db;
  /** Closes the database. */
  close(): void;
}

/**
 * Opens a results database (default: `$LRSIM_DB`, else `./lrsim.db`) for reading. A missing
 * file is an error rather than an empty database.
 *
 * @example
 * const results = openResults("lrsim.db");
 * for (const r of results.runs({ status: "completed" })) console.log(r.id, r.schedule);
 * results.close();
 */
export function openResults(path?: string): Results {
  const file = databasePath(path, process.env, process.cwd());
  const db = openExisting(file);
  return {
    path: file,
    db,
    runs: (filter) => listRuns(db, filter),
    run: (id) => storedResult(db, id),
    comparison: (id) => comparisonRunIds(db, id).map((runId) => ({ ...storedResult(db, runId), runId })),
    query: (sql) => {
      const { columns, rows } = readOnlyQuery(db, sql);
      return rows.map((row) => Object.fromEntries(columns.map((c, i) => [c, row[i]])));
    },
    close: () => db.close(),
  };
}
