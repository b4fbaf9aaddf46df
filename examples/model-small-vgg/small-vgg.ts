import { createConvNetwork, defineModel, kernelParam, param } from "lrsim/plugin";

export default defineModel({
  name: "small-vgg",
  summary: "Two stages of two padded 3x3 convolutions, the second twice as wide.",
  tasks: ["classification"],
  params: {
    width: param.integer({ doc: "Channels of the first stage.", default: 8, min: 1 }),
    kernel: kernelParam,
  },
  create: ({ width, kernel }, shape) =>
    createConvNetwork(
      `conv(${width}, 3, padding=1), relu, conv(${width}, 3, padding=1), relu, maxpool(2),
       conv(${2 * width}, 3, padding=1), relu, conv(${2 * width}, 3, padding=1), relu, maxpool(2),
       dense(64), relu`,
      shape,
      kernel,
    ),
});
