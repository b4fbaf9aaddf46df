import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createCatalog } from "@lrsim/builtins";
import { Trainer } from "@lrsim/core";
import { GradientPool } from "@lrsim/parallel";
import { createRng } from "lrsim/plugin";
import { afterAll, describe, expect, it } from "vitest";
import residualMlp from "./residual-mlp.ts";

const here = fileURLToPath(new URL(".", import.meta.url));

/** 70 samples of 3 inputs in 4 classes, enough to span several 32-sample blocks. */
function blobs(n = 70) {
  const rng = createRng(3, "test-data");
  const x = Float32Array.from({ length: 3 * n }, () => 2 * rng.next() - 1);
  const y = Float32Array.from({ length: n }, (_, i) => (x[3 * i]! > 0 ? 1 : 0) + (x[3 * i + 1]! > 0 ? 2 : 0));
  return { size: n, x, y };
}

describe("example model plugin: residual-mlp, built from the dense-layer kernels", () => {
  const shape = { inputs: 3, outputs: 4, task: "classification" as const };

  it("has the gradient of its loss, skip connection included (central finite differences)", () => {
    for (const activation of ["tanh", "sigmoid"] as const) {
      const model = residualMlp.create({ width: 5, activation }, shape);
      const data = blobs();
      const indices = Int32Array.from({ length: data.size }, (_, i) => i);
      const p = new Float32Array(model.parameterCount);
      model.init(p, createRng(1, "init"));
      const grad = new Float32Array(p.length);
      const out = { loss: 0, correct: 0 };
      model.gradient(p, data, indices, 0, data.size, grad, out);
      const gradientLoss = out.loss;
      model.evaluate(p, data, indices, 0, data.size, out);
      expect(out.loss).toBe(gradientLoss);
      const rng = createRng(2, "pick");
      for (let t = 0; t < 25; t++) {
        const k = Math.floor(rng.next() * p.length);
        const loss = (delta: number) => {
          const q = Float32Array.from(p);
          q[k] = q[k]! + delta;
          model.evaluate(q, data, indices, 0, data.size, out);
          return out.loss;
        };
        const numeric = (loss(1e-2) - loss(-1e-2)) / 2e-2;
        expect(Math.abs(numeric - grad[k]!), `${activation} parameter ${k}`).toBeLessThan(
          2e-3 * Math.max(1, Math.abs(numeric)),
        );
      }
    }
  });

  const pool = new GradientPool({ workers: 2 });
  afterAll(() => pool.close());

  it("learns spirals by path, and gives the same result on 2 worker threads as in-process", async () => {
    const options = {
      schedule: "onecycle(maxLr=0.5)",
      model: "./residual-mlp.ts(width=32)",
      dataset: "spirals",
      optimizer: "sgd(momentum=0.9)",
      batchSize: 64,
      epochs: 8,
    };
    const local = await new Trainer(createCatalog(here)).run(options);
    const pooled = await new Trainer(createCatalog(here), pool.backend).run(options);
    expect(local.status).toBe("completed");
    expect(local.final?.testAccuracy).toBeGreaterThan(0.75);
    // Bit for bit: every measured loss and accuracy (times are measured, so they differ).
    const learned = (r: typeof local) =>
      r.history.map(({ updates, trainLoss, testLoss, trainAccuracy, testAccuracy }) => ({
        updates,
        trainLoss,
        testLoss,
        trainAccuracy,
        testAccuracy,
      }));
    expect(learned(pooled)).toEqual(learned(local));
  });

  it("is shown whole in docs/plugins.md, as it is in this folder", () => {
    const docs = readFileSync(new URL("../../docs/plugins.md", import.meta.url), "utf8");
    const code = readFileSync(new URL("./residual-mlp.ts", import.meta.url), "utf8");
    const section = docs.slice(docs.indexOf("## A model from the dense kernels"));
    const start = section.indexOf("```ts\n") + 6;
    const block = section.slice(start, section.indexOf("```\n", start));
    expect(block).toBe(code.slice(code.indexOf("import {")));
  });
});
