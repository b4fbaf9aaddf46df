import { describe, expect, it } from "vitest";
import { useUpdateKernelsOn } from "../src/index.ts";
import { kernelsFor } from "../src/optim/update-kernel.ts";
import {
  type AdamSettings,
  adadeltaUpdate,
  adagradUpdate,
  adamUpdate,
  rmspropUpdate,
  type SgdSettings,
  sgdUpdate,
} from "../src/plugin-api.ts";

/**
 * sgdUpdate runs as SIMD on arrays in a registered memory (the worker pool's: lrsim's C when the
 * native build loads, else WebAssembly) and as a JavaScript loop elsewhere (in-process runs):
 * all must give the same bits, or runs would differ between 0 workers and more.
 */
describe.each(["native", "wasm"] as const)("sgdUpdate, %s", (use) => {
  const n = 1031; // odd: the scalar tail runs too
  const fill = (a: Float32Array, seed: number) => {
    for (let i = 0; i < a.length; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      a[i] = (seed / 2 ** 31 - 0.5) * 10 ** ((seed % 5) - 2);
    }
  };
  const cases: SgdSettings[] = [
    { lr: 0.1, weightDecay: 0, momentum: 0, dampening: 0, nesterov: false, fresh: false },
    { lr: 0.037, weightDecay: 5e-4, momentum: 0, dampening: 0, nesterov: false, fresh: false },
    { lr: 0.05, weightDecay: 1e-4, momentum: 0.9, dampening: 0, nesterov: false, fresh: true },
    { lr: 0.05, weightDecay: 1e-4, momentum: 0.9, dampening: 0.1, nesterov: false, fresh: false },
    { lr: 0.3, weightDecay: 0, momentum: 0.85, dampening: 0, nesterov: true, fresh: false },
    // a -0 setting stays -0 in every lane (p - -0 g differs from p - +0 g where p is -0)
    { lr: -0, weightDecay: 0, momentum: 0, dampening: 0, nesterov: false, fresh: false },
  ];

  it("gives the JavaScript loop's bits in SIMD, with and without momentum, weight decay, Nesterov", () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    useUpdateKernelsOn(memory, use);
    for (const settings of cases) {
      const [p, g, buf] = [0, 1, 2].map((k) => new Float32Array(memory.buffer, k * 4 * 1040, n)) as [
        Float32Array,
        Float32Array,
        Float32Array,
      ];
      fill(p, 1);
      fill(g, 2);
      fill(buf, 3);
      for (const at of [4, 9, n - 1]) p[at] = -0; // in the vector part and the scalar tail
      const [pJs, gJs, bufJs] = [p.slice(), g.slice(), buf.slice()];
      const before = p[7];
      sgdUpdate(p, g, buf, 3, n, settings);
      sgdUpdate(pJs, gJs, bufJs, 3, n, settings);
      if (settings.lr !== 0) expect(p[7]).not.toBe(before); // the update ran at all
      for (let i = 0; i < n; i++) {
        expect(Object.is(p[i], pJs[i]), `p[${i}] ${JSON.stringify(settings)}`).toBe(true);
        expect(Object.is(buf[i], bufJs[i]), `buf[${i}] ${JSON.stringify(settings)}`).toBe(true);
      }
    }
  });
});

/**
 * The adaptive optimizers' updates, likewise: SIMD on a registered memory, the loop elsewhere,
 * the same bits — over several steps, so the moments the first step wrote feed the next.
 */
