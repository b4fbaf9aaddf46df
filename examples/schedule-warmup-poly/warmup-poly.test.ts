import { createScheduleRegistry } from "@lrsim/builtins";
import { buildSchedule, sampleSchedule } from "@lrsim/core";
import { describe, expect, it } from "vitest";
import warmupPoly from "./warmup-poly.js";

const registry = createScheduleRegistry();
registry.register(warmupPoly);

describe("example schedule plugin: warmuppoly", () => {
  it("warms up linearly, then decays with the given power to endLr", () => {
    const s = buildSchedule(registry, "warmuppoly(lr=1, warmup=4, total=12, power=2)");
    const lr = sampleSchedule(s, 14).lr;
    expect(lr.slice(0, 4)).toEqual([0.25, 0.5, 0.75, 1]);
    expect(lr[4]).toBe(1); // (1 - 0/8)^2
    expect(lr[8]).toBe(0.25); // (1 - 4/8)^2
    expect(lr.slice(12)).toEqual([0, 0]);
  });

  it("takes warmup and total from the run, and writes them into its canonical spec", () => {
    const s = buildSchedule(registry, "warmuppoly(power=2)", { length: 100 });
    expect(s.spec).toBe("warmuppoly(warmup=10, total=100, power=2)");
    expect(buildSchedule(registry, s.spec).at(50)).toEqual(s.at(50));
  });

  it("refuses a warm-up as long as the whole schedule", () => {
    expect(() => buildSchedule(registry, "warmuppoly(warmup=10, total=10)")).toThrow(
      "warmup (10) must be shorter than total (10)",
    );
  });
});
