import { DenseNetwork, defineModel } from "@lrsim/core";

/** Multinomial logistic regression: logits = W x + b, softmax cross-entropy. */
export const softmax = defineModel({
  name: "softmax",
  summary: "Multinomial logistic (softmax) regression, cross-entropy loss.",
  tasks: ["classification"],
  params: {},
  create: (_params, shape) => new DenseNetwork([shape.inputs, shape.outputs], "relu", shape),
});

export default softmax;
