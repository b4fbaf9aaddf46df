import { createDenseNetwork, defineModel, kernelParam } from "@lrsim/core";

/** Linear regression y = W x + b trained on mean squared error, as in seed 003's line fit. */
export const linear = defineModel({
  name: "linear",
  summary: "Linear regression y = Wx + b, mean squared error (seed 003).",
  tasks: ["regression"],
  params: { kernel: kernelParam },
  create: ({ kernel }, shape) => createDenseNetwork([shape.inputs, shape.outputs], "relu", shape, kernel),
});

export default linear;
