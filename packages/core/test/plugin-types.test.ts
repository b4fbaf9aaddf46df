import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createCatalog } from "@lrsim/builtins";
import { type ModelDefinition, PluginCatalog, Trainer } from "@lrsim/core";
import { defineDataset, defineModel, defineOptimizer, defineSchedule, param } from "@lrsim/core/plugin-api";
import { describe, expect, expectTypeOf, it } from "vitest";

// A user's plugins, written as the docs show: typed schemas, hooks that read typed values.
const scaledLinear = defineModel({
  name: "scaled-linear",
  summary: "y = w x + b, initialised at w = start.",
  tasks: ["regression"],
  params: {
    start: param.number({ doc: "Initial w.", default: 0 }),
    init: param.choice(["zero", "start"], { doc: "How to initialise b.", default: "zero" }),
  },
  create: ({ start, init }, shape) => {
    expectTypeOf(start).toEqualTypeOf<number>();
    expectTypeOf(init).toEqualTypeOf<"zero" | "start">();
    return {
      parameterCount: shape.inputs + 1,
      init: (p) => {
        p.fill(start);
        if (init === "zero") p[shape.inputs] = 0;
      },
      gradient: (p, data, indices, from, to, grad, out) => {
        grad.fill(0);
        out.loss = 0;
        out.correct = 0;
        for (let k = from; k < to; k++) {
          const i = indices[k]!;
          const diff = p[0]! * data.x[i]! + p[1]! - data.y[i]!;
          out.loss += diff * diff;
          grad[0] = grad[0]! + 2 * diff * data.x[i]!;
          grad[1] = grad[1]! + 2 * diff;
        }
      },
      evaluate: (p, data, indices, from, to, out) => {
        out.loss = 0;
        out.correct = 0;
        for (let k = from; k < to; k++) {
          const i = indices[k]!;
          const diff = p[0]! * data.x[i]! + p[1]! - data.y[i]!;
          out.loss += diff * diff;
        }
      },
    };
  },
});

const tinyLine = defineDataset({
  name: "tiny-line",
  summary: "y = slope x on 40 points.",
  params: { slope: param.number({ doc: "Slope.", default: 2 }) },
  load: ({ slope }) => {
    const split = (from: number, size: number) => {
      const x = Float32Array.from({ length: size }, (_, i) => (from + i) / 40);
      return { x, y: x.map((v) => slope * v), size };
    };
    return {
      shape: { inputs: 1, outputs: 1, task: "regression" as const },
      train: split(0, 32),
      test: split(32, 8),
      description: "40 points on a line",
    };
  },
});

const halving = defineSchedule({
  name: "halving",
  summary: "Halves the lr every `every` steps.",
  unit: "step",
  params: {
    lr: param.number({ doc: "Initial lr.", default: 0.5, min: 0, exclusiveMin: true }),
    every: param.integer({ doc: "Steps per halving.", default: 2, min: 1 }),
  },
  create: ({ lr, every }) => ({ at: (t) => ({ lr: lr * 0.5 ** Math.floor(t / every) }) }),
});

const plainSgd = defineOptimizer({
  name: "plain-sgd",
  summary: "p -= lr * g.",
  pytorch: "torch.optim.SGD",
  scheduledMomentum: undefined,
  params: { clip: param.boolean({ doc: "Clip updates to [-1, 1].", default: false }) },
  create: ({ clip }) => ({
    step: (p, g, from, to, { lr }) => {
      for (let i = from; i < to; i++) p[i] = p[i]! - lr * (clip ? Math.max(-1, Math.min(1, g[i]!)) : g[i]!);
    },
  }),
});

describe("plugins at the catalog's boundary", () => {
  it("a user's typed definitions register and train without a cast", async () => {
    const catalog = createCatalog();
    catalog.register("model", scaledLinear);
    catalog.register("dataset", tinyLine);
    catalog.register("schedule", halving);
    catalog.register("optimizer", plainSgd);
    const asStored: ModelDefinition = scaledLinear; // a typed definition is a ModelDefinition as it is
    expect(new PluginCatalog().registries.model.register(asStored).has("scaled-linear")).toBe(true);
    const r = await new Trainer(catalog).run({
      schedule: "halving(lr=0.5, every=4)",
      model: "scaled-linear(start=1)",
      dataset: "tiny-line(slope=3)",
      optimizer: "plain-sgd",
      batchSize: 8,
      epochs: 3,
    });
    expect(r.status).toBe("completed");
    expect(r.final?.trainLoss).toBeLessThan(r.history[0]!.trainLoss);
  });

  it("no source file erases a type with `as unknown as` or `as never`, except WebAssembly exports", () => {
    const packages = fileURLToPath(new URL("../../", import.meta.url));
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (name.endsWith(".ts"))
          readFileSync(path, "utf8")
            .split("\n")
            .forEach((line, i) => {
              if (
                /as unknown as|as never\b/.test(line) &&
                !/WebAssembly\.Instance\(.*\)\.exports as unknown as/.test(line)
              )
                offenders.push(`${path}:${i + 1}: ${line.trim()}`);
            });
      }
    };
    for (const pkg of readdirSync(packages))
      if (readdirSync(join(packages, pkg)).includes("src")) walk(join(packages, pkg, "src"));
    expect(offenders).toEqual([]);
  });
});
