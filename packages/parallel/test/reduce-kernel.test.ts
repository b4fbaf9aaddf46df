import { averageGradient, squaredNormRange } from "@lrsim/core";
import { describe, expect, it } from "vitest";
import { createSharedArena, reduceKernel } from "../src/reduce-kernel.ts";

/**
 * The pool's SIMD reduction must give the in-process backend's bits: the slot sum of a
 * Float32Array loop, averageGradient's division and finiteness check, blockedSquaredNorm's order.
 */
describe("the reduction kernel", () => {
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
    return { kernel: reduceKernel(arena), f32 };
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
