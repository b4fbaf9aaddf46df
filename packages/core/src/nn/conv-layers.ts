import type { DataShape } from "../plugins/data.ts";
import type { ParameterGroup } from "../plugins/model.ts";
import type { SpecCall } from "../spec/ast.ts";
import { bindParams, type ParamSchema, param } from "../spec/params.ts";
import { parseSpecList } from "../spec/parse.ts";
import { ACTIVATIONS, type Activation } from "./activations.ts";

/**
 * The layers a convolutional network is written in, each with its parameters, as the `cnn`
 * model's `layers` list takes them: `conv(16, 5)`, `conv(16, 5, stride=2, padding=2)`,
 * `maxpool(2)`, `avgpool(2)`, `flatten`, `dense(128)`, `relu`, `tanh`, `sigmoid`. The
 * arguments mean what PyTorch's `nn.Conv2d`, `nn.MaxPool2d`, `nn.AvgPool2d`, `nn.Flatten` and
 * `nn.Linear` take (square kernels and windows, zero padding, floor-mode output sizes).
 */
export const CONV_LAYERS = {
  conv: {
    channels: param.integer({ doc: "Output channels (feature maps).", min: 1 }),
    kernel: param.integer({ doc: "Side of the square kernel.", min: 1 }),
    stride: param.integer({ doc: "Step between kernel positions.", default: 1, min: 1 }),
    padding: param.integer({ doc: "Zeros added on every side of the input.", default: 0, min: 0 }),
  },
  maxpool: {
    size: param.integer({ doc: "Side of the square window.", min: 1 }),
    stride: param.integer({
      doc: "Step between windows; the window's side when not given.",
      min: 1,
      optional: true,
    }),
  },
  avgpool: {
    size: param.integer({ doc: "Side of the square window.", min: 1 }),
    stride: param.integer({
      doc: "Step between windows; the window's side when not given.",
      min: 1,
      optional: true,
    }),
  },
  flatten: {},
  dense: { units: param.integer({ doc: "Outputs of the fully connected layer.", min: 1 }) },
  relu: {},
  tanh: {},
  sigmoid: {},
} as const satisfies Readonly<Record<string, ParamSchema>>;

/**
 * LeNet-5 (LeCun et al., 1998) with ReLU and max pooling, its usual modern form: two 5x5
 * convolutions of 6 and 16 channels (the first padded so a 28x28 digit keeps its size), each
 * followed by a 2x2 max pool, then 120 and 84 fully connected units; the output layer is added
 * by the model. Written in canonical form, so `cnn` with these layers prints as plain `cnn`.
 */
const LENET5: readonly SpecCall[] = parseSpecList(
  "conv(6, 5, padding=2), relu, maxpool(2), conv(16, 5), relu, maxpool(2), dense(120), relu, dense(84), relu",
);

/**
 * The `layers` parameter of a convolutional model: a list of {@link CONV_LAYERS} calls, each
 * checked when the spec is read, LeNet-5 by default.
 */
export const convLayersParam = param.specs({
  doc: "The layers, in order: conv(channels, kernel, stride, padding), maxpool(size, stride), avgpool(size, stride), flatten, dense(units), relu, tanh, sigmoid; the output layer is added.",
  of: CONV_LAYERS,
  item: "layer",
  default: LENET5,
});

/** A feature map: `channels` planes of `height` x `width`, stored channels-last (HWC) inside a network. */
interface MapShape {
  readonly channels: number;
  readonly height: number;
  readonly width: number;
}

/** A convolution: PyTorch's `nn.Conv2d` weight `[out][in][k][k]` at `weights`, then its bias. */
export interface ConvStage {
  readonly kind: "conv";
  readonly input: MapShape;
  readonly output: MapShape;
  readonly kernel: number;
  readonly stride: number;
  readonly padding: number;
  /** Offsets of the weights and bias in the parameter vector. */
  readonly weights: number;
  readonly bias: number;
}

/** A max or average pool over square windows. */
export interface PoolStage {
  readonly kind: "maxpool" | "avgpool";
  readonly input: MapShape;
  readonly output: MapShape;
  readonly size: number;
  readonly stride: number;
}

/** An activation, applied in place to the previous stage's output. */
export interface ActivationStage {
  readonly kind: "activation";
  readonly activation: Activation;
  /** Values per sample it applies to. */
  readonly size: number;
}

/** The move from a feature map to a feature vector in PyTorch's (channel-major) order. */
export interface FlattenStage {
  readonly kind: "flatten";
  readonly input: MapShape;
}

/** A fully connected layer: PyTorch's `nn.Linear` weight `[out][in]` at `weights`, then its bias. */
export interface DenseStage {
  readonly kind: "dense";
  readonly nIn: number;
  readonly nOut: number;
  readonly weights: number;
  readonly bias: number;
}

/** One step of a convolutional network, with its sizes worked out for the data. */
export type ConvNetStage = ConvStage | PoolStage | ActivationStage | FlattenStage | DenseStage;

