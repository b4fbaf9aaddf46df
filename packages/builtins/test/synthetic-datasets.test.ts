import { bindParams, type DataSplit, type Dataset, type DatasetDefinition, parseSpec } from "@lrsim/core";
import { describe, expect, it } from "vitest";
import { blobs, line, spirals, teacher } from "../src/index.ts";

/** Synthetic sets hold float32 features. */
const load = (definition: DatasetDefinition, spec: string) =>
  definition.load(
    bindParams(definition.name, definition.params, parseSpec(spec)) as never,
  ) as Dataset<DataSplit>;

describe("synthetic datasets", () => {
  it("line is the Learning Rate Finder article's x = linspace(0, 10, 100), y = 2.5x", () => {
    const d = load(line as unknown as DatasetDefinition, "line");
    expect(d.train.size + d.test.size).toBe(100);
    const xs = [...d.train.x, ...d.test.x].sort((a, b) => a - b);
    expect(xs[0]).toBe(0);
    expect(xs[99]).toBe(10);
    expect(xs[1]).toBeCloseTo(10 / 99, 6);
    d.train.x.forEach((x, i) => {
      expect(d.train.y[i]).toBeCloseTo(2.5 * x, 5);
    });
  });

  it.each([
    [blobs, "blobs(n=300, classes=4, features=3)", { inputs: 3, outputs: 4, task: "classification" }, 300],
    [spirals, "spirals(n=450)", { inputs: 2, outputs: 3, task: "classification" }, 450],
    [
      teacher,
      "teacher(n=100000, inputs=8, outputs=5)",
      { inputs: 8, outputs: 5, task: "classification" },
      100000,
    ],
    [
      teacher,
      "teacher(n=500, outputs=2, task=regression)",
      { inputs: 20, outputs: 2, task: "regression" },
      500,
    ],
  ])("%s: shape, size, determinism", (definition, spec, shape, n) => {
    const a = load(definition as unknown as DatasetDefinition, spec);
    const b = load(definition as unknown as DatasetDefinition, spec);
    expect(a.shape).toEqual(shape);
    expect(a.train.size + a.test.size).toBe(n);
    expect(Array.from(a.test.y.slice(0, 50))).toEqual(Array.from(b.test.y.slice(0, 50)));
    if (shape.task === "classification") expect(new Set(a.train.y).size).toBe(shape.outputs);
  });
});
