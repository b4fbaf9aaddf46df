import { param } from "@lrsim/core/plugin-api";

export const weightDecayParam = param.number({
  doc: "L2 penalty added to the gradient (PyTorch weight_decay).",
  default: 0,
  min: 0,
});
export const epsParam = (value: number) =>
  param.number({ doc: "Term added for numerical stability.", default: value, min: 0 });
