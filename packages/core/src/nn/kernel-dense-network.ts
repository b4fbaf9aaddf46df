import type { DataShape, DataSplit, LossSum } from "../plugins/data.ts";
import type { ModelInstance, ParameterGroup } from "../plugins/model.ts";
import type { Rng } from "../random.ts";
import { type Activation, activate, backpropActivation } from "./activations.ts";
import {
  type DenseLayout,
  denseFlopsPerSample,
  denseLayout,
  denseParameterGroups,
  initDense,
  outputLoss,
} from "./layout.ts";
import type { LossOptions } from "./losses.ts";
import type { DenseKernels } from "./wasm-module.ts";

/** Rows per block: the weights stream through cache once per block. */
const BLOCK = 64;

/**
 * Makes the kernels a network runs on, over a memory of at least `bytes` bytes: an instance of
 * the WebAssembly module (`instantiateKernels`) or the native addon bound to a fresh buffer
 * (`bindNativeKernels`).
 */
export type DenseKernelFactory = (bytes: number) => DenseKernels;

/**
 * The same network as {@link DenseNetwork}, with the three matrix products per layer done in
 * float32 by blocked kernels: the WebAssembly SIMD ones of `assembly/dense.ts`, or the native
 * ones of `native/dense-kernels.c`. Parameters are copied into the kernels' memory at each call
 * and the chunk's gradient added back out; activations and deltas stay inside. Same layout,
 * initialisation and losses as the JS network, so they agree to float32 rounding.
 */
export class KernelDenseNetwork implements ModelInstance {
  readonly parameterCount: number;
  /** Each layer's weight matrix and bias ({@link denseParameterGroups}). */
  readonly parameterGroups: readonly ParameterGroup[];
  /** FLOPs of one training sample ({@link denseFlopsPerSample}). */
  readonly flopsPerSample: number;
  private readonly k: DenseKernels;
  private readonly f32: Float32Array;
  /** Byte offsets in wasm memory. */
  private readonly at: { params: number; grad: number; acts: number[]; deltas: number[] };
  private readonly layout: DenseLayout;
  private readonly weightOffsets: readonly number[];
  private readonly biasOffsets: readonly number[];
  private readonly sampleResult = { correct: 0 };
  /** True between beginChunks and endChunks: the parameters in wasm memory are current. */
  private prepared = false;

  constructor(
    readonly sizes: readonly number[],
    readonly activation: Activation,
    readonly shape: DataShape,
    kernels: DenseKernelFactory,
    /** What the kernels are, for the run's record ({@link ModelInstance.computedBy}). */
    readonly computedBy: string,
    private readonly loss: LossOptions = {},
  ) {
    const layout = denseLayout(sizes);
    this.layout = layout;
    this.weightOffsets = layout.weightOffsets;
    this.biasOffsets = layout.biasOffsets;
    this.parameterCount = layout.parameterCount;
    this.parameterGroups = denseParameterGroups(sizes, layout);
    this.flopsPerSample = denseFlopsPerSample(sizes);
    let bytes = 64;
    const take = (floats: number) => {
      const start = bytes;
      bytes += Math.ceil((floats * 4) / 16) * 16;
      return start;
    };
    this.at = {
      params: take(this.parameterCount),
      grad: take(this.parameterCount),
      acts: sizes.map((n) => take(BLOCK * n)),
      deltas: sizes.map((n) => take(BLOCK * n)),
    };
    this.k = kernels(bytes);
    this.f32 = new Float32Array(this.k.memory.buffer);
  }

  init(params: Float32Array, rng: Rng): void {
    initDense(this.sizes, this.layout, params, rng);
  }

  beginChunks(params: Float32Array): void {
    this.f32.set(params, this.at.params >> 2);
    this.prepared = true;
  }

  endChunks(): void {
    this.prepared = false;
  }

  private loadParams(params: Float32Array): void {
    if (!this.prepared) this.f32.set(params, this.at.params >> 2);
  }

