/**
 * SQLite has no NaN (it reads back as NULL), so lrsim stores a NaN in a REAL column as the text
 * 'NaN'; infinities are stored as SQLite's own +/-Inf. `fromReal` reverses the mapping, so every
 * number reads back as the same value.
 */
export function toReal(value: number | null | undefined): number | string | null {
  if (value === null || value === undefined) return null;
  return Number.isNaN(value) ? "NaN" : value;
}

/** Reads a REAL column back: the text 'NaN' as NaN, NULL as null, numbers as themselves. */
export function fromReal(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  if (value === "NaN") return Number.NaN;
  return typeof value === "number" ? value : Number(value);
}
