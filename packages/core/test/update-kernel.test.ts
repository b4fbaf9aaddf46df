import { describe, expect, it } from "vitest";
import { useUpdateKernelsOn } from "../src/index.ts";
import { type SgdSettings, sgdUpdate } from "../src/plugin-api.ts";

/**
 * sgdUpdate runs as WebAssembly SIMD on arrays in a registered memory (the worker pool's) and as
 * a JavaScript loop elsewhere (in-process runs): both must give the same bits, or runs would
 * differ between 0 workers and more.
 */
describe("sgdUpdate", () => {
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
  ];

  it("gives the JavaScript loop's bits in SIMD, with and without momentum, weight decay, Nesterov", () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    useUpdateKernelsOn(memory);
    for (const settings of cases) {
      const [p, g, buf] = [0, 1, 2].map((k) => new Float32Array(memory.buffer, k * 4 * 1040, n)) as [
        Float32Array,
        Float32Array,
        Float32Array,
      ];
      fill(p, 1);
      fill(g, 2);
      fill(buf, 3);
      const [pJs, gJs, bufJs] = [p.slice(), g.slice(), buf.slice()];
      const before = p[7];
      sgdUpdate(p, g, buf, 3, n, settings);
      sgdUpdate(pJs, gJs, bufJs, 3, n, settings);
      expect(p[7]).not.toBe(before); // the update ran at all
      for (let i = 0; i < n; i++) {
        expect(Object.is(p[i], pJs[i]), `p[${i}] ${JSON.stringify(settings)}`).toBe(true);
        expect(Object.is(buf[i], bufJs[i]), `buf[${i}] ${JSON.stringify(settings)}`).toBe(true);
      }
    }
  });
});
