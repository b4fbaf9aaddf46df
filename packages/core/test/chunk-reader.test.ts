import { type ByteSplit, ChunkReader, type DataSplit } from "@lrsim/core";
import { describe, expect, it } from "vitest";

/** `n` samples of `inputs` bytes in `groups` channels, placed `shift` bytes into their buffer. */
function byteSplit(n: number, inputs: number, groups: number, shift: number): ByteSplit {
  const buffer = new Uint8Array(shift + n * inputs);
  for (let i = 0; i < n * inputs; i++) buffer[shift + i] = (i * 37 + 11) % 256;
  return {
    size: n,
    bytes: buffer.subarray(shift),
    y: Float32Array.from({ length: n }, (_, i) => i % 3),
    offset: Float64Array.from({ length: groups }, (_, g) => 10 * g + 0.5),
    divisor: Float64Array.from({ length: groups }, (_, g) => 3 + g),
  };
}

describe("ChunkReader", () => {
  it("passes a float32 split through untouched", () => {
    const split: DataSplit = { size: 2, x: new Float32Array(4), y: new Float32Array(2) };
    const indices = Int32Array.from([1, 0]);
    const view = new ChunkReader(2, 1).read(split, indices, 1, 2);
    expect(view.data).toBe(split);
    expect(view.indices).toBe(indices);
    expect([view.start, view.end]).toEqual([1, 2]);
  });

  it.each([
    ["one channel", 16, 1],
    ["three channels", 24, 3],
  ])(
    "decodes %s the same four bytes at a time (aligned) as one at a time (unaligned)",
    (_name, inputs, groups) => {
      const aligned = byteSplit(7, inputs, groups, 0);
      const unaligned = byteSplit(7, inputs, groups, 1);
      const indices = Int32Array.from([6, 2, 5, 0, 3, 1, 4]);
      const a = new ChunkReader(inputs, 1).read(aligned, indices, 2, 6);
      const expected: number[] = [];
      for (const sample of indices.subarray(2, 6))
        for (let f = 0; f < inputs; f++) {
          const g = Math.floor(f / (inputs / groups));
          expected.push(
            Math.fround((aligned.bytes[sample * inputs + f]! - aligned.offset[g]!) / aligned.divisor[g]!),
          );
        }
      expect([a.start, a.end]).toEqual([0, 4]);
      expect(Array.from(a.indices.subarray(0, 4))).toEqual([0, 1, 2, 3]);
      expect(Array.from(a.data.x.subarray(0, 4 * inputs))).toEqual(expected);
      expect(Array.from(a.data.y.subarray(0, 4))).toEqual([5 % 3, 0, 3 % 3, 1]);
      const b = new ChunkReader(inputs, 1).read(unaligned, indices, 2, 6);
      expect(Array.from(b.data.x.subarray(0, 4 * inputs))).toEqual(expected);
    },
  );
});
