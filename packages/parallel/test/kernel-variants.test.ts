import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * The WebAssembly dense kernels come in two builds — plain SIMD and relaxed SIMD's fused
 * multiply-add — and the runtime decides which one a process loads. Each is run here in a child
 * process with the V8 flag that selects it, so both are checked on any Node version; so is the
 * native kernel (`kernel=native`, C built at install for this CPU): bit-identical runs for 0, 1,
 * 2 and 4 workers, and the same training to float32 rounding across the three.
 */
const script = fileURLToPath(new URL("./fixtures/kernel-variant-runs.ts", import.meta.url));

function runVariant(flag: string): { variant: string; runs: Record<string, string>; finalLoss: number } {
  const native = flag === "native";
  const out = execFileSync(
    process.execPath,
    [
      ...(native ? [] : [flag]),
      "--conditions=@lrsim/source",
      "--import",
      "tsx",
      script,
      ...(native ? ["native"] : []),
    ],
    { encoding: "utf8", timeout: 180_000 },
  );
  return JSON.parse(out.trim().split("\n").at(-1)!);
}

describe("every build of the dense kernels", () => {
  const variants = [
    ["simd", "--no-experimental-wasm-relaxed-simd"],
    ["relaxed-simd", "--experimental-wasm-relaxed-simd"],
    ["native", "native"],
  ] as const;
  const results = new Map<string, ReturnType<typeof runVariant>>();
  for (const [variant, flag] of variants)
    it(`${variant}: runs are bit-for-bit identical with 0, 1, 2 and 4 workers`, () => {
      const result = runVariant(flag);
      results.set(variant, result);
      expect(result.variant).toBe(variant);
      for (const workers of ["1", "2", "4"])
        expect(result.runs[workers], `${workers} workers`).toBe(result.runs["0"]);
    }, 200_000);

  it("train the same network to float32 rounding", () => {
    const plain = results.get("simd")!.finalLoss;
    expect(plain).toBeGreaterThan(0);
    for (const other of ["relaxed-simd", "native"]) {
      const loss = results.get(other)!.finalLoss;
      expect(Math.abs(loss - plain) / plain, other).toBeLessThan(1e-3);
    }
  });
});
