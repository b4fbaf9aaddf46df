import { describe, expect, it } from "vitest";
import { documentedFiles, normalize, refresh, shellWords } from "../scripts/docs/examples.ts";

/**
 * compare.md runs the headline comparison (3 schedules x 20 epochs of the MNIST MLP): about 10 s
 * on an idle machine, past vitest's 60 s on 2 cores shared with other work. A timeout, not a
 * timing assertion.
 */
const HEADLINE_TIMEOUT = 240_000;

describe("documented examples", () => {
  it("splits command lines like a shell", () => {
    expect(shellWords(`lrsim schedule "step(lr=0.1, stepSize=3)" --steps 5 'a b'`)).toEqual([
      "lrsim",
      "schedule",
      "step(lr=0.1, stepSize=3)",
      "--steps",
      "5",
      "a b",
    ]);
  });

  for (const file of documentedFiles()) {
    it(
      `${file.replace(/.*\/(docs\/)?/, "$1")}: every $ lrsim block shows what lrsim prints (pnpm docs:examples rewrites them)`,
      async () => {
        const { drifts } = await refresh(file);
        for (const drift of drifts)
          expect(normalize(drift.actual), `"${drift.command}" in ${drift.file}`).toBe(
            normalize(drift.documented),
          );
      },
      HEADLINE_TIMEOUT,
    );
  }
});
