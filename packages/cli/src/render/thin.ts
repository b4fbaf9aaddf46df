import { ordinal } from "@lrsim/core";

/** Rows a table prints before it is thinned (`--all` prints every one). */
export const MAX_ROWS = 40;

/**
 * Which of `count` rows a long table prints: every k-th and the last, so at most about
 * {@link MAX_ROWS} remain, unless `all`. `every` is 1 when nothing was left out.
 */
export function thinRows(count: number, all: boolean): { indices: number[]; every: number } {
  const every = all || count <= MAX_ROWS ? 1 : Math.ceil(count / MAX_ROWS);
  const indices: number[] = [];
  for (let i = 0; i < count; i += every) indices.push(i);
  if (count > 0 && indices.at(-1) !== count - 1) indices.push(count - 1);
  return { indices, every };
}

/** The line under a thinned table: "(every 8th epoch of 300 and the last; --all prints every one)". */
export function thinnedNote(every: number, unit: string, count: number, extra = ""): string {
  return every > 1
    ? `\n(every ${ordinal(every)} ${unit} of ${count} and the last; --all prints every one${extra})`
    : "";
}
