/** Levenshtein distance; small strings only (names and parameter names). */
function editDistance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0]!;
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j]!;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      previous[j] = Math.min(above + 1, previous[j - 1]! + 1, diagonal + cost);
      diagonal = above;
    }
  }
  return previous[b.length]!;
}

/**
 * The known names closest to a misspelt one, for "did you mean" hints: case-insensitive
 * prefix matches first, then names within an edit distance of about a third of the length.
 */
export function suggest(input: string, known: readonly string[]): string[] {
  const lower = input.toLowerCase();
  const scored = known
    .map((name) => {
      const candidate = name.toLowerCase();
      const prefix = candidate.startsWith(lower) || lower.startsWith(candidate);
      return { name, distance: prefix ? 0 : editDistance(lower, candidate) };
    })
    .filter((s) => s.distance <= Math.max(2, Math.floor(input.length / 3)))
    .sort((x, y) => x.distance - y.distance || x.name.localeCompare(y.name));
  return scored.slice(0, 2).map((s) => s.name);
}
