/**
 * An example model plugin built from lrsim's dense-network kernels: an MLP whose second hidden
 * layer adds its input back (a residual connection), x -> h1 = act(W1 x + b1) ->
 * h2 = act(W2 h1 + b2) -> s = h1 + h2 -> W3 s + b3, with softmax cross-entropy for
 * classification and squared error for regression. No loop over samples or weights of its own.
 *
 *   lrsim run --model "./residual-mlp.ts(width=32)" --dataset spirals --schedule "onecycle(maxLr=0.5)"
 */
import {
  ACTIVATIONS,
  activate,
  axpy,
  backpropActivation,
  type DataSplit,
  type DenseLayer,
  defineModel,
  denseBackward,
  denseForward,
  denseLayers,
  denseLayout,
  gatherRows,
  initDense,
  type LossSum,
  outputLoss,
  param,
} from "lrsim/plugin";

/** Samples per block: the scratch buffers hold one block, so nothing is allocated per sample. */
const BLOCK = 32;

export default defineModel({
  name: "residual-mlp",
  summary: "Two hidden layers of equal width, the second with a skip connection.",
  tasks: ["classification", "regression"],
  params: {
    width: param.integer({ doc: "Units of each hidden layer.", default: 32, min: 1 }),
    activation: param.choice(ACTIVATIONS, { doc: "Activation of the hidden layers.", default: "tanh" }),
  },
  create: ({ width, activation }, shape) => {
    const sizes = [shape.inputs, width, width, shape.outputs];
    const layout = denseLayout(sizes);
    const [l1, l2, l3] = denseLayers(sizes, layout) as [DenseLayer, DenseLayer, DenseLayer];
    const block = (n: number) => new Float32Array(BLOCK * n);
    const [x, h1, h2, s, ds, dz2, dh1] = [shape.inputs, width, width, width, width, width, width].map(block);
    const [y, dy] = [block(shape.outputs), block(shape.outputs)];
    const result = { correct: 0 };

    /** One block forward: outputs in `y`, dLoss/dy in `dy`, the block's loss added to `out`. */
    const forward = (
      p: Float32Array,
      data: DataSplit,
      indices: Int32Array,
      start: number,
      rows: number,
      out: LossSum,
    ) => {
      gatherRows(data.x, shape.inputs, indices, start, rows, x!);
      denseForward(l1, p, x!, h1!, rows);
      activate(activation, h1!, 0, rows * width);
      denseForward(l2, p, h1!, h2!, rows);
      activate(activation, h2!, 0, rows * width);
      s!.set(h2!.subarray(0, rows * width));
      axpy(1, h1!, 0, s!, 0, rows * width); // s = h2 + h1
      denseForward(l3, p, s!, y, rows);
      outputLoss(shape, y, 0, dy, 0, data, indices, start, rows, out, result);
    };

    return {
      parameterCount: layout.parameterCount,
      init: (p, rng) => initDense(sizes, layout, p, rng), // PyTorch's nn.Linear default
      gradient: (p, data, indices, from, to, grad, out) => {
        grad.fill(0);
        out.loss = 0;
        out.correct = 0;
        for (let start = from; start < to; start += BLOCK) {
          const rows = Math.min(BLOCK, to - start);
          forward(p, data, indices, start, rows, out);
          denseBackward(l3, p, s!, dy, rows, grad, ds); // ds = dLoss/ds
          dz2!.set(ds!.subarray(0, rows * width));
          backpropActivation(activation, h2!, 0, dz2!, 0, rows * width);
          denseBackward(l2, p, h1!, dz2!, rows, grad, dh1); // dLoss/dh1 through W2 ...
          axpy(1, ds!, 0, dh1!, 0, rows * width); // ... plus through the skip
          backpropActivation(activation, h1!, 0, dh1!, 0, rows * width);
          denseBackward(l1, p, x!, dh1!, rows, grad);
        }
      },
      evaluate: (p, data, indices, from, to, out) => {
        out.loss = 0;
        out.correct = 0;
        for (let start = from; start < to; start += BLOCK)
          forward(p, data, indices, start, Math.min(BLOCK, to - start), out);
      },
    };
  },
});