/** A network laid out for one data shape: its stages (the output layer last) and parameter count. */
export interface ConvNetPlan {
  readonly stages: readonly ConvNetStage[];
  readonly parameterCount: number;
}

/**
 * The parameter groups of a planned network, in parameter order: each convolution's and dense
 * layer's weights, then its bias, named by kind and position (`conv 1 weight`, `dense 2 bias`),
 * so LARS and LAMB take a norm per layer and leave the biases out.
 */
export function convParameterGroups(plan: ConvNetPlan): ParameterGroup[] {
  const groups: ParameterGroup[] = [];
  const counts = { conv: 0, dense: 0 };
  for (const stage of plan.stages) {
    if (stage.kind !== "conv" && stage.kind !== "dense") continue;
    const n = ++counts[stage.kind];
    const end = stage.bias + (stage.kind === "conv" ? stage.output.channels : stage.nOut);
    groups.push(
      { from: stage.weights, to: stage.bias, kind: "weight", name: `${stage.kind} ${n} weight` },
      { from: stage.bias, to: end, kind: "bias", name: `${stage.kind} ${n} bias` },
    );
  }
  return groups;
}

const size = (m: MapShape) => m.channels * m.height * m.width;

/** Output side of a window of `window` moved by `stride` over `side + 2 padding` values (floor mode). */
function outputSide(side: number, window: number, stride: number, padding: number): number {
  return Math.floor((side + 2 * padding - window) / stride) + 1;
}

/**
 * Works out every stage's sizes and parameter offsets for `layers` on data of `shape`, with a
 * flatten added before the first dense layer that follows a feature map and the output layer
 * (`dense(shape.outputs)`) appended. Throws an Error naming the layer that does not fit (a
 * window larger than its input, a convolution after a dense layer, data without an image shape).
 */
export function planConvNet(layers: readonly SpecCall[] | string, shape: DataShape): ConvNetPlan {
  if (typeof layers === "string") return planConvNet(parseSpecList(layers), shape);
  const stages: ConvNetStage[] = [];
  let map: MapShape | undefined = shape.image;
  let features = shape.inputs;
  let offset = 0;
  const flatten = () => {
    if (!map) return;
    stages.push({ kind: "flatten", input: map });
    features = size(map);
    map = undefined;
  };
  const spatial = (layer: string): MapShape => {
    if (map) return map;
    throw new Error(
      shape.image
        ? `${layer} cannot follow a flatten or dense layer: feature maps come first`
        : `${layer} needs image data (channels x height x width); this dataset's samples are ${shape.inputs} plain features`,
    );
  };
  const dense = (units: number) => {
    flatten();
    stages.push({
      kind: "dense",
      nIn: features,
      nOut: units,
      weights: offset,
      bias: offset + features * units,
    });
    offset += features * units + units;
    features = units;
  };
  layers.forEach((call, index) => {
    const label = `layer ${index + 1} (${call.name})`;
    const schema: ParamSchema | undefined = (CONV_LAYERS as Record<string, ParamSchema>)[call.name];
    if (!schema) throw new Error(`${label} is not a layer; layers: ${Object.keys(CONV_LAYERS).join(", ")}`);
    const values = bindParams(call.name, schema, call) as Record<string, number | undefined>;
    if (call.name === "conv") {
      const input = spatial(label);
      const kernel = values.kernel!;
      const stride = values.stride!;
      const padding = values.padding!;
      const height = outputSide(input.height, kernel, stride, padding);
      const width = outputSide(input.width, kernel, stride, padding);
      if (height < 1 || width < 1)
        throw new Error(
          `${label}: a ${kernel}x${kernel} kernel does not fit a ${input.height}x${input.width} input with padding ${padding}`,
        );
      const output = { channels: values.channels!, height, width };
      const weightCount = output.channels * input.channels * kernel * kernel;
      stages.push({
        kind: "conv",
        input,
        output,
        kernel,
        stride,
        padding,
        weights: offset,
        bias: offset + weightCount,
      });
      offset += weightCount + output.channels;
      map = output;
    } else if (call.name === "maxpool" || call.name === "avgpool") {
      const input = spatial(label);
      const window = values.size!;
      const stride = values.stride ?? window;
      const height = outputSide(input.height, window, stride, 0);
      const width = outputSide(input.width, window, stride, 0);
      if (height < 1 || width < 1)
        throw new Error(
          `${label}: a ${window}x${window} window does not fit a ${input.height}x${input.width} input`,
        );
      const output = { channels: input.channels, height, width };
      stages.push({ kind: call.name, input, output, size: window, stride });
      map = output;
    } else if (call.name === "flatten") {
      flatten();
    } else if (call.name === "dense") {
      dense(values.units!);
    } else {
      const activation = call.name as Activation;
      if (!ACTIVATIONS.includes(activation)) throw new Error(`${label} is not a layer`);
      stages.push({ kind: "activation", activation, size: map ? size(map) : features });
    }
  });
  dense(shape.outputs);
  return { stages, parameterCount: offset };
}
