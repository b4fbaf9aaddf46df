import { readFileSync } from "node:fs";
import { builtinOptimizers } from "@lrsim/builtins";
import { allocateLocal, bindParams, ParameterUpdate, parseSpec, updatePartialsLength } from "@lrsim/core";
import { softmaxCrossEntropy } from "@lrsim/core/plugin-api";
import { describe, expect, it } from "vitest";

/**
 * Gradient clipping and label smoothing against PyTorch itself
 * (scripts/pytorch-fixtures/training.py): `torch.nn.utils.clip_grad_norm_` on three parameter
 * tensors, which lrsim sees as one flat vector, and `CrossEntropyLoss(label_smoothing=e)`'s
 * loss and gradient with respect to the logits.
 */
const fixture = JSON.parse(
  readFileSync(new URL("./fixtures/pytorch-training.json", import.meta.url), "utf8"),
) as {
  torch: string;
  clip: { grad: number[]; maxNorm: number; norm: number; clipped: number[] }[];
  clipTrajectory: {
    p0: number[];
    grads: number[][];
    lr: number;
    momentum: number;
    maxNorm: number;
    params: number[][];
  };
  labelSmoothing: {
    logits: number[][];
    labels: number[];
    cases: { labelSmoothing: number; loss: number; grad: number[][] }[];
  };
};

/** Relative error, absolute near zero (below `floor`), as the optimizer trajectory tests measure it. */
const relative = (a: number, b: number, floor = 1e-6) => Math.abs(a - b) / Math.max(Math.abs(b), floor);

function sgdWithClipping(size: number, maxNorm: number, spec = "sgd(momentum=0.9)") {
  const definition = builtinOptimizers.find((d) => d.name === "sgd")!;
  const optimizer = definition.create(
    bindParams("sgd", definition.params, parseSpec(spec)) as never,
    size,
    allocateLocal,
    [{ from: 0, to: size, kind: "weight", name: "all" }],
  );
  return new ParameterUpdate(
    optimizer,
    maxNorm,
    size,
    new Float64Array(updatePartialsLength(optimizer, maxNorm, size)),
  );
}

describe(`gradient clipping follows torch.nn.utils.clip_grad_norm_ (torch ${fixture.torch})`, () => {
  it("clips (or leaves) 16 gradients at max norms from 0.001 to 100", () => {
    let clippedSome = 0;
    for (const c of fixture.clip) {
      // lr 1, plain SGD, zero parameters: the update is minus the clipped gradient.
      const update = sgdWithClipping(c.grad.length, c.maxNorm, "sgd");
      const p = new Float32Array(c.grad.length);
      const g = Float32Array.from(c.grad);
      update.runWhole(p, g, { lr: 1, momentum: undefined, step: 1 });
      c.clipped.forEach((expected, i) => {
        expect(
          relative(g[i]!, expected),
          `max ${c.maxNorm}, entry ${i}: ${g[i]} vs ${expected}`,
        ).toBeLessThan(1e-6);
        expect(-p[i]!).toBe(g[i]);
      });
      if (c.norm > c.maxNorm) clippedSome++;
    }
    expect(clippedSome).toBeGreaterThan(4);
    expect(clippedSome).toBeLessThan(fixture.clip.length);
  });

  it("SGD with momentum, clipped before every step, follows PyTorch's trajectory", () => {
    const t = fixture.clipTrajectory;
    const update = sgdWithClipping(t.p0.length, t.maxNorm);
    const p = Float32Array.from(t.p0);
    t.grads.forEach((grad, step) => {
      update.runWhole(p, Float32Array.from(grad), { lr: t.lr, momentum: undefined, step: step + 1 });
      t.params[step]!.forEach((expected, i) => {
        expect(relative(p[i]!, expected, 1e-2), `step ${step + 1}, parameter ${i}`).toBeLessThan(2e-5);
      });
    });
  });
});

describe(`label smoothing follows torch.nn.CrossEntropyLoss(label_smoothing) (torch ${fixture.torch})`, () => {
  const { logits, labels, cases } = fixture.labelSmoothing;
  for (const c of cases)
    it(`e = ${c.labelSmoothing}: the summed loss and its gradient with respect to the logits`, () => {
      const classes = logits[0]!.length;
      let loss = 0;
      const delta = new Float32Array(classes);
      const result = { correct: 0 };
      logits.forEach((row, n) => {
        loss += softmaxCrossEntropy(
          Float32Array.from(row),
          0,
          classes,
          labels[n]!,
          delta,
          0,
          result,
          c.labelSmoothing,
        );
        c.grad[n]!.forEach((expected, k) => {
          expect(Math.abs(delta[k]! - expected), `sample ${n}, class ${k}`).toBeLessThan(1e-6);
        });
      });
      expect(relative(loss, c.loss)).toBeLessThan(1e-6);
    });

  it("e = 0 is the plain loss, to the bit", () => {
    const z = Float32Array.of(0.3, -1.2, 2.5, 0.1);
    const a = new Float32Array(4);
    const b = new Float32Array(4);
    const r = { correct: 0 };
    expect(softmaxCrossEntropy(z, 0, 4, 1, a, 0, r, 0)).toBe(softmaxCrossEntropy(z, 0, 4, 1, b, 0, r));
    expect(Array.from(a)).toEqual(Array.from(b));
  });
});
