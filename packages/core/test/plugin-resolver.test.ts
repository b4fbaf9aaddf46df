import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createCatalog } from "@lrsim/builtins";
import { Trainer } from "@lrsim/core";
import { describe, expect, it } from "vitest";

const fixtures = fileURLToPath(new URL("./fixtures/plugins/", import.meta.url));

describe("plugin resolution: built-in name, then path, then lrsim-plugin-<name>", () => {
  it("trains a user's TypeScript model given by path, exactly like a built-in", async () => {
    const catalog = createCatalog(fixtures);
    const r = await new Trainer(catalog).run({
      schedule: "constant(lr=0.0001)",
      model: "./quadratic-model.ts(scale=1)",
      dataset: "line(slope=3)",
      batchSize: 10,
      epochs: 2,
    });
    expect(r.status).toBe("completed");
    expect(r.model).toBe("./quadratic-model.ts(scale=1)");
    expect(catalog.sourceOf("model", "./quadratic-model.ts")?.module).toMatch(/^file:.*quadratic-model\.ts$/);
    expect(r.final?.testLoss).toBeLessThan(r.history[0]!.testLoss);
  });

  it("finds an installed lrsim-plugin-<name> package by its short name", async () => {
    const project = mkdtempSync(join(tmpdir(), "lrsim-plugin-"));
    const pkg = join(project, "node_modules", "lrsim-plugin-tiny");
    mkdirSync(pkg, { recursive: true });
    writeFileSync(
      join(pkg, "package.json"),
      JSON.stringify({
        name: "lrsim-plugin-tiny",
        type: "module",
        exports: { ".": { import: "./index.js" } },
      }),
    );
    writeFileSync(
      join(pkg, "index.js"),
      "export default { name: 'tiny', summary: 'Halves each step.', unit: 'step', params: {}, create: () => ({ at: (t) => ({ lr: 2 ** -t }) }) };",
    );
    const catalog = createCatalog(project);
    const definition = await catalog.resolve("schedule", "tiny");
    expect(definition.summary).toBe("Halves each step.");
    expect(catalog.sourceOf("schedule", "tiny")?.module).toMatch(/lrsim-plugin-tiny\/index\.js$/);
  });

  it("says what shape was expected when a module exports something else", async () => {
    await expect(createCatalog(fixtures).resolve("model", "./not-a-model.js")).rejects.toThrow(
      /model plugin "\.\/not-a-model\.js" \(file:.*not-a-model\.js\) does not export a model definition: expected defineModel\(\{ name, summary, params, tasks, create\(params, shape\) \}\): `create` is not a function/,
    );
  });

  it("names the plugin and the file when a path does not exist", async () => {
    await expect(createCatalog(fixtures).resolve("dataset", "./missing.js")).rejects.toThrow(
      /dataset plugin "\.\/missing\.js" could not be loaded from file:.*missing\.js/,
    );
  });

  it("says no package exists either for an unknown name", async () => {
    await expect(createCatalog(fixtures).resolve("model", "resnet")).rejects.toThrow(
      'unknown model "resnet"; known: linear, softmax, mlp, cnn; no package lrsim-plugin-resnet is installed either',
    );
  });

  it("fails the run — not the process — when a plugin hook throws, naming plugin and hook", async () => {
    const r = await new Trainer(createCatalog(fixtures)).run({
      model: "./throwing-model.js",
      dataset: "blobs(n=200)",
      batchSize: 50,
      epochs: 2,
    });
    expect(r.status).toBe("failed");
    expect(r.error).toBe('model "./throwing-model.js" failed in gradient: numerical trouble in layer 2');
    expect(r.updates).toBe(2);
  });

  it("catches a dataset whose arrays do not match its shape", async () => {
    await expect(
      new Trainer(createCatalog(fixtures)).run({ model: "linear", dataset: "./bad-dataset.js" }),
    ).rejects.toThrow(
      'dataset "./bad-dataset.js" returned a train split of 3 samples with x.length 5 (expected 6) and y.length 3 (expected 3) from load',
    );
  });
});

describe("a user's plugin that misbehaves is caught, naming it, its file and the hook", () => {
  const run = (model: string, workers: number) =>
    import("@lrsim/parallel").then(async ({ GradientPool }) => {
      const pool = new GradientPool({ workers });
      try {
        return await new Trainer(createCatalog(fixtures), pool.backend).run({
          model,
          dataset: "blobs(n=200)",
          batchSize: 50,
          epochs: 2,
        });
      } finally {
        await pool.close();
      }
    });

  for (const workers of [0, 2])
    it(`NaN gradients, wrong counts and unset losses (workers=${workers})`, async () => {
      const nan = await run("./nan-gradient-model.js", workers);
      expect(nan.status).toBe("failed");
      expect(nan.error).toBe(
        'model "./nan-gradient-model.js" returned a gradient with NaN or infinite entries from gradient at update 1, although its loss was finite (1.000): the gradient of a finite loss is finite, so the hook has a bug',
      );
      const miscount = await run("./miscounting-model.js", workers);
      expect(miscount.status).toBe("failed");
      expect(miscount.error).toMatch(
        /^model "\.\/miscounting-model\.js" set out\.correct to \d+, outside 0\.\.\d+ for a chunk of \d+ samples from evaluate$/,
      );
      const forgetful = await run("./forgetful-model.js", workers);
      expect(forgetful.error).toBe(
        'model "./forgetful-model.js" did not set out.loss (the chunk\'s summed loss, a number) from gradient',
      );
    });

  it("names the file of a plugin installed as a package", async () => {
    const project = mkdtempSync(join(tmpdir(), "lrsim-plugin-"));
    const pkg = join(project, "node_modules", "lrsim-plugin-grumpy");
    mkdirSync(pkg, { recursive: true });
    writeFileSync(
      join(pkg, "package.json"),
      JSON.stringify({ name: "lrsim-plugin-grumpy", type: "module", main: "index.js" }),
    );
    writeFileSync(
      join(pkg, "index.js"),
      "export default { name: 'grumpy', summary: 'Refuses.', tasks: ['classification'], params: {}, create: () => { throw new Error('not today'); } };",
    );
    await expect(
      new Trainer(createCatalog(project)).run({ model: "grumpy", dataset: "blobs(n=100)" }),
    ).rejects.toThrow(`model "grumpy" (${join(pkg, "index.js")}) failed in create: not today`);
  });
});
