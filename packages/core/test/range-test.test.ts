import { createCatalog } from "@lrsim/builtins";
import { findLr, rangeTestLr, steepestIndex, suggestLearningRates, Trainer, valleyIndex } from "@lrsim/core";
import { describe, expect, it } from "vitest";

describe("the learning-rate range test", () => {
  it("grows the lr as the one-cycle article writes it: lr_i = init * (max/init)^(i/n)", () => {
    expect(rangeTestLr(0, 101, 1e-4, 10, "exp")).toBe(1e-4);
    expect(rangeTestLr(50, 101, 1e-4, 10, "exp")).toBeCloseTo(1e-4 * (10 / 1e-4) ** 0.5, 15);
    expect(rangeTestLr(100, 101, 1e-4, 10, "exp")).toBeCloseTo(10, 12);
    expect(rangeTestLr(2, 5, 0, 1, "linear")).toBe(0.5);
  });

  it("suggests from the curve: steepest descent per log-lr, fastai's valley, a tenth of the minimum", () => {
    const lrs = [1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1];
    const losses = [2.3, 2.29, 2.0, 1.0, 0.8, 5];
    expect(steepestIndex(lrs, losses)).toBe(2); // between 1e-4 and 1e-2 the loss drops 1.29 over two decades
    // fastai: the longest decreasing run ends at 4 with length 5, so max_start = 4 - 5 = -1 (fastai's
    // own off-by-one), sections = 5/3, index = -1 + 1 + 0 = 0.
    expect(valleyIndex(losses)).toBe(0);
    expect(valleyIndex([3, 2.9, 2.8, 2.5, 2, 1.5, 1.2, 1.1, 1, 4])).toBe(3); // max_start -1, sections 3, -1 + 3 + 1
    expect(suggestLearningRates(lrs, losses)).toEqual({ steepest: 1e-3, valley: 1e-5, minimumOverTen: 1e-2 });
    expect(suggestLearningRates(lrs, [Number.NaN, 2, 1, Number.NaN, 0.5, 0.4])).toMatchObject({
      minimumOverTen: 0.1,
    });
  });

  it("on the Learning Rate Finder article's line, suggests rates at which gradient descent converges", async () => {
    const result = await findLr(
      { model: "linear", dataset: "line", batchSize: 80, iters: 100 },
      createCatalog(),
    );
    expect(result.suggestedLr).toBe(result.suggestions.minimumOverTen);
    for (const lr of Object.values(result.suggestions)) {
      const run = await new Trainer(createCatalog()).run({
        schedule: `constant(lr=${lr})`,
        model: "linear",
        dataset: "line",
        batchSize: 80,
        epochs: 300,
      });
      expect(run.status).toBe("completed");
      expect(run.final?.testLoss).toBeLessThan(run.history[0]!.testLoss / 20);
    }
  });

  it("stops when the smoothed loss explodes, and starts every trial from a fresh model", async () => {
    const result = await findLr(
      { model: "linear", dataset: "line", batchSize: 80, iters: 200, end: 100, trials: 2, seed: 5 },
      createCatalog(),
    );
    for (const trial of result.trials) {
      expect(trial.lr.length).toBeLessThan(200); // lr 100 diverges long before the end
      expect(trial.smoothedLoss.at(-1)!).toBeGreaterThan(4 * Math.min(...trial.smoothedLoss.slice(0, -1)));
    }
    const [a, b] = result.trials;
    expect(a!.loss[0]).not.toBe(b!.loss[0]); // different initialisations
    expect(result.spread.valley).not.toBeNull();
  });

  it("clips the gradient as a run with the same clipGradNorm does, so the lr goes farther before the loss explodes", async () => {
    const options = { model: "linear", dataset: "line", batchSize: 80, iters: 200, end: 100 };
    const free = await findLr(options, createCatalog());
    const clipped = await findLr({ ...options, clipGradNorm: 1e-3 }, createCatalog());
    expect(clipped.options.clipGradNorm).toBe(1e-3);
    expect(free.options).not.toHaveProperty("clipGradNorm");
    expect(clipped.trials[0]!.loss[0]).toBe(free.trials[0]!.loss[0]); // same model, before any update
    expect(clipped.trials[0]!.loss[1]).not.toBe(free.trials[0]!.loss[1]);
    expect(clipped.trials[0]!.lr.length).toBeGreaterThan(free.trials[0]!.lr.length);
    await expect(findLr({ ...options, clipGradNorm: 0 }, createCatalog())).rejects.toThrow(
      "clipGradNorm must be a finite number > 0, got 0",
    );
  });

  it("refuses nonsense up front", async () => {
    await expect(
      findLr({ model: "linear", dataset: "line", start: 1, end: 0.1 }, createCatalog()),
    ).rejects.toThrow("end must be a number above start (1), got 0.1");
    await expect(findLr({ model: "linear", dataset: "line", iters: 2 }, createCatalog())).rejects.toThrow(
      "iters must be an integer >= 5, got 2",
    );
  });
});
