import { averageGradient, squaredNormRange } from "@lrsim/core";
import { describe, expect, it } from "vitest";
import { createSharedArena, reduceKernel } from "../src/reduce-kernel.ts";

/**
 * The pool's reductions (C and WebAssembly SIMD) must give the in-process backend's bits: the
 * slot sum of a Float32Array loop, averageGradient's division and finiteness check,
 * blockedSquaredNorm's order. The native one is built by `pnpm install`, as the WebAssembly one is.
 */
describe.each(["native", "wasm"] as const)("the %s reduction kernel", (use) => {
  // 1031 = 64 x 16 + 4 + 3: the kernel's loop over whole cache lines, its one-vector loop and its
  // scalar tail all run
  const P = 1031;
  const slots = 5;
  const stride = Math.ceil((4 * P) / 64) * 64;
  const setup = () => {
    const arena = createSharedArena(stride * (slots + 1));
    const f32 = new Float32Array(arena.buffer);
    let seed = 7;
    for (let i = 0; i < f32.length; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      f32[i] = (seed / 2 ** 31 - 0.5) * 10 ** ((seed % 7) - 3);
    }
    return { kernel: reduceKernel(arena, use), f32 };
  };
  const reference = (f32: Float32Array, batchSize: number) => {
    const sum = new Float32Array(P);
    for (let s = 0; s < slots; s++)
      for (let i = 0; i < P; i++) sum[i] = sum[i]! + f32[stride / 4 + (s * stride) / 4 + i]!;
    const finite = averageGradient(sum, 0, P, batchSize);
    return { sum, finite };
  };

  it("sums slots in order and divides by the batch size to the bit of the JavaScript loops", () => {
    const { kernel, f32 } = setup();
    const expected = reference(f32, 300);
    expect(kernel.accumulate(0, stride, stride, 0, P, slots, true, 300)).toBe(1);
    const got = f32.slice(0, P);
    expect(expected.finite).toBe(true);
    for (let i = 0; i < P; i++) expect(Object.is(got[i], expected.sum[i]), `element ${i}`).toBe(true);
  });

  it("reports a non-finite mean gradient, in the vector part and in the tail", () => {
    for (const at of [5, 1025, P - 1]) {
      const { kernel, f32 } = setup();
      f32[stride / 4 + 2 * (stride / 4) + at] = Number.POSITIVE_INFINITY;
      expect(kernel.accumulate(0, stride, stride, 0, P, slots, true, 300), `infinity at ${at}`).toBe(0);
    }
    const { kernel, f32 } = setup();
    f32[stride / 4 + 17] = Number.NaN;
    expect(kernel.accumulate(0, stride, stride, 0, P, slots, true, 300)).toBe(0);
  });

  it("does not mistake large finite means for an overflow", () => {
    const { kernel, f32 } = setup();
    // Neighbouring elements near float32's maximum, whose sum would overflow: still finite.
    for (const at of [0, 4, 8, 12]) f32[stride / 4 + at] = 3e38;
    const expected = reference(f32, 1);
    expect(expected.finite).toBe(true);
    expect(kernel.accumulate(0, stride, stride, 0, P, slots, true, 1)).toBe(1);
  });

  it("computes squared norms in squaredNormRange's order, to the bit", () => {
    const { kernel, f32 } = setup();
    for (const [from, to] of [
      [0, P],
      [4, 1026],
      [8, 9],
    ] as const)
      expect(kernel.squaredNorm(stride, from, to)).toBe(
        squaredNormRange(f32, stride / 4 + from, stride / 4 + to),
      );
  });
});

describe("the native and WebAssembly reductions", () => {
  it("agree bit for bit over rounds, block ranges, slot counts and batch sizes", () => {
    const P = 5000;
    const stride = Math.ceil((4 * P) / 64) * 64;
    const slots = 9;
    const arena = createSharedArena(stride * (slots + 2));
    const f32 = new Float32Array(arena.buffer);
    const native = reduceKernel(arena, "native");
    const wasm = reduceKernel(arena, "wasm");
    let seed = 11;
    const fill = () => {
      for (let i = 0; i < f32.length; i++) {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        // magnitudes from 1e-30 to 1e30, some negative zeros: every rounding case of a sum
        f32[i] = seed % 97 === 0 ? -0 : (seed / 2 ** 31 - 0.5) * 10 ** ((seed % 61) - 30);
      }
    };
    const cases = [
      { from: 0, to: P, count: slots, first: true, batch: 4096 },
      { from: 4096, to: P, count: 3, first: false, batch: 0 },
      { from: 13, to: 4096 + 13, count: 1, first: false, batch: 777 },
      { from: 100, to: 117, count: 0, first: true, batch: 3 },
      { from: 0, to: 63, count: slots, first: false, batch: 1 },
    ];
    for (const c of cases) {
      fill();
      const saved = f32.slice();
      const grad = stride * (slots + 1);
      const okNative = native.accumulate(grad, 0, stride, c.from, c.to, c.count, c.first, c.batch);
      const fromNative = f32.slice(grad / 4, grad / 4 + P);
      f32.set(saved);
      const okWasm = wasm.accumulate(grad, 0, stride, c.from, c.to, c.count, c.first, c.batch);
      const fromWasm = f32.slice(grad / 4, grad / 4 + P);
      expect(okNative, JSON.stringify(c)).toBe(okWasm);
      expect(Buffer.from(fromNative.buffer).equals(Buffer.from(fromWasm.buffer)), JSON.stringify(c)).toBe(
        true,
      );
      // outside [from, to) nothing was written
      for (const outside of [c.from - 1, c.to].filter((i) => i >= 0 && i < P))
        expect(Object.is(fromNative[outside], saved[grad / 4 + outside]), `element ${outside}`).toBe(true);
    }
  });

  it("refuses ranges outside the shared memory instead of touching it", () => {
    const arena = createSharedArena(65536);
    const native = reduceKernel(arena, "native");
    expect(() => native.accumulate(0, 0, 65536, 0, 16, 2, true, 1)).toThrow(/past the bound buffer/);
    expect(() => native.accumulate(65536 - 32, 0, 64, 0, 16, 1, true, 1)).toThrow(/past the bound buffer/);
    expect(() => native.accumulate(0, 64, 64, 9, 8, 1, true, 1)).toThrow(/from <= to/);
  });
});