  gradient(
    params: Float32Array,
    data: DataSplit,
    indices: Int32Array,
    from: number,
    to: number,
    grad: Float32Array,
    out: LossSum,
  ): void {
    const P = this.parameterCount;
    const g = this.at.grad >> 2;
    this.loadParams(params);
    this.f32.fill(0, g, g + P);
    out.loss = 0;
    out.correct = 0;
    for (let start = from; start < to; start += BLOCK) {
      const rows = Math.min(BLOCK, to - start);
      this.forward(data, indices, start, rows);
      this.lossAndDelta(data, indices, start, rows, out);
      this.backward(rows);
    }
    grad.set(this.f32.subarray(g, g + P));
  }

  evaluate(
    params: Float32Array,
    data: DataSplit,
    indices: Int32Array,
    from: number,
    to: number,
    out: LossSum,
  ): void {
    this.loadParams(params);
    out.loss = 0;
    out.correct = 0;
    for (let start = from; start < to; start += BLOCK) {
      const rows = Math.min(BLOCK, to - start);
      this.forward(data, indices, start, rows);
      this.lossAndDelta(data, indices, start, rows, out);
    }
  }

  private forward(data: DataSplit, indices: Int32Array, start: number, rows: number): void {
    const inputs = this.sizes[0]!;
    const base = this.at.acts[0]! >> 2;
    for (let r = 0; r < rows; r++) {
      const sample = indices[start + r]!;
      this.f32.set(data.x.subarray(sample * inputs, (sample + 1) * inputs), base + r * inputs);
    }
    const layers = this.sizes.length - 1;
    for (let l = 0; l < layers; l++) {
      const nIn = this.sizes[l]!;
      const nOut = this.sizes[l + 1]!;
      const w = this.at.params + 4 * this.weightOffsets[l]!;
      const b = this.at.params + 4 * this.biasOffsets[l]!;
      this.k.gemmNT(this.at.acts[l]!, w, b, this.at.acts[l + 1]!, rows, nOut, nIn);
      if (l + 1 < layers) {
        if (this.activation === "relu") this.k.relu(this.at.acts[l + 1]!, rows * nOut);
        else
          activate(
            this.activation,
            this.f32,
            this.at.acts[l + 1]! >> 2,
            (this.at.acts[l + 1]! >> 2) + rows * nOut,
          );
      }
    }
  }

  private lossAndDelta(
    data: DataSplit,
    indices: Int32Array,
    start: number,
    rows: number,
    out: LossSum,
  ): void {
    const L = this.sizes.length - 1;
    outputLoss(
      this.shape,
      this.f32,
      this.at.acts[L]! >> 2,
      this.f32,
      this.at.deltas[L]! >> 2,
      data,
      indices,
      start,
      rows,
      out,
      this.sampleResult,
      this.loss.labelSmoothing,
    );
  }

  private backward(rows: number): void {
    for (let l = this.sizes.length - 2; l >= 0; l--) {
      const nIn = this.sizes[l]!;
      const nOut = this.sizes[l + 1]!;
      const gw = this.at.grad + 4 * this.weightOffsets[l]!;
      const gb = this.at.grad + 4 * this.biasOffsets[l]!;
      this.k.gemmTNAcc(this.at.deltas[l + 1]!, this.at.acts[l]!, gw, gb, rows, nOut, nIn);
      if (l === 0) break;
      const w = this.at.params + 4 * this.weightOffsets[l]!;
      this.k.gemmNN(this.at.deltas[l + 1]!, w, this.at.deltas[l]!, rows, nOut, nIn);
      if (this.activation === "relu") this.k.reluBackward(this.at.acts[l]!, this.at.deltas[l]!, rows * nIn);
      else
        backpropActivation(
          this.activation,
          this.f32,
          this.at.acts[l]! >> 2,
          this.f32,
          this.at.deltas[l]! >> 2,
          rows * nIn,
        );
    }
  }
}
