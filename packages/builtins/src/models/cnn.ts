import {
  convLayersParam,
  createConvNetwork,
  defineModel,
  labelSmoothingParam,
  param,
} from "@lrsim/core/plugin-api";

/** The convolution kernels: no native build of these (the dense models have one). */
const convKernelParam = param.choice(["auto", "wasm", "js"], {
  doc: "wasm: WebAssembly SIMD (float32, fast); js: portable typed-array loops; auto: wasm when built.",
  default: "auto",
});

/**
 * A convolutional network written as a list of layers, e.g.
 * `cnn(layers=[conv(16, 5), relu, maxpool(2), conv(32, 5), relu, maxpool(2), dense(128), relu])`;
 * the output layer (one unit per class or target) is added, and a flatten before the first
 * fully connected layer. The default is LeNet-5 (LeCun et al., 1998) with ReLU and max pooling.
 * Inputs take their channels x height x width from the dataset's `image` shape. Softmax
 * cross-entropy (optionally label-smoothed) for classification, mean squared error for regression.
 */
export const cnn = defineModel({
  name: "cnn",
  summary:
    "Convolutional network of conv/maxpool/avgpool/dense layers (LeNet-5 by default), softmax or MSE output.",
  tasks: ["classification", "regression"],
  params: {
    layers: convLayersParam,
    kernel: convKernelParam,
    labelSmoothing: labelSmoothingParam,
  },
  create: ({ layers, kernel, labelSmoothing }, shape) =>
    createConvNetwork(layers, shape, kernel, { labelSmoothing }),
});
