import { readFileSync } from "node:fs";
import { builtinOptimizers } from "@lrsim/builtins";
import { allocateLocal, bindParams, parseSpec } from "@lrsim/core";
import type { OptimizerDefinition } from "@lrsim/core/plugin-api";
import { describe, expect, it } from "vitest";

/**
 * torch.optim (scripts/pytorch-fixtures/optimizers.py) applied a fixed gradient sequence to a
 * float32 parameter vector; lrsim must follow the same trajectory. PyTorch rounds every
 * intermediate to float32 while lrsim rounds only what it stores, so agreement is to 2e-5
 * relative, far below what any mistake in an update rule produces.
 */
interface Case {
  spec: string;
  driven: "lr" | "momentum";
  p0: number[];
  grads: number[][];
  lr: number[];
  momentum?: number[];
  params: number[][];
}
const fixture = JSON.parse(
  readFileSync(new URL("./fixtures/pytorch-optimizers.json", import.meta.url), "utf8"),
) as { torch: string; cases: Case[] };

/** No statistics here: these are the element-wise optimizers (LARS and LAMB have their own test). */
const NONE = new Float64Array(0);
const elementWise: OptimizerDefinition[] = builtinOptimizers.filter((d) => d.pytorch !== undefined);
const groups = (n: number) => [{ from: 0, to: n, kind: "weight" as const, name: "all" }];

describe(`optimizers follow torch.optim ${fixture.torch}`, () => {
  it("covers every built-in optimizer PyTorch has", () => {
    const covered = new Set(fixture.cases.map((c) => parseSpec(c.spec).name));
    for (const d of elementWise) expect(covered).toContain(d.name);
    for (const d of elementWise)
      expect(d.create({} as never, 1, allocateLocal, groups(1)).statistics).toBeUndefined();
  });

  for (const c of fixture.cases) {
    it(`${c.spec}${c.driven === "momentum" ? " with lr and momentum driven per step" : ""}`, () => {
      const call = parseSpec(c.spec);
      const definition = builtinOptimizers.find((d) => d.name === call.name)!;
      // PyTorch's own momentum/beta1 defaults: the fixture cases that drive momentum start from 0.9.
      const optimizer = definition.create(
        bindParams(definition.name, definition.params, call) as never,
        c.p0.length,
        allocateLocal,
        groups(c.p0.length),
      );
      const p = Float32Array.from(c.p0);
      for (let t = 0; t < c.grads.length; t++) {
        optimizer.step(
          p,
          Float32Array.from(c.grads[t]!),
          0,
          p.length,
          {
            lr: c.lr[t]!,
            momentum: c.momentum?.[t],
            step: t + 1,
          },
          NONE,
        );
        c.params[t]!.forEach((expected, i) => {
          const error = Math.abs(p[i]! - expected) / Math.max(Math.abs(expected), 1e-2);
          expect(error, `step ${t + 1}, parameter ${i}: ${p[i]} vs ${expected}`).toBeLessThan(2e-5);
        });
      }
    });
  }

  it("updates only the slice it is given (so workers can each own one)", () => {
    for (const definition of elementWise) {
      const whole = definition.create(
        bindParams(definition.name, definition.params, parseSpec(definition.name)) as never,
        6,
        allocateLocal,
        groups(6),
      );
      const split = definition.create(
        bindParams(definition.name, definition.params, parseSpec(definition.name)) as never,
        6,
        allocateLocal,
        groups(6),
      );
      const a = Float32Array.of(1, 2, 3, 4, 5, 6);
      const b = Float32Array.from(a);
      for (let t = 1; t <= 3; t++) {
        const g = Float32Array.of(0.3, -0.2, 0.1, 0.5, -0.4, 0.05).map((v) => v * t);
        whole.step(a, g, 0, 6, { lr: 0.1, momentum: undefined, step: t }, NONE);
        split.step(b, g, 0, 2, { lr: 0.1, momentum: undefined, step: t }, NONE);
        split.step(b, g, 2, 6, { lr: 0.1, momentum: undefined, step: t }, NONE);
      }
      expect(Array.from(b), definition.name).toEqual(Array.from(a));
    }
  });

  it("create() only allocates: it writes nothing into state memory", () => {
    for (const definition of builtinOptimizers) {
      const arrays: Float32Array[] = [];
      const spec = definition.name === "adagrad" ? "adagrad(initialAccumulatorValue=0.5)" : definition.name;
      definition.create(
        bindParams(definition.name, definition.params, parseSpec(spec)) as never,
        4,
        (n) => {
          const a = new Float32Array(n).fill(7);
          arrays.push(a);
          return a;
        },
        groups(4),
      );
      for (const a of arrays) expect(Array.from(a), definition.name).toEqual(new Array(a.length).fill(7));
    }
  });

  it("instances sharing state memory, each updating its own slice at different steps, act as one", () => {
    for (const spec of [
      "sgd(momentum=0.9, dampening=0.2)",
      "adagrad(initialAccumulatorValue=0.5)",
      "rmsprop(momentum=0.5, centered=true)",
      "adam(amsgrad=true)",
      "adamw",
      "adadelta",
    ]) {
      const call = parseSpec(spec);
      const definition = builtinOptimizers.find((d) => d.name === call.name)!;
      const values = bindParams(definition.name, definition.params, call) as never;
      const arena: Float32Array[] = [];
      let next = 0;
      const shared = (n: number) => {
        arena[next] ??= new Float32Array(n);
        return arena[next++]!;
      };
      const one = definition.create(values, 6, allocateLocal, groups(6));
      const first = definition.create(values, 6, shared, groups(6));
      next = 0;
      const second = definition.create(values, 6, shared, groups(6)); // created later, over the same memory
      const a = Float32Array.of(1, -2, 3, 0.5, -1, 2);
      const b = Float32Array.from(a);
      for (let t = 1; t <= 4; t++) {
        const g = Float32Array.of(0.3, -0.2, 0.1, 0.5, -0.4, 0.05).map((v) => v * t);
        const hyper = { lr: 0.05, momentum: t === 1 ? 0 : undefined, step: t };
        one.step(a, g, 0, 6, hyper, NONE);
        (t % 2 ? first : second).step(b, g, 0, 3, hyper, NONE);
        (t % 2 ? second : first).step(b, g, 3, 6, hyper, NONE);
      }
      expect(Array.from(b), spec).toEqual(Array.from(a));
    }
  });
});
