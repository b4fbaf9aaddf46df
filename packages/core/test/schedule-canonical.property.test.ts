import { createScheduleRegistry } from "@lrsim/builtins";
import {
  buildSchedule,
  formatCall,
  formatString,
  isLrsimError,
  type Param,
  type ScheduleDefinition,
  type SpecCall,
} from "@lrsim/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

const registry = createScheduleRegistry();
const nestedPool = [
  "constant(lr=0.05)",
  "cosine(lr=0.1, tMax=12)",
  "exponential(lr=0.2, gamma=0.9)",
  "plateau(lr=0.1, patience=1)",
];

/** A value generator for one parameter descriptor, inside its declared range. */
function arbitraryFor(p: Param): fc.Arbitrary<string> {
  switch (p.type) {
    case "number": {
      const min = p.min ?? 0;
      if (p.integer)
        return fc.integer({ min: Math.max(min + (p.exclusiveMin ? 1 : 0), 1), max: 40 }).map(String);
      const max = p.max ?? 10;
      return fc
        .double({ min: min === 0 ? 1e-4 : min, max, noNaN: true })
        .filter((v) => (p.exclusiveMax ? v < max : true) && v > 0)
        .map(String);
    }
    case "boolean":
      return fc.boolean().map(String);
    case "choice":
      return fc.constantFrom(...p.choices);
    case "string":
      return fc.string({ maxLength: 8 }).map(formatString);
    case "numbers":
      return fc
        .uniqueArray(fc.integer({ min: 1, max: 60 }), { minLength: 1, maxLength: 4 })
        .map((a) => `[${a.sort((x, y) => x - y).join(",")}]`);
    case "spec":
      return fc.constantFrom(...nestedPool);
    case "specs":
      return fc.constantFrom(`[${nestedPool[0]}, ${nestedPool[1]}]`);
  }
}

function arbitrarySpec(definition: ScheduleDefinition): fc.Arbitrary<string> {
  const entries = Object.entries(definition.params).map(([name, p]) =>
    fc.option(
      arbitraryFor(p).map((v) => `${name}=${v}`),
      { nil: undefined },
    ),
  );
  return fc
    .tuple(...entries)
    .map((args) => `${definition.name}(${args.filter((a) => a !== undefined).join(", ")})`);
}

describe("canonical schedule specs", () => {
  for (const definition of registry.list()) {
    it(`${definition.name}: canonical spec rebuilds the same schedule`, () => {
      let built = 0;
      fc.assert(
        fc.property(arbitrarySpec(definition), (text) => {
          let schedule: ReturnType<typeof buildSchedule>;
          try {
            schedule = buildSchedule(registry, text.replace("()", ""), { length: 50, batchSize: 32 });
          } catch (error) {
            // Cross-parameter checks may reject a random combination; they must say so politely.
            expect(isLrsimError(error), String(error)).toBe(true);
            return;
          }
          built++;
          const again = buildSchedule(registry, schedule.spec);
          expect(again.spec).toBe(schedule.spec);
          for (let t = 0; t < 60; t++) expect(again.at(t)).toEqual(schedule.at(t));
        }),
        { numRuns: 150 },
      );
      expect(built, "at least some random specs must be valid").toBeGreaterThan(10);
    });
  }

  it("omits defaults and keeps derived values explicit", () => {
    expect(buildSchedule(registry, "step(lr=0.1, stepSize=30, gamma=0.1)").spec).toBe("step(stepSize=30)");
    expect(buildSchedule(registry, "cosine", { length: 90 }).spec).toBe("cosine(tMax=90)");
    expect(buildSchedule(registry, "onecycle(0.5)", { length: 100 }).spec).toBe(
      "onecycle(maxLr=0.5, totalSteps=100)",
    );
    expect(buildSchedule(registry, "warmup(steps=5, then=cosine(tMax=20))").spec).toBe(
      "warmup(steps=5, then=cosine(tMax=20, unit=step))",
    );
    const syntax: SpecCall = {
      kind: "call",
      name: "step",
      args: [
        { key: undefined, value: { kind: "number", value: 0.2 } },
        { key: undefined, value: { kind: "number", value: 3 } },
      ],
    };
    expect(buildSchedule(registry, syntax).spec).toBe(buildSchedule(registry, formatCall(syntax)).spec);
  });
});
