import { defineSchedule, param, type Schedule } from "@lrsim/core/plugin-api";
import { passedMilestones } from "./common.ts";

/**
 * PyTorch's SequentialLR: schedule i runs from milestone i-1 (its own t restarting at 0).
 * Unlike PyTorch, each child keeps its own lr parameter.
 */
export const sequential = defineSchedule({
  name: "sequential",
  summary: "Run schedules one after another, switching at the milestones (PyTorch SequentialLR).",
  unit: "epoch",
  pytorch: "SequentialLR",
  formula: "i = number of milestones <= t; lr(t) = schedules[i](t - milestones[i-1])",
  params: {
    schedules: param.specs({
      doc: "The schedules, in order.",
      nonEmpty: true,
      hint: "give schedules=[a, b]",
    }),
    milestones: param.numbers({
      doc: "Clock values where the next schedule starts; one fewer than schedules.",
      integer: true,
      min: 0,
      exclusiveMin: true,
      increasing: true,
      hint: "give milestones=[...]",
    }),
  },
  validate: ({ schedules, milestones }) =>
    milestones.length === schedules.length - 1
      ? undefined
      : `needs one milestone fewer than schedules (got ${schedules.length} schedules, ${milestones.length} milestones)`,
  create: ({ schedules, milestones }, context) => {
    const starts = [0, ...milestones];
    const children: Schedule[] = schedules.map((child, i) => {
      const end = milestones[i] ?? context.length;
      const length = end === undefined ? undefined : Math.max(1, end - starts[i]!);
      return context.build(child, { length });
    });
    const locate = (t: number) => {
      const i = passedMilestones(milestones, t);
      return { child: children[i]!, local: t - starts[i]! };
    };
    return {
      metricDriven: children.some((c) => c.metricDriven),
      at: (t) => {
        const { child, local } = locate(t);
        return child.at(local);
      },
      observe: (t, metric) => {
        const { child, local } = locate(t);
        child.observe(local, metric);
      },
    };
  },
});
