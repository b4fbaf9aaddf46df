import { allReduceMs, ClusterClock, createRng, NoiseScaleTracker, noiseEstimates } from "@lrsim/core";
import { describe, expect, it } from "vitest";

describe("gradient noise scale (McCandlish et al. 2018)", () => {
  it("recovers B_simple = tr(S)/|G|^2 from small- and big-batch gradient norms", () => {
    // Per-sample gradients G + noise, noise ~ N(0, sigma^2 I) in d dimensions: tr(S) = d sigma^2.
    const d = 50;
    const sigma = 2;
    const G = Float64Array.from({ length: d }, (_, i) => (i % 2 ? 0.3 : -0.2));
    const gradSquared = G.reduce((s, g) => s + g * g, 0);
    const expected = (d * sigma * sigma) / gradSquared;
    const rng = createRng(11, "noise");
    const tracker = new NoiseScaleTracker(0.99);
    const small = 16;
    const chunks = 8;
    for (let step = 0; step < 3000; step++) {
      const big = new Float64Array(d);
      let smallSquared = 0;
      for (let c = 0; c < chunks; c++) {
        const chunk = new Float64Array(d);
        for (let k = 0; k < small; k++)
          for (let i = 0; i < d; i++) chunk[i] = chunk[i]! + G[i]! + sigma * rng.normal();
        let norm = 0;
        for (let i = 0; i < d; i++) {
          norm += (chunk[i]! / small) ** 2;
          big[i] = big[i]! + chunk[i]!;
        }
        smallSquared += norm / chunks;
      }
      const bigSquared = big.reduce((s, v) => s + (v / (small * chunks)) ** 2, 0);
      tracker.add({ small, smallSquared, big: small * chunks, bigSquared });
    }
    expect(tracker.value()! / expected).toBeGreaterThan(0.85);
    expect(tracker.value()! / expected).toBeLessThan(1.15);
  });

  it("the one-step estimators are unbiased in expectation on exact inputs", () => {
    // E|G_b|^2 = |G|^2 + tr(S)/b: feed exact expectations and get |G|^2 and tr(S) back.
    const g2 = 4;
    const trace = 300;
    const e = noiseEstimates({
      small: 10,
      smallSquared: g2 + trace / 10,
      big: 100,
      bigSquared: g2 + trace / 100,
    })!;
    expect(e.gradSquared).toBeCloseTo(g2, 12);
    expect(e.trace).toBeCloseTo(trace, 9);
    expect(noiseEstimates({ small: 64, smallSquared: 1, big: 64, bigSquared: 1 })).toBeUndefined();
  });

  it("is null until a step could be measured", () => {
    expect(new NoiseScaleTracker().value()).toBeNull();
  });
});

describe("simulated cluster time", () => {
  it("prices a ring all-reduce as 2(K-1) latencies plus 2(K-1)/K of the bytes over the bandwidth", () => {
    // 101,770 float32 parameters on 8 devices, 10 us, 10 GB/s:
    // 14 x 10 us = 0.14 ms; 14/8 x 407,080 B / 1e10 B/s = 0.0712 ms.
    expect(allReduceMs(101_770, { devices: 8, latencyUs: 10, bandwidthGBs: 10 })).toBeCloseTo(
      0.14 + (14 / 8) * 407_080 * 1e-7,
      9,
    );
    expect(allReduceMs(101_770, { devices: 1, latencyUs: 10, bandwidthGBs: 10 })).toBe(0);
  });

  it("charges each update its slowest device's share of the batch plus one all-reduce", () => {
    const model = { devices: 4, latencyUs: 100, bandwidthGBs: 1 };
    const clock = new ClusterClock(model, 1000);
    clock.addUpdate(128);
    clock.addUpdate(130); // the slowest device gets ceil(130/4) = 33 samples
    expect(clock.ms(0.01)).toBeCloseTo((32 + 33) * 0.01 + 2 * allReduceMs(1000, model), 12);
  });

  it("makes five times fewer, five times larger updates cheaper on a cluster at equal samples", () => {
    const model = { devices: 8, latencyUs: 10, bandwidthGBs: 10 };
    const small = new ClusterClock(model, 100_000);
    const large = new ClusterClock(model, 100_000);
    for (let i = 0; i < 500; i++) small.addUpdate(128);
    for (let i = 0; i < 100; i++) large.addUpdate(640);
    expect(large.ms(0.02)).toBeLessThan(small.ms(0.02));
  });
});
