import { bindParams, parseSpec } from "@lrsim/core";
import { describe, expect, it } from "vitest";
import { mlp } from "../src/index.ts";
import { expectGradientMatchesFiniteDifferences, expectKernelsAgree, randomSplit } from "./gradient-check.ts";

const build = (spec: string, inputs: number, outputs: number, task: "regression" | "classification") =>
  mlp.create(bindParams("mlp", mlp.params, parseSpec(spec)) as never, { inputs, outputs, task });

for (const kernel of ["js", "wasm", "native"]) {
  describe(`mlp gradients equal finite differences (${kernel} kernel)`, () => {
    for (const activation of ["tanh", "sigmoid", "relu"]) {
      it(`classification, two hidden layers, ${activation}`, () => {
        expectGradientMatchesFiniteDifferences(
          build(`mlp(hidden=[5,4], activation=${activation}, kernel=${kernel})`, 3, 4, "classification"),
          randomSplit(40, 3, 4, "classification"),
        );
      });
    }
    it("classification with label smoothing 0.1", () => {
      expectGradientMatchesFiniteDifferences(
        build(
          `mlp(hidden=[5], activation=tanh, labelSmoothing=0.1, kernel=${kernel})`,
          3,
          4,
          "classification",
        ),
        randomSplit(40, 3, 4, "classification"),
      );
    });
    it("regression with two outputs", () => {
      expectGradientMatchesFiniteDifferences(
        build(`mlp(hidden=[6], activation=tanh, kernel=${kernel})`, 4, 2, "regression"),
        randomSplit(37, 4, 2, "regression"),
      );
    });
    it("more samples than one block, odd sizes", () => {
      expectGradientMatchesFiniteDifferences(
        build(`mlp(hidden=[3], activation=tanh, kernel=${kernel})`, 2, 3, "classification"),
        randomSplit(150, 2, 3, "classification"),
      );
    });
  });
}

it("label smoothing is refused on a regression task, where the loss is mean squared error", () => {
  expect(() => build("mlp(labelSmoothing=0.1)", 4, 2, "regression")).toThrow(
    "labelSmoothing applies to cross-entropy, but this dataset is a regression task",
  );
});

describe.each(["wasm", "native"])("the %s and portable kernels agree", (kernel) => {
  it.each([
    ["mlp(hidden=[128])", 784, 10, "classification", 200],
    ["mlp(hidden=[33,17], activation=tanh)", 29, 7, "classification", 131],
    ["mlp(hidden=[9], activation=sigmoid)", 6, 3, "regression", 70],
  ] as const)(
    "%s on %i inputs: losses, accuracy and gradients match to float32 rounding",
    (spec, inputs, outputs, task, n) => {
      const data = randomSplit(n, inputs, outputs, task, 3);
      expectKernelsAgree(
        build(spec.replace(")", ", kernel=js)"), inputs, outputs, task),
        build(spec.replace(")", `, kernel=${kernel})`), inputs, outputs, task),
        data,
        5,
      );
    },
  );
});
