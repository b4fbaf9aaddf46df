import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * What the native kernels' bits depend on. They are written so that every output is one fixed
 * chain of fused multiply-adds on 16-float vectors, whatever the CPU splits those vectors into:
 * compiled for AVX2 (two 256-bit halves) and for this machine (AVX-512 here), by the compiler
 * node-gyp uses, they must give the same bits; without fused multiply-add (plain x86-64) they
 * must not, which is what docs/training.md says about `kernel=native`. x86-64 only, the CPUs
 * these builds target.
 */
const native = fileURLToPath(new URL("../native/", import.meta.url));
const harness = fileURLToPath(new URL("./fixtures/native-bits.c", import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), "lrsim-native-bits-"));

function hashesFor(march: string): string {
  const binary = join(scratch, `bits-${march}`);
  execFileSync(
    "cc",
    [
      `-march=${march}`,
      "-O3",
      "-std=gnu11", // binding.gyp's flags: contraction comes from GNU C's default and the source's pragma
      "-I",
      native,
      join(native, "dense-kernels.c"),
      harness,
      "-o",
      binary,
      "-lm",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  return execFileSync(binary, { encoding: "utf8" });
}

describe.runIf(process.arch === "x64")("the native kernels' bits", () => {
  it("are the same built for AVX2 with FMA and for this machine's CPU", () => {
    const avx2 = hashesFor("x86-64-v3");
    expect(avx2).toMatch(/^gemmNT [0-9a-f]{16}\ngemmTNAcc [0-9a-f]{16}\ngemmNN [0-9a-f]{16}\n$/);
    expect(hashesFor("native")).toBe(avx2);
  });

  it("differ without fused multiply-add (plain x86-64)", () => {
    expect(hashesFor("x86-64")).not.toBe(hashesFor("x86-64-v3"));
  });
});
