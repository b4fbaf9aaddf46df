import { DenseNetwork, defineModel } from "@lrsim/core";

/** Linear regression y = W x + b trained on mean squared error, as in seed 003's line fit. */
export const linear = defineModel({
  name: "linear",
  summary: "Linear regression y = Wx + b, mean squared error (seed 003).",
  tasks: ["regression"],
  params: {},
  create: (_params, shape) => new DenseNetwork([shape.inputs, shape.outputs], "relu", shape),
});

export default linear;
