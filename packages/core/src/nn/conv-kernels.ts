import { packagedFile } from "../paths.ts";
import { type DenseKernels, loadWasmModule } from "./wasm-module.ts";

/**
 * The kernels a convolutional network is computed with, over one linear memory (the dense
 * layers' products and ReLU, and the convolution and pooling kernels below): every pointer
 * is a byte offset into `memory.buffer`, matrices are row-major float32, feature maps are
 * channels-last (HWC: pixel `(y, x)`'s channels are consecutive). Two implementations with the
 * same loops in the same order: the WebAssembly SIMD module built from `assembly/conv.ts` (which
 * takes its matrix products from `assembly/dense.ts`) and the portable `jsConvKernels`.
 */
export interface ConvKernels extends DenseKernels {
  /**
   * Lays out every kernel position of one HWC map as a row of `depth` values: the window's
   * `kernel x kernel x channels` values in (row, column, channel) order — one contiguous run per
   * kernel row — then zeros up to `depth` (a multiple of 4), and zeros where the window hangs
   * over the padding. `outH x outW` rows: a convolution is one `gemmNT` with the weights packed
   * in the same order (see `packConvWeights`).
   */
  im2col(
    src: number,
    height: number,
    width: number,
    channels: number,
    kernel: number,
    stride: number,
    padding: number,
    outH: number,
    outW: number,
    depth: number,
    dst: number,
  ): void;
  /** Copies an HWC map into the middle of one `padding` larger on every side, zeros around it. */
  pad(src: number, height: number, width: number, channels: number, padding: number, dst: number): void;
  /** The adjoint of `im2col`: overwrites the map at `dst` with the sums of the rows' entries. */
  col2im(
    cols: number,
    height: number,
    width: number,
    channels: number,
    kernel: number,
    stride: number,
    padding: number,
    outH: number,
    outW: number,
    depth: number,
    dst: number,
  ): void;
  /** Max over each window per channel; `argmax` (int32) gets the winning input's index (first of ties). */
  maxpool(
    src: number,
    height: number,
    width: number,
    channels: number,
    size: number,
    stride: number,
    outH: number,
    outW: number,
    dst: number,
    argmax: number,
  ): void;
  /** Overwrites `inputs` values at `dst` with the sums of `count` output deltas routed through `argmax`. */
  maxpoolBackward(delta: number, argmax: number, count: number, dst: number, inputs: number): void;
  /** Mean over each window per channel. */
  avgpool(
    src: number,
    height: number,
    width: number,
    channels: number,
    size: number,
    stride: number,
    outH: number,
    outW: number,
    dst: number,
  ): void;
  /** Overwrites the input map at `dst` with each output delta spread evenly over its window. */
  avgpoolBackward(
    delta: number,
    height: number,
    width: number,
    channels: number,
    size: number,
    stride: number,
    outH: number,
    outW: number,
    dst: number,
  ): void;
  /**
   * Direct convolution of a one-channel map, stride 1 (the first layer on grey images, where
   * im2col rows would be runs of a few floats): `src` is the already padded `? x width` map,
   * `weights` one row of `depth` floats per output channel in im2col's order. Writes the
   * channels-last output, bias included.
   */
  convGreyForward(
    src: number,
    width: number,
    kernel: number,
    outH: number,
    outW: number,
    weights: number,
    depth: number,
    bias: number,
    outC: number,
    dst: number,
  ): void;
  /**
   * Adds `convGreyForward`'s weight gradient (rows of `depth`) into `grad` and its bias
   * gradient into `gb`, given the channels-last output delta; `scratch` holds
   * `outH x outW x outC` floats for the kernel's own use.
   */
  convGreyBackward(
    src: number,
    width: number,
    kernel: number,
    outH: number,
    outW: number,
    delta: number,
    outC: number,
    scratch: number,
    grad: number,
    depth: number,
    gb: number,
  ): void;
  /** HWC to CHW (PyTorch's flatten order), `pixels` x `channels` values. */
  toChannelsFirst(src: number, pixels: number, channels: number, dst: number): void;
  /** CHW to HWC. */
  toChannelsLast(src: number, pixels: number, channels: number, dst: number): void;
}

const WASM_FILE = packagedFile(import.meta.url, "../../generated/conv.wasm", "conv.wasm");

/** The convolution kernel module (compiled from `assembly/conv.ts` by `pnpm install`), or null. */
export function convKernelModule(): WebAssembly.Module | null {
  return loadWasmModule(WASM_FILE);
}
