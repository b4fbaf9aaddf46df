import { createDenseNetwork, defineModel, kernelParam } from "@lrsim/core/plugin-api";

/** Linear regression y = W x + b trained on mean squared error, as in the y = 2.5x range-test example's line fit. */
export const linear = defineModel({
  name: "linear",
  summary: "Linear regression y = Wx + b, mean squared error (the y = 2.5x range-test example).",
  tasks: ["regression"],
  params: { kernel: kernelParam },
  create: ({ kernel }, shape) => createDenseNetwork([shape.inputs, shape.outputs], "relu", shape, kernel),
});
