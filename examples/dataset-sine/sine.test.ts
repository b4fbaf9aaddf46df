import { describe, expect, it } from "vitest";
import sine from "./sine.js";

const defaults = { n: 200, frequency: 1, noise: 0.1, testFraction: 0.25, seed: 0 };

describe("example dataset plugin: sine", () => {
  it("splits n samples 3:1 with x in [-1, 1] and y near sin(pi x)", async () => {
    const data = await sine.load(defaults);
    expect(data.shape).toEqual({ inputs: 1, outputs: 1, task: "regression" });
    expect([data.train.size, data.test.size]).toEqual([150, 50]);
    for (const split of [data.train, data.test])
      for (let i = 0; i < split.size; i++) {
        expect(Math.abs(split.x[i]!)).toBeLessThanOrEqual(1);
        expect(Math.abs(split.y[i]! - Math.sin(Math.PI * split.x[i]!))).toBeLessThan(0.6); // 6 sigma
      }
  });

  it("is the same for the same seed and differs for another", async () => {
    const a = await sine.load(defaults);
    const b = await sine.load(defaults);
    const c = await sine.load({ ...defaults, seed: 1 });
    expect(b.train.x).toEqual(a.train.x);
    expect(b.test.y).toEqual(a.test.y);
    expect(c.train.x).not.toEqual(a.train.x);
  });

  it("without noise lies exactly on the curve", async () => {
    const data = await sine.load({ ...defaults, noise: 0, frequency: 2 });
    for (let i = 0; i < data.train.size; i++)
      expect(data.train.y[i]).toBeCloseTo(Math.sin(2 * Math.PI * data.train.x[i]!), 6);
  });
});
