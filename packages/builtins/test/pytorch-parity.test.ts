import { readFileSync } from "node:fs";
import { createScheduleRegistry } from "@lrsim/builtins";
import { buildSchedule } from "@lrsim/core";
import { describe, expect, it } from "vitest";

/**
 * Every case in the fixture was produced by torch.optim.lr_scheduler (scripts/pytorch-fixtures).
 * lrsim must agree at every step to 1e-12 relative; values that PyTorch computes as exactly
 * zero-ish (cosine at its trough) are compared with an absolute floor of 1e-15 of the peak.
 */
interface Case {
  spec: string;
  steps: number;
  lr: number[];
  momentum?: number[];
  metrics?: number[];
}
const fixture = JSON.parse(
  readFileSync(new URL("./fixtures/pytorch-schedules.json", import.meta.url), "utf8"),
) as {
  torch: string;
  cases: Case[];
};

const RELATIVE = 1e-12;

function expectClose(actual: number[], expected: number[], what: string): void {
  const scale = Math.max(...expected.map(Math.abs));
  const worst = { t: -1, error: 0 };
  expected.forEach((e, t) => {
    const error = Math.abs(actual[t]! - e) / Math.max(Math.abs(e), 1e-3 * scale);
    if (error > worst.error) Object.assign(worst, { t, error });
  });
  expect(worst.error, `${what}: worst relative error ${worst.error} at t=${worst.t}`).toBeLessThanOrEqual(
    RELATIVE,
  );
}

describe(`schedules equal PyTorch ${fixture.torch}`, () => {
  const registry = createScheduleRegistry();
  it("has fixtures for every schedule PyTorch has", () => {
    const covered = new Set(fixture.cases.map((c) => c.spec.slice(0, c.spec.indexOf("("))));
    const withPytorch = registry
      .list()
      .filter((d) => d.pytorch)
      .map((d) => d.name);
    for (const name of withPytorch) expect(covered, name).toContain(name);
  });

  for (const c of fixture.cases) {
    it(c.spec, () => {
      const schedule = buildSchedule(registry, c.spec);
      expect(schedule.spec).toBe(buildSchedule(registry, schedule.spec).spec);
      const lr: number[] = [];
      const momentum: number[] = [];
      for (let t = 0; t < c.steps; t++) {
        const value = schedule.at(t);
        lr.push(value.lr);
        if (value.momentum !== undefined) momentum.push(value.momentum);
        if (c.metrics) schedule.observe(t, c.metrics[t]!);
      }
      expectClose(lr, c.lr, "lr");
      if (c.momentum) {
        expect(momentum).toHaveLength(c.steps);
        expectClose(momentum, c.momentum, "momentum");
      }
    });
  }
});