describe("adamUpdate, rmspropUpdate, adagradUpdate, adadeltaUpdate", () => {
  const n = 1031; // odd: the scalar tail runs too
  const fill = (a: Float32Array, seed: number, positive = false) => {
    for (let i = 0; i < a.length; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const x = (seed / 2 ** 31 - 0.5) * 10 ** ((seed % 5) - 2);
      a[i] = positive ? Math.abs(x) : x;
    }
  };
  /** `arrays` views (n floats each) in a registered shared memory, filled, and plain copies of them. */
  const twins = (count: number, positive: readonly number[], use: "native" | "wasm") => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    useUpdateKernelsOn(memory, use);
    const simd = Array.from({ length: count }, (_, k) => new Float32Array(memory.buffer, k * 4 * 1040, n));
    simd.forEach((a, k) => {
      fill(a, k + 1, positive.includes(k));
    });
    expect(kernelsFor(...simd), "the SIMD kernels are registered for this memory").toBeDefined();
    return { simd, js: simd.map((a) => a.slice()) };
  };
  const expectSameBits = (simd: Float32Array[], js: Float32Array[], label: string) => {
    for (let k = 0; k < simd.length; k++)
      for (let i = 0; i < n; i++)
        expect(Object.is(simd[k]![i], js[k]![i]), `array ${k}[${i}] ${label}`).toBe(true);
  };

  const adamCases = (["native", "wasm"] as const).flatMap((use) => [
    { use, decoupled: false, weightDecay: 0, amsgrad: false, beta1: 0.9 },
    { use, decoupled: false, weightDecay: 1e-3, amsgrad: true, beta1: 0.85 },
    { use, decoupled: true, weightDecay: 0.01, amsgrad: false, beta1: 0.9 },
    { use, decoupled: true, weightDecay: 0.05, amsgrad: true, beta1: 0.95 },
  ]);
  it.each(adamCases)(
    "adam %o: the JavaScript loop's bits in SIMD",
    ({ use, decoupled, weightDecay, amsgrad, beta1 }) => {
      // p, g, m, v, vMax
      const { simd, js } = twins(5, [3, 4], use);
      // Math.max's edge cases in AMSGrad's running maximum: a NaN gradient, a NaN maximum, a
      // -0 maximum against a +0 moment (+0 wins); both in the vector part and the scalar tail.
      for (const arrays of [simd, js])
        for (const at of [5, n - 2]) {
          const [, g, m, v, vMax] = arrays as [
            Float32Array,
            Float32Array,
            Float32Array,
            Float32Array,
            Float32Array,
          ];
          g[at] = Number.NaN;
          vMax[at + 1] = Number.NaN;
          g[at - 1] = 0;
          m[at - 1] = 0;
          v[at - 1] = 0;
          vMax[at - 1] = -0;
        }
      const before = simd[0]![7];
      for (let step = 1; step <= 4; step++) {
        const lr = 0.001 * step;
        const settings: AdamSettings = {
          beta1,
          beta2: 0.999,
          eps: 1e-8,
          l2: decoupled ? 0 : weightDecay,
          decoupled,
          shrink: decoupled ? 1 - lr * weightDecay : 1,
          stepSize: lr / (1 - beta1 ** step),
          correction2: Math.sqrt(1 - 0.999 ** step),
        };
        for (const [p, g, m, v, vMax] of [simd, js] as Float32Array[][])
          adamUpdate(p!, g!, m!, v!, amsgrad ? vMax : undefined, 3, n, settings);
      }
      expect(simd[0]![7]).not.toBe(before); // the update ran at all
      expect(simd[0]![1]).toBe(js[0]![1]); // and left p[0..3) alone
      expectSameBits(simd, js, JSON.stringify({ use, decoupled, weightDecay, amsgrad }));
    },
  );

  const rmspropCases = (["native", "wasm"] as const).flatMap((use) => [
    { use, centered: false, momentum: 0, weightDecay: 0 },
    { use, centered: true, momentum: 0, weightDecay: 1e-4 },
    { use, centered: false, momentum: 0.9, weightDecay: 1e-4 },
    { use, centered: true, momentum: 0.5, weightDecay: 0 },
  ]);
  it.each(rmspropCases)(
    "rmsprop %o: the JavaScript loop's bits in SIMD",
    ({ use, centered, momentum, weightDecay }) => {
      // p, g, squareAvg, gradAvg, buffer; gradAvg small against squareAvg, as in training
      const { simd, js } = twins(5, [2], use);
      for (const arrays of [simd, js]) for (let i = 0; i < n; i++) arrays[3]![i] = arrays[3]![i]! * 1e-3;
      const before = simd[0]![7];
      for (let step = 1; step <= 3; step++)
        for (const [p, g, sq, ga, buf] of [simd, js] as Float32Array[][])
          rmspropUpdate(p!, g!, sq!, centered ? ga : undefined, buf!, 3, n, {
            lr: 0.01 / step,
            alpha: 0.99,
            eps: 1e-8,
            weightDecay,
            momentum,
          });
      expect(simd[0]![7]).not.toBe(before);
      expectSameBits(simd, js, JSON.stringify({ use, centered, momentum, weightDecay }));
    },
  );

  it.each(
    (["native", "wasm"] as const).flatMap((use) => [
      { use, initial: 0, weightDecay: 0 },
      { use, initial: 0.1, weightDecay: 1e-3 },
    ]),
  )("adagrad %o: the JavaScript loop's bits in SIMD", ({ use, initial, weightDecay }) => {
    // p, g, excess
    const { simd, js } = twins(3, [2], use);
    const before = simd[0]![7];
    for (let step = 1; step <= 3; step++)
      for (const [p, g, excess] of [simd, js] as Float32Array[][])
        adagradUpdate(p!, g!, excess!, 3, n, {
          clr: 0.01 / (1 + (step - 1) * 0.1),
          weightDecay,
          initial,
          eps: 1e-10,
        });
    expect(simd[0]![7]).not.toBe(before);
    expectSameBits(simd, js, JSON.stringify({ use, initial, weightDecay }));
  });

  it.each(
    (["native", "wasm"] as const).flatMap((use) => [
      { use, rho: 0.9, weightDecay: 0 },
      { use, rho: 0.95, weightDecay: 1e-3 },
    ]),
  )("adadelta %o: the JavaScript loop's bits in SIMD", ({ use, rho, weightDecay }) => {
    // p, g, squareAvg, accDelta
    const { simd, js } = twins(4, [2, 3], use);
    const before = simd[0]![7];
    for (let step = 1; step <= 3; step++)
      for (const [p, g, sq, acc] of [simd, js] as Float32Array[][])
        adadeltaUpdate(p!, g!, sq!, acc!, 3, n, { lr: 1 / step, rho, eps: 1e-6, weightDecay });
    expect(simd[0]![7]).not.toBe(before);
    expectSameBits(simd, js, JSON.stringify({ use, rho, weightDecay }));
  });
});
