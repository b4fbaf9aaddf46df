import { defineSchedule, param } from "@lrsim/core/plugin-api";
import { lrParam } from "./common.ts";

/** Time-based decay (the Learning Rate article; Keras' legacy `decay` argument and InverseTimeDecay with decaySteps=1). */
export const timeDecay = defineSchedule({
  name: "timedecay",
  summary: "Time-based decay lr / (1 + decay * t), counted in steps like Keras' legacy decay.",
  unit: "step",
  formula: "lr(t) = lr / (1 + decay * t)",
  params: {
    lr: lrParam,
    decay: param.number({ doc: "Decay per tick.", min: 0, hint: "give decay=..., e.g. 0.001" }),
  },
  create: ({ lr, decay }) => ({ at: (t) => ({ lr: lr / (1 + decay * t) }) }),
});
