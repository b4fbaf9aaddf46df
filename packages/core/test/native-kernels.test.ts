import { describe, expect, it } from "vitest";
import { createConvNetwork } from "../src/nn/conv-model.ts";
import {
  bindNativeKernels,
  missingCpuFeatures,
  nativeDenseAddon,
  nativeKernelsUnavailable,
} from "../src/nn/native-module.ts";
import { denseKernelModule, instantiateKernels } from "../src/nn/wasm-module.ts";

/**
 * The native dense kernels are built by `pnpm install` (packages/core/native/build.mjs); these
 * tests need them, as the training tests need the WebAssembly build. Gradients are checked in
 * the builtins' mlp tests and determinism across worker counts in the pool's kernel-variant
 * test; here, the binding's own contract.
 */
const native = () => {
  const addon = nativeDenseAddon();
  expect(addon, nativeKernelsUnavailable()).not.toBeNull();
  return addon!;
};

describe("the native dense kernels' binding", () => {
  it("loads, and reports the vector width it was compiled for", () => {
    expect([128, 256, 512]).toContain(native().vectorBits);
    expect(nativeKernelsUnavailable()).toBe("");
  });

  it("computes in the bound buffer at byte offsets, as the WebAssembly module does", () => {
    const m = 5;
    const n = 3;
    const k = 37; // not a multiple of the vector width: the scalar tail runs too
    const floats = m * k + n * k + n + m * n;
    const fill = (f32: Float32Array) => {
      for (let i = 0; i < floats; i++) f32[i] = ((i * 37) % 11) / 8 - 0.6;
    };
    const at = { a: 0, b: 4 * m * k, bias: 4 * (m * k + n * k), c: 4 * (m * k + n * k + n) };
    const run = (kernels: ReturnType<typeof bindNativeKernels>) => {
      const f32 = new Float32Array(kernels.memory.buffer);
      fill(f32);
      kernels.gemmNT(at.a, at.b, at.bias, at.c, m, n, k);
      return Array.from(f32.subarray(at.c / 4, at.c / 4 + m * n));
    };
    const nativeOut = run(bindNativeKernels(native(), 4 * floats));
    const wasmOut = run(instantiateKernels(denseKernelModule()!, 4 * floats));
    for (let i = 0; i < m * n; i++) expect(nativeOut[i]).toBeCloseTo(wasmOut[i]!, 4);
  });

  it("keeps NaN through ReLU, as f32x4.max does, so a diverged run is still seen", () => {
    const kernels = bindNativeKernels(native(), 64);
    const f32 = new Float32Array(kernels.memory.buffer);
    f32.set([Number.NaN, -1, 2, -0.5]);
    kernels.relu(0, 4);
    expect(Array.from(f32.subarray(0, 4))).toEqual([Number.NaN, 0, 2, 0]);
  });

  it("touches nothing once its buffer was transferred away (detached)", () => {
    const kernels = bindNativeKernels(native(), 256);
    const before = structuredClone(kernels.memory.buffer, { transfer: [kernels.memory.buffer] });
    expect(before.byteLength).toBe(256);
    expect(() => kernels.relu(0, 4)).toThrow("a matrix reaches past the bound buffer");
  });

  it("refuses a matrix that reaches past the buffer, and arguments that are not numbers", () => {
    const kernels = bindNativeKernels(native(), 256);
    expect(() => kernels.gemmNT(0, 0, 0, 0, 16, 16, 16)).toThrow(RangeError);
    expect(() => kernels.relu(-4, 1)).toThrow("offsets and sizes must be integers in [0, 2^31)");
    for (const bad of [2 ** 31, Number.NaN, Number.POSITIVE_INFINITY, 1.5])
      expect(() => kernels.relu(bad, 1), String(bad)).toThrow(RangeError);
    expect(() => kernels.relu("0" as unknown as number, 1)).toThrow("arguments must be numbers or booleans");
    expect(() => native().bind({} as unknown as ArrayBuffer)).toThrow(
      "bind() takes an ArrayBuffer or a Uint8Array",
    );
    expect(() => native().bind(new Float32Array(4) as unknown as ArrayBuffer)).toThrow(
      "bind() takes a Uint8Array starting at its buffer's first byte",
    );
    expect(() => native().bind(new Uint8Array(new SharedArrayBuffer(64), 16))).toThrow(
      "bind() takes a Uint8Array starting at its buffer's first byte",
    );
  });

  it("binds a shared buffer through a Uint8Array, and bounds the pool's reduction and updates by it", () => {
    const shared = new SharedArrayBuffer(1024);
    const kernels = native().bind(new Uint8Array(shared));
    expect(kernels.memory.buffer).toBe(shared);
    const f32 = new Float32Array(shared);
    f32.fill(1);
    // 64 floats of p at byte 0, of g at byte 256: p -= 0.5 g
    kernels.sgd(0, 256, 512, 0, 64, 0.5, 0, 0, 0, false, false);
    expect(f32[0]).toBe(0.5);
    expect(f32[63]).toBe(0.5);
    expect(f32[64]).toBe(1); // g untouched
    expect(() => kernels.sgd(0, 256, 512, 0, 256, 0.5, 0, 0, 0, false, false)).toThrow(
      "past the bound buffer",
    );
    // with momentum the buffer must fit too
    expect(() => kernels.sgd(0, 0, 1000, 0, 16, 0.5, 0, 0.9, 0, false, false)).toThrow(
      "past the bound buffer",
    );
    expect(() => kernels.sgd(0, 0, 0, 9, 8, 0.5, 0, 0, 0, false, false)).toThrow("from <= to");
    // C reads floats aligned: byte offsets and strides must be a float's
    expect(() => kernels.sgd(2, 256, 512, 0, 4, 0.5, 0, 0, 0, false, false)).toThrow("multiples of 4");
    expect(() => kernels.accumulate(0, 256, 258, 0, 4, 2, true, 1)).toThrow("multiples of 4");
    // v_max is only read with amsgrad
    expect(() =>
      kernels.adam(0, 0, 0, 0, 4096, 0, 16, 0.9, 0.999, 1e-8, 0, 1, false, 0.001, 1, false),
    ).not.toThrow();
    expect(() =>
      kernels.adam(0, 0, 0, 0, 4096, 0, 16, 0.9, 0.999, 1e-8, 0, 1, false, 0.001, 1, true),
    ).toThrow("past the bound buffer");
    const adam = kernels.adam as unknown as (...args: unknown[]) => void;
    expect(() => adam(0, 0, 0, 0, 0, 0, 16, 0.9)).toThrow("too few arguments");
    // flags are booleans or numbers; nothing else
    expect(() => adam(0, 0, 0, 0, 0, 0, 16, 0.9, 0.999, 1e-8, 0, 1, "no", 0.001, 1, false)).toThrow(
      "arguments must be numbers or booleans",
    );
  });
});

it("a convolutional network asked for kernel=native says the native kernels are dense-only", () => {
  expect(() =>
    createConvNetwork(
      "conv(2, 3), relu",
      { inputs: 64, outputs: 2, task: "classification", image: { channels: 1, height: 8, width: 8 } },
      "native",
    ),
  ).toThrow("the native kernels compute dense networks only");
});

it("an addon built on a CPU with features this one lacks is refused before it can crash the process", () => {
  const record = JSON.stringify({ arch: process.arch, flags: ["fpu", "avx2", "avx512f"] });
  expect(missingCpuFeatures(record, "processor : 0\nflags : fpu sse2 avx2\n")).toBe("avx512f");
  expect(missingCpuFeatures(record, "flags\t: fpu avx2 avx512f avx512vl\n")).toBe("");
  expect(missingCpuFeatures(record, null)).toBe(""); // not Linux: cannot tell
  expect(missingCpuFeatures(JSON.stringify({ arch: "arm64", flags: [] }), null)).toMatch(
    process.arch === "arm64" ? /^$/ : /^built for arm64, this is /,
  );
});
