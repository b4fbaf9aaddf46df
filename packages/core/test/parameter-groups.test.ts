import { describe, expect, it } from "vitest";
import { forEachGroupIn, groupsProblem } from "../src/optim/groups.ts";
import type { ParameterGroup } from "../src/plugins/model.ts";

const g = (from: number, to: number, kind: ParameterGroup["kind"] = "weight"): ParameterGroup => ({
  from,
  to,
  kind,
  name: `${from}-${to}`,
});

describe("parameter groups", () => {
  it("a layout must tile [0, parameterCount) in order, with known kinds", () => {
    expect(groupsProblem([g(0, 6), g(6, 8, "bias")], 8)).toBeUndefined();
    expect(groupsProblem([], 8)).toBe("is not a non-empty array");
    expect(groupsProblem([g(0, 6), g(7, 8)], 8)).toBe(
      "has group 1 at [7, 8), expected a non-empty range starting at 6",
    );
    expect(groupsProblem([g(0, 6), g(6, 6)], 6)).toBe(
      "has group 1 at [6, 6), expected a non-empty range starting at 6",
    );
    expect(groupsProblem([g(0, 6)], 8)).toBe("ends at 6, not at parameterCount (8)");
    expect(groupsProblem([g(0, 8, "scale" as never)], 8)).toBe(
      'has group 0 of kind "scale", expected "weight", "bias" or "other"',
    );
  });

  it("forEachGroupIn visits the part of each group inside a slice, in order", () => {
    const seen: string[] = [];
    forEachGroupIn([g(0, 6), g(6, 8, "bias"), g(8, 20)], 5, 10, (group, index, lo, hi) =>
      seen.push(`${index}:${group.kind}:${lo}-${hi}`),
    );
    expect(seen).toEqual(["0:weight:5-6", "1:bias:6-8", "2:weight:8-10"]);
  });
});
