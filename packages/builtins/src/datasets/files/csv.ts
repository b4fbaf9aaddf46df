import { badDataFile } from "@lrsim/core/plugin-api";

/** A CSV file's cells, row by row, and the line each row came from (for messages). */
export interface CsvTable {
  readonly header: readonly string[] | undefined;
  readonly rows: readonly (readonly string[])[];
  readonly lines: readonly number[];
}

/** Splits one line into cells at `delimiter`, honouring double quotes ("a, b" and "" inside). */
function splitLine(line: string, delimiter: string): string[] {
  const cells: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === delimiter) {
      cells.push(cell.trim());
      cell = "";
    } else cell += c;
  }
  cells.push(cell.trim());
  return cells;
}

/** Whether a cell reads as a finite number. */
export const isNumeric = (cell: string) => cell !== "" && Number.isFinite(Number(cell));

/**
 * Parses CSV text (RFC 4180's quoting, one record per line, blank lines skipped). `header`:
 * "yes", "no", or "auto" (a first row with a cell that is not a number is a header). Every row
 * must have the header's (or the first row's) number of cells.
 */
export function parseCsv(
  text: string,
  file: string,
  delimiter: string,
  header: "auto" | "yes" | "no",
): CsvTable {
  const rows: string[][] = [];
  const lines: number[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === "") return;
    rows.push(splitLine(line, delimiter));
    lines.push(i + 1);
  });
  if (rows.length === 0) throw badDataFile(file, "is empty: expected a CSV file with one sample per line");
  const hasHeader = header === "yes" || (header === "auto" && rows[0]!.some((cell) => !isNumeric(cell)));
  const head = hasHeader ? rows.shift() : undefined;
  if (hasHeader) lines.shift();
  if (rows.length === 0) throw badDataFile(file, "has a header but no samples");
  const width = (head ?? rows[0]!).length;
  rows.forEach((row, i) => {
    if (row.length !== width)
      throw badDataFile(
        file,
        `line ${lines[i]} has ${row.length} cells, the ${head ? "header" : "first line"} ${width}`,
      );
  });
  return { header: head, rows, lines };
}
