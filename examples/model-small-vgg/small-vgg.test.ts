import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createCatalog } from "@lrsim/builtins";
import { Trainer } from "@lrsim/core";
import { GradientPool } from "@lrsim/parallel";
import { afterAll, describe, expect, it } from "vitest";
import smallVgg from "./small-vgg.ts";

const here = fileURLToPath(new URL(".", import.meta.url));

describe("example model plugin: small-vgg, a few lines around createConvNetwork", () => {
  it("lays its stages out for the data's image shape and scales with its width parameter", () => {
    const shape = {
      inputs: 784,
      outputs: 10,
      task: "classification" as const,
      image: { channels: 1, height: 28, width: 28 },
    };
    const narrow = smallVgg.create({ width: 2, kernel: "js" }, shape);
    const wide = smallVgg.create({ width: 4, kernel: "js" }, shape);
    // conv 1->w, w->w, w->2w, 2w->2w (3x3 + bias), dense 2w*7*7 -> 64 -> 10
    const count = (w: number) =>
      9 * w + w + 9 * w * w + w + 9 * w * 2 * w + 2 * w + 9 * 4 * w * w + 2 * w + 2 * w * 49 * 64 + 64 + 650;
    expect(narrow.parameterCount).toBe(count(2));
    expect(wide.parameterCount).toBe(count(4));
  });

  const pool = new GradientPool({ workers: 2 });
  afterAll(() => pool.close());

  it("learns MNIST digits by path, with the same result on 2 worker threads as in-process", async () => {
    const options = {
      schedule: "constant(lr=0.002)",
      model: "./small-vgg.ts(width=4)",
      dataset: "mnist(train=1000, test=200)",
      optimizer: "adam",
      batchSize: 32,
      epochs: 4,
    };
    const local = await new Trainer(createCatalog(here)).run(options);
    const pooled = await new Trainer(createCatalog(here), pool.backend).run(options);
    expect(local.status).toBe("completed");
    expect(local.final?.testAccuracy).toBeGreaterThan(0.6);
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
    const code = readFileSync(new URL("./small-vgg.ts", import.meta.url), "utf8");
    const section = docs.slice(docs.indexOf("## A convolutional network"));
    const start = section.indexOf("```ts\n") + 6;
    const block = section.slice(start, section.indexOf("```\n", start));
    expect(block).toBe(
      `// small-vgg.ts, used with: lrsim run --model "./small-vgg.ts(width=8)" --dataset mnist\n${code}`,
    );
  });
});
