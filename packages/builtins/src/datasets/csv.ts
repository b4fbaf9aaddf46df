import { badDataFile, type DataShape, defineDataset, param } from "@lrsim/core/plugin-api";
import { assemble, fileDatasetOptions, fileDatasetParams, type Samples } from "./files/assemble.ts";
import { type CsvTable, isNumeric, parseCsv } from "./files/csv.ts";
import { readDataFile } from "./files/read-file.ts";

/** The index of the target column: a header name, a 1-based number, or (empty) the last column. */
function targetColumn(table: CsvTable, target: string, file: string): number {
  const width = table.rows[0]!.length;
  if (target === "") return width - 1;
  const named = table.header?.indexOf(target) ?? -1;
  if (named >= 0) return named;
  const n = Number(target);
  if (Number.isInteger(n) && n >= 1 && n <= width) return n - 1;
  throw badDataFile(
    file,
    `has no column "${target}"; give target= ${table.header ? `one of ${table.header.join(", ")} or ` : ""}a column number 1..${width}`,
  );
}

/** Feature cells as numbers; a cell that is not one is a one-line error naming line and column. */
function features(table: CsvTable, target: number, file: string): Float32Array {
  const width = table.rows[0]!.length;
  const inputs = width - 1;
  const x = new Float32Array(table.rows.length * inputs);
  table.rows.forEach((row, r) => {
    let f = 0;
    for (let c = 0; c < width; c++) {
      if (c === target) continue;
      const cell = row[c]!;
      if (!isNumeric(cell)) {
        const column = table.header ? `column "${table.header[c]}"` : `column ${c + 1}`;
        throw badDataFile(
          file,
          `line ${table.lines[r]}, ${column}: "${cell.slice(0, 40)}" is not a number (features must be numeric; make it the target= column or drop it)`,
        );
      }
      x[r * inputs + f++] = Number(cell);
    }
  });
  return x;
}

/** The class of each distinct target value: values sorted (as numbers when all are numbers), then numbered. */
function classIndex(values: readonly string[]): Map<string, number> {
  const distinct = [...new Set(values)];
  distinct.sort(distinct.every(isNumeric) ? (a, b) => Number(a) - Number(b) : undefined);
  return new Map(distinct.map((v, i) => [v, i]));
}

/**
 * Tabular data from CSV files: one sample per line, numeric features, and a target column that
 * is a class (any text or number: the distinct values, sorted, become classes 0, 1, ...) or a
 * regression target.
 */
export const csv = defineDataset({
  name: "csv",
  summary:
    "Tabular samples from a CSV file: numeric features and a target column (classification or regression).",
  params: {
    path: param.string({
      doc: "The CSV file of training samples (or of all samples, with a seeded hold-out).",
      path: true,
    }),
    testPath: param.string({ doc: "A CSV file of test samples, same columns.", path: true, optional: true }),
    target: param.string({
      doc: "The target column: its header name or its number from 1; default: the last column.",
      default: "",
    }),
    task: param.choice(["classification", "regression"], {
      doc: "What the target is: a class, or a number to predict.",
      default: "classification",
    }),
    header: param.choice(["auto", "yes", "no"], {
      doc: "Whether the first line names the columns; auto: when one of its cells is not a number.",
      default: "auto",
    }),
    delimiter: param.string({ doc: "The cell separator (one character).", default: "," }),
    ...fileDatasetParams("standard", "Feature scaling."),
  },
  load: (p) => {
    if (p.delimiter.length !== 1)
      throw new RangeError(`delimiter must be one character, got "${p.delimiter}"`);
    const read = (file: string) =>
      parseCsv(new TextDecoder().decode(readDataFile(file)), file, p.delimiter, p.header);
    const trainTable = read(p.path);
    const testTable = p.testPath === undefined ? undefined : read(p.testPath);
    const column = targetColumn(trainTable, p.target, p.path);
    if (testTable && testTable.rows[0]!.length !== trainTable.rows[0]!.length)
      throw badDataFile(
        p.testPath!,
        `has ${testTable.rows[0]!.length} columns, ${p.path} has ${trainTable.rows[0]!.length}`,
      );
    const tables = [trainTable, testTable].filter((t) => t !== undefined);
    const files = [p.path, p.testPath];
    const classes =
      p.task === "classification"
        ? classIndex(tables.flatMap((t) => t.rows.map((r) => r[column]!)))
        : undefined;
    const samples = tables.map((table, t): Samples => {
      const y = Float32Array.from(table.rows, (row, r) => {
        const cell = row[column]!;
        if (classes) return classes.get(cell)!;
        if (!isNumeric(cell))
          throw badDataFile(
            files[t]!,
            `line ${table.lines[r]}: target "${cell.slice(0, 40)}" is not a number (task=regression)`,
          );
        return Number(cell);
      });
      return { count: table.rows.length, x: features(table, column, files[t]!), y };
    });
    const shape: DataShape = {
      inputs: trainTable.rows[0]!.length - 1,
      outputs: classes ? classes.size : 1,
      task: p.task,
    };
    if (shape.inputs < 1) throw badDataFile(p.path, "has only the target column: no features");
    return assemble({
      shape,
      train: samples[0]!,
      test: samples[1],
      ...fileDatasetOptions(p),
      description: `CSV ${p.path}`,
    });
  },
});
