import { bindParams, createRng, type LossSum, parseSpec } from "@lrsim/core";
import type { DataShape } from "@lrsim/core/plugin-api";
import { describe, expect, it } from "vitest";
import { cnn } from "../src/index.ts";
import { expectKernelsAgree, expectPiecewiseGradientMatches, randomSplit } from "./gradient-check.ts";

const image = (channels: number, height: number, width: number, outputs: number, task: DataShape["task"]) =>
  ({ inputs: channels * height * width, outputs, task, image: { channels, height, width } }) as const;

const build = (spec: string, shape: DataShape) =>
  cnn.create(bindParams("cnn", cnn.params, parseSpec(spec)) as never, shape);

const CASES: Array<[string, string, DataShape, number]> = [
  [
    "overlapping average pool",
    "conv(3, 2), tanh, avgpool(3, stride=2), dense(4), sigmoid",
    image(2, 8, 7, 3, "classification"),
    6,
  ],
  [
    "conv, relu, maxpool, dense on one channel",
    "conv(3, 3), relu, maxpool(2), dense(5), relu",
    image(1, 8, 8, 4, "classification"),
    11,
  ],
  [
    "two channels in, stride and padding, overlapping max pool, tanh",
    "conv(4, 3, stride=2, padding=1), tanh, maxpool(3, stride=1), conv(3, 2), sigmoid",
    image(2, 9, 7, 3, "classification"),
    9,
  ],
  [
    "average pool, explicit flatten, regression",
    "conv(2, 2), relu, avgpool(2), flatten, dense(4), tanh",
    image(3, 6, 6, 2, "regression"),
    7,
  ],
  [
    "more samples than one block",
    "conv(2, 3, padding=1), relu, maxpool(2), dense(3)",
    image(1, 6, 6, 3, "classification"),
    45,
  ],
  ["pooling straight on the input", "avgpool(2), conv(2, 2), relu", image(1, 6, 6, 3, "classification"), 6],
];

for (const kernel of ["js", "wasm"]) {
  describe(`cnn gradients equal finite differences (${kernel} kernel)`, () => {
    for (const [name, layers, shape, n] of CASES)
      it(name, () => {
        const model = build(`cnn(layers=[${layers}], kernel=${kernel})`, shape);
        expectPiecewiseGradientMatches(model, randomSplit(n, shape.inputs, shape.outputs, shape.task));
      });
    it("classification with label smoothing 0.1", () => {
      const shape = image(2, 7, 7, 4, "classification");
      const model = build(
        `cnn(layers=[conv(3, 3), tanh, avgpool(2), dense(5), tanh], labelSmoothing=0.1, kernel=${kernel})`,
        shape,
      );
      expectPiecewiseGradientMatches(model, randomSplit(37, shape.inputs, shape.outputs, shape.task));
    });
  });
}

describe("cnn label smoothing", () => {
  const shape = image(1, 8, 8, 3, "classification");
  const layers = "layers=[conv(2, 3), relu, maxpool(2), dense(4), relu]";
  const lossOf = (spec: string) => {
    const model = build(spec, shape);
    const params = new Float32Array(model.parameterCount);
    model.init(params, createRng(4, "init"));
    const data = randomSplit(20, shape.inputs, shape.outputs, shape.task, 5);
    const out: LossSum = { loss: 0, correct: 0 };
    model.evaluate(
      params,
      data,
      Int32Array.from({ length: 20 }, (_, i) => i),
      0,
      20,
      out,
    );
    return out.loss;
  };

  it("e = 0 is the plain loss to the bit, and e > 0 changes it", () => {
    const plain = lossOf(`cnn(${layers})`);
    expect(lossOf(`cnn(${layers}, labelSmoothing=0)`)).toBe(plain);
    expect(lossOf(`cnn(${layers}, labelSmoothing=0.2)`)).not.toBe(plain);
  });

  it("is refused on a regression task, where the loss is mean squared error", () => {
    expect(() => build(`cnn(${layers}, labelSmoothing=0.1)`, image(1, 8, 8, 2, "regression"))).toThrow(
      "labelSmoothing applies to cross-entropy, but this dataset is a regression task",
    );
  });
});

describe("cnn parameter groups", () => {
  it("each convolution's and dense layer's weights then bias, tiling the parameter vector in order", () => {
    const model = build(
      "cnn(layers=[conv(4, 3, padding=1), relu, maxpool(2), conv(6, 3), tanh, flatten, dense(16), relu])",
      image(2, 10, 10, 5, "classification"),
    );
    const groups = model.parameterGroups!;
    expect(groups.map((g, i) => g.from === (i === 0 ? 0 : groups[i - 1]!.to))).not.toContain(false);
    expect(groups.at(-1)!.to).toBe(model.parameterCount);
    expect(groups.map((g) => [g.name, g.kind, g.to - g.from])).toEqual([
      ["conv 1 weight", "weight", 4 * 2 * 3 * 3],
      ["conv 1 bias", "bias", 4],
      ["conv 2 weight", "weight", 6 * 4 * 3 * 3],
      ["conv 2 bias", "bias", 6],
      ["dense 1 weight", "weight", 16 * 6 * 3 * 3],
      ["dense 1 bias", "bias", 16],
      ["dense 2 weight", "weight", 5 * 16],
      ["dense 2 bias", "bias", 5],
    ]);
  });
});

describe("the WebAssembly SIMD and portable convolution kernels agree", () => {
  it.each([
    ["cnn", image(1, 28, 28, 10, "classification"), 70],
    [
      "cnn(layers=[conv(8, 3, padding=1), relu, maxpool(2), conv(12, 3, stride=2), tanh, avgpool(2), dense(16), relu])",
      image(3, 16, 16, 5, "classification"),
      41,
    ],
  ] as const)("%s: losses, accuracy and gradients match to float32 rounding", (spec, shape, n) => {
    const data = randomSplit(n, shape.inputs, shape.outputs, shape.task, 3);
    const withKernel = (k: string) =>
      build(spec.includes("(") ? spec.replace(/\)$/, `, kernel=${k})`) : `${spec}(kernel=${k})`, shape);
    expectKernelsAgree(withKernel("js"), withKernel("wasm"), data, 3);
  });
});
