import { describe, expect, it } from "vitest";
import { expandGrid, gridWithDefaults } from "../src/sweep/grid.ts";
import {
  checkPluginSources,
  decodeResult,
  encodeResult,
  type SweepJobResult,
  validateJobData,
} from "../src/sweep/job.ts";
import { maskRedisUrl, parseRedisUrl, redisUrlOf, scrubPassword } from "../src/sweep/redis-url.ts";

describe("Redis URLs", () => {
  it("parses redis:// and rediss:// URLs with and without password and db", () => {
    expect(parseRedisUrl("redis://queue-host")).toMatchObject({
      host: "queue-host",
      port: 6379,
      db: 0,
      tls: false,
    });
    expect(parseRedisUrl("rediss://:p%40ss@10.0.0.2:6380/3")).toMatchObject({
      host: "10.0.0.2",
      port: 6380,
      db: 3,
      password: "p@ss",
      tls: true,
      masked: "rediss://:***@10.0.0.2:6380/3",
    });
    expect(parseRedisUrl("redis://me:pw@[::1]:7000")).toMatchObject({
      host: "::1",
      username: "me",
      masked: "redis://me:***@[::1]:7000",
    });
  });

  it("masks passwords everywhere, even in text that is not a valid URL", () => {
    expect(maskRedisUrl("redis://:hunter2@host:6379/0")).toBe("redis://:***@host:6379/0");
    expect(maskRedisUrl("redis://user:a@b@host")).toBe("redis://user:***@host");
    expect(maskRedisUrl("redis://host:6379")).toBe("redis://host:6379");
    expect(() => parseRedisUrl("redis://:hunter2@host:6379/x")).toThrow("redis://:***@host:6379/x");
    expect(() => parseRedisUrl("http://:hunter2@host")).toThrow(
      /a redis:\/\/ or rediss:\/\/ URL, got http:\/\/:\*\*\*@host/,
    );
    try {
      parseRedisUrl("redis://:hunter2@host:6379/x");
    } catch (error) {
      expect(String(error)).not.toContain("hunter2");
    }
    const target = parseRedisUrl("redis://:hunter2@host");
    expect(scrubPassword("WRONGPASS hunter2 rejected", target)).toBe("WRONGPASS *** rejected");
  });

  it("takes --redis, else LRSIM_REDIS", () => {
    expect(redisUrlOf("redis://a", { LRSIM_REDIS: "redis://b" })).toBe("redis://a");
    expect(redisUrlOf(undefined, { LRSIM_REDIS: "redis://b" })).toBe("redis://b");
    expect(redisUrlOf(undefined, { LRSIM_REDIS: " " })).toBeUndefined();
  });
});

describe("sweep jobs", () => {
  const [run] = expandGrid(gridWithDefaults({ schedules: ["step"], epochs: [5] }));
  const data = {
    v: 1,
    sweep: "0b9c8a52-3f4e-4a43-9a0e-96b1e3e2c6f1",
    key: run!.key,
    point: run!.point,
    options: run!.options,
  };

  it("accepts the data a coordinator enqueues", () => {
    expect(validateJobData("j1", structuredClone(data))).toEqual(data);
  });

  it("refuses data that is malformed, foreign or tampered with, naming the problem", () => {
    const bad = (change: (d: Record<string, unknown>) => void) => {
      const copy = structuredClone(data) as unknown as Record<string, unknown>;
      change(copy);
      return () => validateJobData("j1", copy);
    };
    expect(() => validateJobData("j1", "text")).toThrow(
      "job j1 is not an lrsim sweep run: its data is not an object",
    );
    expect(bad((d) => (d.v = 2))).toThrow("unknown format version 2");
    expect(bad((d) => (d.key = "zz"))).toThrow("key must be 20 hex digits");
    expect(bad((d) => ((d.options as Record<string, unknown>).epochs = -1))).toThrow(
      "options.epochs must be a non-negative integer",
    );
    expect(bad((d) => ((d.options as Record<string, unknown>).model = "x".repeat(5000)))).toThrow(
      "options.model must be a spec",
    );
    expect(bad((d) => ((d.options as Record<string, unknown>).shell = "rm -rf /"))).toThrow(
      'unknown field "shell"',
    );
    // Options changed after the key was computed: the key no longer names what would be trained.
    expect(bad((d) => ((d.options as Record<string, unknown>).model = "mlp"))).toThrow(
      "its key is not the identity of its options",
    );
  });

  it("carries gradient clipping, checked and bound to the key", () => {
    const [clipped] = expandGrid(gridWithDefaults({ schedules: ["step"], epochs: [5], clipGradNorm: 0.5 }));
    const job = { ...data, key: clipped!.key, options: clipped!.options };
    expect(validateJobData("j2", structuredClone(job)).options.clipGradNorm).toBe(0.5);
    const tampered = (clip: unknown) => () =>
      validateJobData("j2", { ...job, options: { ...job.options, clipGradNorm: clip } });
    expect(tampered(-1)).toThrow("options.clipGradNorm must be a finite number > 0 when present");
    expect(tampered("1")).toThrow("options.clipGradNorm must be a finite number > 0 when present");
    expect(tampered(2)).toThrow("its key is not the identity of its options");
  });

  it("refuses plugins by path unless the worker allows them", () => {
    const withPath = { ...run!.options, model: "./my-model.ts(scale=2)" };
    expect(() => checkPluginSources(withPath, false)).toThrow(
      "this worker does not load plugins by path (./my-model.ts): install the plugin as a package on this host, or start the worker with --allow-plugin-paths",
    );
    expect(() =>
      checkPluginSources({ ...run!.options, schedule: "warmup(steps=3, then=/tmp/evil.js)" }, false),
    ).toThrow("/tmp/evil.js");
    expect(() => checkPluginSources(withPath, true)).not.toThrow();
    expect(() => checkPluginSources({ ...run!.options, model: "polynomial" }, false)).not.toThrow();
  });

  it("sends results back with every number exact, NaN and infinities included", () => {
    const result = {
      v: 1,
      key: run!.key,
      worker: "h:1",
      workers: 1,
      start: null,
      steps: [
        {
          step: 1,
          epoch: 0.1,
          samples: 64,
          loss: Number.NaN,
          accuracy: -0,
          wallMs: 0.1 + 0.2,
          lr: Number.POSITIVE_INFINITY,
          batchSize: 64,
        },
      ],
      evaluations: [],
      result: { status: "diverged", error: null },
    } as unknown as SweepJobResult;
    const back = decodeResult(encodeResult(result));
    const step = back.steps[0]!;
    expect(step.loss).toBeNaN();
    expect(Object.is(step.accuracy, -0)).toBe(true);
    expect(step.lr).toBe(Number.POSITIVE_INFINITY);
    expect(step.wallMs).toBe(0.1 + 0.2);
  });
});
