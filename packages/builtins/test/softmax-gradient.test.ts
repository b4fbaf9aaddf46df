import { describe, it } from "vitest";
import { softmax } from "../src/index.ts";
import { expectGradientMatchesFiniteDifferences, randomSplit } from "./gradient-check.ts";

describe("softmax regression gradients equal finite differences", () => {
  it("4 features, 5 classes", () => {
    expectGradientMatchesFiniteDifferences(
      softmax.create({ kernel: "js", labelSmoothing: 0 }, { inputs: 4, outputs: 5, task: "classification" }),
      randomSplit(60, 4, 5, "classification"),
    );
  });
  it("with label smoothing 0.2, both kernels", () => {
    for (const kernel of ["js", "wasm"] as const)
      expectGradientMatchesFiniteDifferences(
        softmax.create({ kernel, labelSmoothing: 0.2 }, { inputs: 4, outputs: 5, task: "classification" }),
        randomSplit(60, 4, 5, "classification"),
      );
  });
});
