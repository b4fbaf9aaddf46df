import { bindParams, type DataSplit, type Dataset, parseSpec } from "@lrsim/core";
import { describe, expect, it } from "vitest";
import { loadAllDigits, mnist } from "../src/index.ts";

/** mnist holds float32 features. */
const load = async (spec: string) =>
  (await mnist.load(bindParams("mnist", mnist.params, parseSpec(spec)) as never)) as Dataset<DataSplit>;

describe("mnist: the real digits of the mnist package", () => {
  it("holds 10,000 28x28 digits with pixel values in [0, 1] and every class", () => {
    const { x, y } = loadAllDigits();
    expect(y.length).toBe(10000);
    expect(x.length).toBe(10000 * 784);
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const v of x) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    expect([min, max]).toEqual([0, 1]);
    expect(new Set(y).size).toBe(10);
  });

  it("splits 8,000 / 2,000 by default, the same way every time, with no sample in both", async () => {
    const a = await load("mnist");
    const b = await load("mnist");
    expect([a.train.size, a.test.size]).toEqual([8000, 2000]);
    expect(a.shape).toEqual({
      inputs: 784,
      outputs: 10,
      task: "classification",
      image: { channels: 1, height: 28, width: 28 },
    });
    expect(Buffer.from(a.test.x.buffer).equals(Buffer.from(b.test.x.buffer))).toBe(true);
    const key = (x: Float32Array, i: number) =>
      Buffer.from(x.buffer, x.byteOffset + i * 784 * 4, 784 * 4).toString("base64");
    const train = new Set(Array.from({ length: a.train.size }, (_, i) => key(a.train.x, i)));
    const overlap = Array.from({ length: a.test.size }, (_, i) => key(a.test.x, i)).filter((k) =>
      train.has(k),
    ).length;
    expect(overlap).toBeLessThan(5); // the package has a handful of duplicate images, nothing more
    const other = await load("mnist(seed=1)");
    expect(Buffer.from(other.test.y.buffer).equals(Buffer.from(a.test.y.buffer))).toBe(false);
  });

  it("takes smaller splits", async () => {
    const d = await load("mnist(train=1000, test=500)");
    expect([d.train.size, d.test.size, d.train.x.length]).toEqual([1000, 500, 784000]);
  });
});
