import { createDenseNetwork, defineModel, kernelParam } from "@lrsim/core/plugin-api";

/** Multinomial logistic regression: logits = W x + b, softmax cross-entropy. */
export const softmax = defineModel({
  name: "softmax",
  summary: "Multinomial logistic (softmax) regression, cross-entropy loss.",
  tasks: ["classification"],
  params: { kernel: kernelParam },
  create: ({ kernel }, shape) => createDenseNetwork([shape.inputs, shape.outputs], "relu", shape, kernel),
});
