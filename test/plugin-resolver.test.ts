import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Trainer } from "@lrsim/core";
import { createCatalog } from "lrsim/catalog";
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
    expect(r.final.testLoss).toBeLessThan(r.history[0]!.testLoss);
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
      'unknown model "resnet"; known: linear, softmax, mlp; no package lrsim-plugin-resnet is installed either',
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
