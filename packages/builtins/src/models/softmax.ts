import { createDenseNetwork, defineModel, kernelParam, labelSmoothingParam } from "@lrsim/core/plugin-api";

/** Multinomial logistic regression: logits = W x + b, softmax cross-entropy (optionally label-smoothed). */
export const softmax = defineModel({
  name: "softmax",
  summary: "Multinomial logistic (softmax) regression, cross-entropy loss.",
  tasks: ["classification"],
  params: { kernel: kernelParam, labelSmoothing: labelSmoothingParam },
  create: ({ kernel, labelSmoothing }, shape) =>
    createDenseNetwork([shape.inputs, shape.outputs], "relu", shape, kernel, { labelSmoothing }),
});
