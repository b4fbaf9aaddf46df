import { describe, it } from "vitest";
import { linear } from "../src/index.ts";
import { expectGradientMatchesFiniteDifferences, randomSplit } from "./gradient-check.ts";

describe("linear gradients equal finite differences", () => {
  it("one input, one output (the Learning Rate Finder article's line)", () => {
    expectGradientMatchesFiniteDifferences(
      linear.create({ kernel: "js" }, { inputs: 1, outputs: 1, task: "regression" }),
      randomSplit(20, 1, 1, "regression"),
    );
  });
  it("several inputs and outputs", () => {
    expectGradientMatchesFiniteDifferences(
      linear.create({ kernel: "js" }, { inputs: 5, outputs: 3, task: "regression" }),
      randomSplit(50, 5, 3, "regression"),
    );
  });
});
