import { createCatalog } from "@lrsim/builtins";
import { findLr, Trainer } from "@lrsim/core";
import { describe, expect, it } from "vitest";

/**
 * The headline suggestion must be a rate that trains: on every built-in dataset, a range test
 * with find-lr's defaults (plain SGD), then training at `constant(lr=suggestion)` with the
 * same batch, must bring the training loss under a bound well below where it started.
 */
const CASES = [
  { model: "mlp", dataset: "mnist(train=2000, test=500)", batchSize: 64, epochs: 5, bound: 0.5 },
  { model: "linear", dataset: "line", batchSize: 80, epochs: 300, bound: 0.05 },
  { model: "mlp", dataset: "blobs", batchSize: 64, epochs: 10, bound: 0.2 },
  { model: "mlp", dataset: "spirals", batchSize: 64, epochs: 60, bound: 0.5 },
  { model: "mlp", dataset: "teacher", batchSize: 64, epochs: 10, bound: 0.5 },
] as const;

describe("find-lr's headline suggestion trains well on each built-in dataset", () => {
  for (const c of CASES)
    it(`${c.model} on ${c.dataset}: constant(lr=suggestion) takes the train loss below ${c.bound}`, async () => {
      const catalog = createCatalog();
      const test = await findLr({ model: c.model, dataset: c.dataset, batchSize: c.batchSize }, catalog);
      expect(test.suggestedLr).toBe(test.suggestions.minimumOverTen);
      const run = await new Trainer(catalog).run({
        schedule: `constant(lr=${test.suggestedLr})`,
        model: c.model,
        dataset: c.dataset,
        batchSize: c.batchSize,
        epochs: c.epochs,
      });
      expect(run.status).toBe("completed");
      expect(run.final?.trainLoss).toBeLessThan(c.bound);
      expect(run.final?.trainLoss).toBeLessThan(run.history[0]!.trainLoss / 2);
    }, 60_000);
});
