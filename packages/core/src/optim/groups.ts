import type { ModelInstance, ParameterGroup } from "../plugins/model.ts";

/**
 * Calls `visit(group, index, lo, hi)` for each parameter group overlapping `[from, to)`, with
 * `[lo, hi)` the overlap, in order. How per-group optimizers walk a slice: a worker's slice or
 * a norm block may start or end inside a group.
 */
export function forEachGroupIn(
  groups: readonly ParameterGroup[],
  from: number,
  to: number,
  visit: (group: ParameterGroup, index: number, lo: number, hi: number) => void,
): void {
  for (let g = 0; g < groups.length; g++) {
    const group = groups[g]!;
    if (group.to <= from) continue;
    if (group.from >= to) break;
    visit(group, g, Math.max(from, group.from), Math.min(to, group.to));
  }
}

/** The model's parameter groups, or the whole vector as one `weight` group when it gives none. */
export function parameterGroupsOf(model: ModelInstance): readonly ParameterGroup[] {
  return model.parameterGroups ?? [{ from: 0, to: model.parameterCount, kind: "weight", name: "parameters" }];
}

/**
 * Why `groups` is not a valid layout of `parameterCount` parameters (they must tile
 * `[0, parameterCount)` in order, each non-empty, with a known kind), or undefined when it is.
 */
export function groupsProblem(groups: readonly ParameterGroup[], parameterCount: number): string | undefined {
  if (!Array.isArray(groups) || groups.length === 0) return "is not a non-empty array";
  let next = 0;
  for (const [i, g] of groups.entries()) {
    if (!g || g.from !== next || !Number.isInteger(g.to) || g.to <= g.from)
      return `has group ${i} at [${g?.from}, ${g?.to}), expected a non-empty range starting at ${next}`;
    if (g.kind !== "weight" && g.kind !== "bias" && g.kind !== "other")
      return `has group ${i} of kind ${JSON.stringify(g.kind)}, expected "weight", "bias" or "other"`;
    next = g.to;
  }
  return next === parameterCount ? undefined : `ends at ${next}, not at parameterCount (${parameterCount})`;
}
