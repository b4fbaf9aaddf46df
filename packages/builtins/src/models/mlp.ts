import {
  ACTIVATIONS,
  createDenseNetwork,
  defineModel,
  kernelParam,
  labelSmoothingParam,
  param,
} from "@lrsim/core/plugin-api";

/**
 * A multi-layer perceptron: `hidden` fully connected layers with `activation`, then a linear
 * output layer; softmax cross-entropy (optionally label-smoothed) for classification, mean
 * squared error for regression.
 */
export const mlp = defineModel({
  name: "mlp",
  summary: "Multi-layer perceptron: hidden layers with an activation, softmax or MSE output.",
  tasks: ["classification", "regression"],
  params: {
    hidden: param.numbers({ doc: "Sizes of the hidden layers.", integer: true, min: 1, default: [128] }),
    activation: param.choice(ACTIVATIONS, { doc: "Activation between layers.", default: "relu" }),
    kernel: kernelParam,
    labelSmoothing: labelSmoothingParam,
  },
  create: ({ hidden, activation, kernel, labelSmoothing }, shape) =>
    createDenseNetwork([shape.inputs, ...hidden, shape.outputs], activation, shape, kernel, {
      labelSmoothing,
    }),
});
