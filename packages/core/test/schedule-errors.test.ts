import { createScheduleRegistry } from "@lrsim/builtins";
import { buildSchedule, defineSchedule, isLrsimError, param, Registry } from "@lrsim/core";
import { describe, expect, it } from "vitest";

const registry = createScheduleRegistry();

function messageOf(spec: string, context = {}): string {
  try {
    buildSchedule(registry, spec, context);
  } catch (error) {
    expect(isLrsimError(error), String(error)).toBe(true);
    const message = (error as Error).message;
    expect(message).not.toContain("\n");
    return message;
  }
  throw new Error(`expected "${spec}" to be rejected`);
}

describe("bad specs get one-line errors that say what is wrong", () => {
  it.each([
    ["stpe", 'unknown schedule "stpe" (did you mean "step"?)'],
    ["onecylce", 'did you mean "onecycle"?'],
    ["cosin", 'did you mean "cosine" or "cosinerestarts"?'],
    ["step(stepSize=3, gama=0.5)", 'step: unknown parameter "gama" (did you mean "gamma"?)'],
    ["step(lr=0.1)", 'step: missing parameter "stepSize" (give stepSize=...)'],
    ["cosine", 'cosine: missing parameter "tMax" (give tMax=... or a run length)'],
    ["step(lr=fast, stepSize=3)", 'step: lr must be a number, got "fast"'],
    ["step(lr=0.1, stepSize=2.5)", "step: stepSize must be an integer, got 2.5"],
    ["step(lr=-1, stepSize=3)", "step: lr must be a positive number, got -1"],
    ["step(lr=0, stepSize=3)", "step: lr must be a positive number, got 0"],
    ["step(lr=0.1, stepSize=0)", "step: stepSize must be an integer >= 1, got 0"],
    ["linear(startFactor=1.5)", "linear: startFactor must be a positive number <= 1, got 1.5"],
    ["cyclic(baseLr=0.1, maxLr=0.01)", "cyclic: maxLr (0.01) must be at least baseLr (0.1)"],
    ["onecycle(totalSteps=10, anneal=cosine)", 'onecycle: anneal must be one of cos|linear, got "cosine"'],
    ["onecycle(totalSteps=3, pctStart=0.3)", "warm-up phase would be empty"],
    ["multistep(milestones=[5,3])", "multistep: milestones must be strictly increasing, got [5,3]"],
    ["multistep(milestones=[2.5])", "multistep: milestones must be an integer, got 2.5"],
    ["multistep(milestones=true)", "milestones must be a list of integers like [3,11], got true"],
    ["step(0.1, 3, 0.5, epoch, 9)", "step: takes at most 4 positional arguments"],
    ["step(lr=0.1, lr=0.2, stepSize=1)", 'step: parameter "lr" is given twice'],
    ["step(lr=0.1, stepSize=3, unit=day)", "step: unit must be one of step|epoch"],
    [
      "warmup(steps=5, then=cosine(tMax=5, unit=epoch))",
      "warmup: cosine runs on warmup's clock (unit=step); drop its unit=epoch",
    ],
    ["warmup(steps=5, then=5)", "warmup: then must be a spec such as cosine(tMax=10), got 5"],
    ["sequential(schedules=[constant, constant], milestones=[])", "needs one milestone fewer than schedules"],
    [
      "hybrid(batchSize=128, maxBatch=64, milestones=[3])",
      "hybrid: maxBatch (64) must be at least batchSize (128)",
    ],
    ["batchramp(milestones=[3])", 'batchramp: missing parameter "batchSize"'],
    ["timedecay(decay=-0.1)", "timedecay: decay must be a non-negative number, got -0.1"],
    ["step(lr=nan, stepSize=1)", '"nan" is not a number'],
  ])("%s", (spec, expected) => {
    expect(messageOf(spec)).toContain(expected);
  });

  it("a plugin of the wrong shape is refused with the shape that was expected", () => {
    const own = new Registry("schedule");
    const bad = { name: "mine", summary: "", unit: "step", params: {} } as never;
    expect(() => createScheduleRegistry().register(bad)).toThrow(
      'schedule "mine" is not a valid schedule definition: expected { name, summary, unit, params, create(params, context) }',
    );
    expect(() =>
      createScheduleRegistry().register({
        ...(bad as object),
        create: () => ({ at: () => ({ lr: 1 }) }),
        params: { x: { doc: "" } },
      } as never),
    ).toThrow('parameter "x" has no valid `type`');
    expect(() => own.register({ name: "" } as never)).toThrow("needs a non-empty string `name`");
    expect(() =>
      createScheduleRegistry().register({
        ...(bad as object),
        name: "step",
        create: () => ({ at: () => ({ lr: 1 }) }),
      } as never),
    ).toThrow('a schedule named "step" is already registered');
  });

  it("a user's schedule registers like a built-in, and an error in its create names it", () => {
    const mine = createScheduleRegistry().register(
      defineSchedule({
        name: "halving",
        summary: "Halve every tick.",
        unit: "step",
        params: { lr: param.number({ doc: "Start.", default: 1, min: 0, exclusiveMin: true }) },
        create: ({ lr }) => {
          if (lr === 3) throw new Error("three is unlucky");
          return { at: (t) => ({ lr: lr / 2 ** t }) };
        },
      }),
    );
    expect(buildSchedule(mine, "halving(lr=4)").at(3)).toEqual({ lr: 0.5 });
    expect(() => buildSchedule(mine, "halving(lr=3)")).toThrow(
      'schedule "halving" failed in create: three is unlucky',
    );
  });
});
