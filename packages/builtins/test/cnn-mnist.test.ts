import { type RunOptions, Trainer } from "@lrsim/core";
import { describe, expect, it } from "vitest";
import { createCatalog } from "../src/index.ts";

/**
 * The point of a convolutional network: on the same digits, under the same schedule, optimizer,
 * batch size, seed and number of epochs, the default `cnn` (LeNet-5) ends with a better test
 * accuracy than the default `mlp` (one hidden layer of 128). Three epochs on the default
 * 8,000 / 2,000 split, in-process.
 */
describe("the default cnn beats the mlp on MNIST at equal epochs", () => {
  it("final test accuracy after 3 epochs of momentum SGD, batch 64", async () => {
    const options = (model: string): RunOptions => ({
      model,
      dataset: "mnist",
      schedule: "constant(lr=0.05)",
      optimizer: "sgd(momentum=0.9)",
      batchSize: 64,
      epochs: 3,
      seed: 1,
    });
    const mlp = await new Trainer(createCatalog()).run(options("mlp"));
    const cnn = await new Trainer(createCatalog()).run(options("cnn"));
    expect([mlp.status, cnn.status]).toEqual(["completed", "completed"]);
    const accuracy = (r: typeof mlp) => r.final!.testAccuracy!;
    // Measured here: mlp 93.55%, cnn 96.40%.
    expect(accuracy(mlp)).toBeGreaterThan(0.85); // a fair baseline: the MLP trained properly
    expect(accuracy(cnn), `cnn ${accuracy(cnn)} vs mlp ${accuracy(mlp)}`).toBeGreaterThan(accuracy(mlp));
  }, 120_000);
});
