import { bindParams, parseSpec } from "@lrsim/core";
import { describe, it } from "vitest";
import { expectGradientMatchesFiniteDifferences, randomSplit } from "../../../test/helpers/gradient-check.ts";
import { mlp } from "../src/index.ts";

const build = (spec: string, inputs: number, outputs: number, task: "regression" | "classification") =>
  mlp.create(bindParams("mlp", mlp.params, parseSpec(spec)) as never, { inputs, outputs, task });

describe("mlp gradients equal finite differences", () => {
  for (const activation of ["tanh", "sigmoid", "relu"]) {
    it(`classification, two hidden layers, ${activation}`, () => {
      expectGradientMatchesFiniteDifferences(
        build(`mlp(hidden=[5,4], activation=${activation})`, 3, 4, "classification"),
        randomSplit(40, 3, 4, "classification"),
      );
    });
  }
  it("regression with two outputs", () => {
    expectGradientMatchesFiniteDifferences(
      build("mlp(hidden=[6], activation=tanh)", 4, 2, "regression"),
      randomSplit(37, 4, 2, "regression"),
    );
  });
  it("more samples than one block of 32 rows", () => {
    expectGradientMatchesFiniteDifferences(
      build("mlp(hidden=[3], activation=tanh)", 2, 3, "classification"),
      randomSplit(100, 2, 3, "classification"),
    );
  });
});
