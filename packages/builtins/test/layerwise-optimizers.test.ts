import { readFileSync } from "node:fs";
import { builtinOptimizers } from "@lrsim/builtins";
import {
  allocateLocal,
  bindParams,
  NORM_BLOCK,
  ParameterUpdate,
  parseSpec,
  updatePartialsLength,
} from "@lrsim/core";
import type { OptimizerInstance, ParameterGroup } from "@lrsim/core/plugin-api";
import { describe, expect, it } from "vitest";

/**
 * LARS and LAMB against optax's `lars` and `lamb`, transcribed operation by operation into
 * float32 PyTorch (scripts/pytorch-fixtures/layerwise.py cites the optax commit and files): a
 * 13-parameter vector in four groups (two weights, two biases, one bias starting at zero) gets
 * a fixed gradient sequence. Agreement to 2e-5 relative, as for torch.optim's optimizers: lrsim
 * keeps intermediates in double and rounds what it stores.
 */
interface Case {
  spec: string;
  driven: "lr" | "momentum";
  p0: number[];
  groups: [number, number, ParameterGroup["kind"]][];
  grads: number[][];
  lr: number[];
  momentum?: number[];
  params: number[][];
}
const fixture = JSON.parse(
  readFileSync(new URL("./fixtures/optax-layerwise.json", import.meta.url), "utf8"),
) as { reference: string; cases: Case[] };

function create(spec: string, size: number, groups: readonly ParameterGroup[]): OptimizerInstance {
  const call = parseSpec(spec);
  const definition = builtinOptimizers.find((d) => d.name === call.name)!;
  return definition.create(
    bindParams(definition.name, definition.params, call) as never,
    size,
    allocateLocal,
    groups,
  );
}

function updateOf(optimizer: OptimizerInstance, size: number, clip?: number): ParameterUpdate {
  return new ParameterUpdate(
    optimizer,
    clip,
    size,
    new Float64Array(updatePartialsLength(optimizer, clip, size)),
  );
}

describe(`LARS and LAMB follow ${fixture.reference}`, () => {
  for (const c of fixture.cases) {
    it(`${c.spec}${c.driven === "momentum" ? " with lr and momentum driven per step" : ""}`, () => {
      const groups = c.groups.map(([from, to, kind], i) => ({ from, to, kind, name: `group ${i}` }));
      const update = updateOf(create(c.spec, c.p0.length, groups), c.p0.length);
      const p = Float32Array.from(c.p0);
      for (let t = 0; t < c.grads.length; t++) {
        update.runWhole(p, Float32Array.from(c.grads[t]!), {
          lr: c.lr[t]!,
          momentum: c.momentum?.[t],
          step: t + 1,
        });
        c.params[t]!.forEach((expected, i) => {
          const error = Math.abs(p[i]! - expected) / Math.max(Math.abs(expected), 1e-2);
          expect(error, `step ${t + 1}, parameter ${i}: ${p[i]} vs ${expected}`).toBeLessThan(2e-5);
        });
      }
    });
  }

  it("the fixture tells bias exclusion apart: biases move differently with and without it", () => {
    const [excluded, included] = ["lars", "lars(excludeBiases=false)"].map(
      (spec) => fixture.cases.find((c) => c.spec === spec)!.params.at(-1)!,
    );
    expect(excluded!.slice(0, 6)).toEqual(included!.slice(0, 6));
    expect(excluded![6]).not.toBeCloseTo(included![6]!, 3);
  });

  it("gathering and updating block by block in slices equals the whole update, bit for bit", () => {
    // Three blocks of NORM_BLOCK, groups straddling block boundaries: what the worker pool does.
    const size = 2 * NORM_BLOCK + 1000;
    const groups: ParameterGroup[] = [
      { from: 0, to: 5000, kind: "weight", name: "w1" },
      { from: 5000, to: 5100, kind: "bias", name: "b1" },
      { from: 5100, to: size - 10, kind: "weight", name: "w2" },
      { from: size - 10, to: size, kind: "bias", name: "b2" },
    ];
    for (const spec of ["lars(weightDecay=0.01, nesterov=true)", "lamb(weightDecay=0.01)"])
      for (const clip of [undefined, 0.5]) {
        const whole = updateOf(create(spec, size, groups), size, clip);
        const sliced = updateOf(create(spec, size, groups), size, clip);
        const a = Float32Array.from({ length: size }, (_, i) => Math.sin(i * 0.37));
        const b = Float32Array.from(a);
        const slices: [number, number][] = [
          [0, NORM_BLOCK],
          [NORM_BLOCK, 2 * NORM_BLOCK],
          [2 * NORM_BLOCK, size],
        ];
        for (let t = 1; t <= 3; t++) {
          const g = Float32Array.from({ length: size }, (_, i) => Math.cos(i * 0.11 + t) * 0.01);
          const h = Float32Array.from(g);
          const hyper = { lr: 0.1, momentum: undefined, step: t };
          whole.runWhole(a, g, hyper);
          for (let stage = 0; stage < sliced.stages.length; stage++) {
            for (const [from, to] of [...slices].reverse()) sliced.gather(stage, b, h, from, to, hyper);
            for (const [from, to] of slices) sliced.combine(stage, h, from, to);
          }
          for (const [from, to] of slices) sliced.step(b, h, from, to, hyper);
        }
        expect(Array.from(b), `${spec}, clip ${clip}`).toEqual(Array.from(a));
      }
  });
});
