/** Column alignment: numbers read best right-aligned. */
type Align = "left" | "right";

export interface Column {
  readonly header: string;
  readonly align?: Align;
}

/**
 * Renders rows as a plain-text table with a header rule. Plain text on purpose: it pastes
 * into issues and notebooks, and `--json` exists for machines.
 */
export function renderTable(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  // Loops, not Math.max(...rows): a run's table can have a million rows, more than the stack holds.
  const widths = columns.map((c) => c.header.length);
  for (const r of rows)
    for (let i = 0; i < widths.length; i++) widths[i] = Math.max(widths[i]!, (r[i] ?? "").length);
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (columns[i]?.align === "right" ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  const lines = [line(columns.map((c) => c.header)), widths.map((w) => "-".repeat(w)).join("  ")];
  for (const r of rows) lines.push(line(r));
  return lines.join("\n");
}

/** Compact, exact-enough number text for tables: 6 significant digits, no trailing noise. */
export function formatCell(value: number | undefined): string {
  if (value === undefined) return "";
  if (Number.isNaN(value)) return "NaN";
  if (!Number.isFinite(value)) return value > 0 ? "Inf" : "-Inf";
  if (Number.isInteger(value) && Math.abs(value) < 1e9) return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e6)) return value.toExponential(4).replace(/\.?0+e/, "e");
  return String(Number(value.toPrecision(6)));
}
