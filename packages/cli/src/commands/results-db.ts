import { type Db, databasePath } from "@lrsim/store";
import type { Argv } from "yargs";
import { type DbMode, withDatabase } from "../api/resources.ts";
import type { CliIo } from "../io.ts";

/** The `--db` option every results command takes. */
export function dbOption<T>(y: Argv<T>) {
  return y.option("db", {
    type: "string",
    describe: "Results database (default: $LRSIM_DB, else ./lrsim.db)",
  });
}

/**
 * Opens the results database of `--db` (else `LRSIM_DB`, else ./lrsim.db) for `work` and
 * closes it after: read-only unless `mode` is "write"; a missing file is a one-line error, not
 * an empty database, and so is any SQLite failure (not a database, damaged, locked).
 */
export function useDatabase<T>(option: string | undefined, io: CliIo, mode: DbMode, work: (db: Db) => T): T {
  return withDatabase(
    databasePath(option, io.env, io.cwd),
    mode,
    work,
    " (lrsim run records runs there; --db or LRSIM_DB picks another)",
  );
}

/** A value as a table or CSV cell: numbers compact, NULL empty. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number")
    return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
  return String(value);
}

/** RFC 4180 CSV: quote fields holding commas, quotes or newlines. */
export function toCsv(columns: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const field = (v: unknown) => {
    const text = v === null || v === undefined ? "" : String(v);
    return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const lines = [columns.map(field).join(",")];
  for (const r of rows) lines.push(r.map(field).join(","));
  return lines.join("\n");
}
