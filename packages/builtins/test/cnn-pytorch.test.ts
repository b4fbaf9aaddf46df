import { readFileSync } from "node:fs";
import { bindParams, type LossSum, parseSpec } from "@lrsim/core";
import type { DataShape } from "@lrsim/core/plugin-api";
import { describe, expect, it } from "vitest";
import { cnn } from "../src/index.ts";

/**
 * torch.nn computed the summed loss and its gradient for small convolutional networks with
 * parameters from PyTorch's own initialisers (scripts/pytorch-fixtures/cnn.py); lrsim's `cnn`
 * given the same parameters and samples must agree on both, with either kernel. Both compute
 * in float32 with different summation orders, so agreement is to float32 rounding: 1e-6 relative
 * on the loss and on the whole gradient vector (measured: up to 1.4e-7 and 2.5e-7) — a wrong
 * term, layout or tie rule gives O(1).
 */
interface Case {
  layers: string;
  image: { channels: number; height: number; width: number };
  outputs: number;
  task: DataShape["task"];
  samples: number;
  x: number[];
  y: number[];
  params: number[];
  loss: number;
  grad: number[];
}
const fixture = JSON.parse(readFileSync(new URL("./fixtures/pytorch-cnn.json", import.meta.url), "utf8")) as {
  torch: string;
  cases: Case[];
};

describe(`cnn losses and gradients equal torch.nn ${fixture.torch}'s`, () => {
  for (const c of fixture.cases)
    for (const kernel of ["wasm", "js"])
      it(`${c.layers} on ${c.image.channels}x${c.image.height}x${c.image.width} (${kernel})`, () => {
        const { channels, height, width } = c.image;
        const shape: DataShape = {
          inputs: channels * height * width,
          outputs: c.outputs,
          task: c.task,
          image: c.image,
        };
        const model = cnn.create(
          bindParams("cnn", cnn.params, parseSpec(`cnn(layers=[${c.layers}], kernel=${kernel})`)) as never,
          shape,
        );
        expect(model.parameterCount).toBe(c.params.length);
        const params = Float32Array.from(c.params);
        const data = { size: c.samples, x: Float32Array.from(c.x), y: Float32Array.from(c.y) };
        const indices = Int32Array.from({ length: c.samples }, (_, i) => i);
        const grad = new Float32Array(params.length);
        const out: LossSum = { loss: 0, correct: 0 };
        model.gradient(params, data, indices, 0, c.samples, grad, out);
        expect(Math.abs(out.loss - c.loss) / Math.abs(c.loss)).toBeLessThan(1e-6);
        let difference = 0;
        let norm = 0;
        for (let i = 0; i < grad.length; i++) {
          difference += (grad[i]! - c.grad[i]!) ** 2;
          norm += c.grad[i]! ** 2;
        }
        expect(norm).toBeGreaterThan(0);
        expect(Math.sqrt(difference / norm)).toBeLessThan(1e-6);
      });
});
