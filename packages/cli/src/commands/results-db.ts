import { existsSync } from "node:fs";
import { errors } from "@lrsim/core";
import { type Db, databasePath, openResults } from "@lrsim/store";
import type { Argv } from "yargs";
import type { CliIo } from "../io.ts";

/** The `--db` option every results command takes. */
export function dbOption<T>(y: Argv<T>) {
  return y.option("db", {
    type: "string",
    describe: "Results database (default: $LRSIM_DB, else ./lrsim.db)",
  });
}

/** Opens the results database to read; a missing file is a one-line error, not an empty database. */
export function openToRead(option: string | undefined, io: CliIo, forWriting = false): Db {
  return openExisting(
    databasePath(option, io.env, io.cwd),
    " (lrsim run records runs there; --db or LRSIM_DB picks another)",
    forWriting,
  );
}

/** Opens an existing results database (read-only unless `forWriting`); a missing file is an error, `hint` appended. */
export function openExisting(path: string, hint = "", forWriting = false): Db {
  if (!existsSync(path)) throw errors.noDb(path, hint);
  return forWriting ? openResults(path) : openResults(path, { readonly: true });
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
  return [columns.map(field).join(","), ...rows.map((r) => r.map(field).join(","))].join("\n");
}
