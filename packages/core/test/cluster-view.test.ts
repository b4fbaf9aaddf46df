import { createCatalog } from "@lrsim/builtins";
import {
  allReduceMs,
  CLUSTER_PRESETS,
  ClusterClock,
  clusterModel,
  createDenseNetwork,
  createRng,
  defineModel,
  denseFlopsPerSample,
  FLOPS_PER_PARAMETER,
  NoiseScaleTracker,
  noiseEstimates,
  parseClusterOption,
  planRun,
  resolveRunConfig,
  SUSTAINED_FRACTION,
} from "@lrsim/core";
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
  const link = { sustainedTflops: 10, latencyUs: 10, bandwidthGBs: 10 };

  it("prices a ring all-reduce as 2(K-1) latencies plus 2(K-1)/K of the bytes over the bandwidth", () => {
    // 101,770 float32 parameters on 8 devices, 10 us, 10 GB/s:
    // 14 x 10 us = 0.14 ms; 14/8 x 407,080 B / 1e10 B/s = 0.0712 ms.
    expect(allReduceMs(101_770, { ...link, devices: 8 })).toBeCloseTo(0.14 + (14 / 8) * 407_080 * 1e-7, 9);
    expect(allReduceMs(101_770, { ...link, devices: 1 })).toBe(0);
  });

  it("charges each update its slowest device's FLOPs over the throughput plus one all-reduce", () => {
    const model = { devices: 4, sustainedTflops: 2, latencyUs: 100, bandwidthGBs: 1 };
    const clock = new ClusterClock(model, 1000, 6e6);
    clock.addUpdate(128);
    clock.addUpdate(130); // the slowest device gets ceil(130/4) = 33 samples
    // 6 MFLOP per sample at 2 TFLOP/s = 3 us = 0.003 ms.
    expect(clock.ms()).toBeCloseTo((32 + 33) * 0.003 + 2 * allReduceMs(1000, model), 12);
  });

  it("gives the same time for the same updates, whatever machine or order", () => {
    const model = clusterModel("a100-nvlink", 64);
    const a = new ClusterClock(model, 101_770, 6e5);
    const b = new ClusterClock(model, 101_770, 6e5);
    for (const batch of [128, 640, 128, 3200]) a.addUpdate(batch);
    for (const batch of [3200, 128, 640, 128]) b.addUpdate(batch);
    expect(a.ms()).toBe(b.ms());
  });

  it("makes five times fewer, five times larger updates cheaper, and most on a slow link", () => {
    const speedUp = (preset: string) => {
      const model = clusterModel(preset, 8);
      const small = new ClusterClock(model, 100_000, 6e5);
      const large = new ClusterClock(model, 100_000, 6e5);
      for (let i = 0; i < 500; i++) small.addUpdate(128);
      for (let i = 0; i < 100; i++) large.addUpdate(640);
      return small.ms() / large.ms();
    };
    expect(speedUp("a100-nvlink")).toBeGreaterThan(1);
    expect(speedUp("cpu-10gbe")).toBeGreaterThan(speedUp("a100-nvlink"));
    expect(speedUp("cpu-10gbe")).toBeLessThanOrEqual(5);
  });

  it("reads --cluster as devices and a preset, and refuses anything else in one line", () => {
    expect(parseClusterOption("devices=64, preset=a100-nvlink")).toEqual({
      devices: 64,
      preset: "a100-nvlink",
    });
    expect(parseClusterOption("cpu-10gbe")).toEqual({ preset: "cpu-10gbe" });
    expect(() => parseClusterOption("devices=0")).toThrow(/cluster must be "devices=K, preset=NAME"/);
    expect(() => parseClusterOption("preset=tpu")).toThrow(/v100-nvlink, a100-nvlink/);
    expect(() => clusterModel("tpu", 8)).toThrow(/cluster must be one of/);
  });

  it("counts a dense network's FLOPs per sample the same in both kernels, and assumes 6 per parameter otherwise", async () => {
    // 784 -> 10: forward 2*7840, weight gradient 2*7840, no input gradient.
    expect(denseFlopsPerSample([784, 10])).toBe(31_360);
    expect(denseFlopsPerSample([784, 128, 10])).toBe(2 * 784 * 128 * 2 + 2 * 128 * 10 * 3);
    const shape = { inputs: 784, outputs: 10, task: "classification" } as const;
    expect(createDenseNetwork([784, 128, 10], "relu", shape, "js").flopsPerSample).toBe(
      createDenseNetwork([784, 128, 10], "relu", shape, "wasm").flopsPerSample,
    );
    const catalog = createCatalog();
    const plan = await planRun(resolveRunConfig({ model: "softmax", dataset: "blobs" }), catalog);
    expect([plan.flopsPerSample, plan.flopsReported]).toEqual([denseFlopsPerSample([2, 3]), true]);
    const silent = defineModel({
      name: "silent",
      summary: "a softmax that does not report its FLOPs",
      tasks: ["classification"],
      params: {},
      // Planning only creates an instance and reads its size: nothing here is ever trained.
      create: (_params, s) => ({
        parameterCount: (s.inputs + 1) * s.outputs,
        init: () => {},
        gradient: () => {},
        evaluate: () => {},
      }),
    });
    catalog.registries.model.register(silent);
    const fallback = await planRun(resolveRunConfig({ model: "silent", dataset: "blobs" }), catalog);
    expect([fallback.flopsPerSample, fallback.flopsReported]).toEqual([FLOPS_PER_PARAMETER * 9, false]);
  });

  it("assumes every preset sustains the same share of its datasheet peak", () => {
    for (const [name, preset] of Object.entries(CLUSTER_PRESETS))
      expect(clusterModel(name, 2).sustainedTflops).toBeCloseTo(preset.peakTflops * SUSTAINED_FRACTION, 12);
  });
});
