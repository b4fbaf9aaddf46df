import type { Rng } from "../random.ts";
import type { ParamSchema, ParamValues } from "../spec/params.ts";
import type { DataShape, DataSplit, LossSum } from "./data.ts";

/**
 * One tensor of a model's flat parameter vector: `[from, to)` and what kind of tensor it is.
 * Optimizers that work per layer (LARS, LAMB) take norms per group, and leave `bias` groups out
 * of weight decay and trust ratios when asked to.
 */
export interface ParameterGroup {
  readonly from: number;
  readonly to: number;
  /** `weight`: a weight matrix or kernel; `bias`: a bias vector; `other`: anything else (a norm layer's scale). */
  readonly kind: "weight" | "bias" | "other";
  /** How messages name it, for example `layer 1 weight`. */
  readonly name: string;
}

/**
 * A model built for one data shape. It owns no parameters: they live in a flat Float32Array
 * the caller passes in (possibly shared memory, read by several worker threads at once), and
 * gradients go into a caller-given buffer. An instance may keep scratch buffers, so each
 * thread needs its own instance; the hot methods must not allocate per sample.
 */
export interface ModelInstance {
  /** Length of the flat parameter vector. */
  readonly parameterCount: number;
  /**
   * Optional. Floating-point operations one training sample costs, forward and backward (a
   * multiply-add counts 2). The simulated cluster divides it by a device's throughput; without
   * it lrsim assumes 6 x parameterCount, the usual estimate for dense layers.
   */
  readonly flopsPerSample?: number;
  /**
   * Optional. The model's tensors in order, tiling `[0, parameterCount)` without gaps, so
   * per-layer optimizers (LARS, LAMB) can tell layers and biases apart. Without it the whole
   * vector is one `weight` group. The dense kernels give one group per weight matrix and bias.
   */
  readonly parameterGroups?: readonly ParameterGroup[];
  /**
   * Optional. What computes the model, recorded with each run (the `kernel` column of the
   * results database), because it decides a run's last bits: the built-in networks say
   * `wasm simd`, `wasm relaxed-simd`, `native 512-bit` or `js`.
   */
  readonly computedBy?: string;
  /** Fills `params` with initial values drawn from `rng` (PyTorch's default initialisers). */
  init(params: Float32Array, rng: Rng): void;
  /**
   * Writes the gradient of the loss, summed over samples `indices[from..to)` of `data`, into
   * `grad` (overwriting it: the caller does not zero it), and the summed loss and number of
   * correct predictions into `out`. Called for every chunk of every mini-batch: the hot path.
   */
  gradient(
    params: Float32Array,
    data: DataSplit,
    indices: Int32Array,
    from: number,
    to: number,
    grad: Float32Array,
    out: LossSum,
  ): void;
  /**
   * Optional. Called before a series of `gradient`/`evaluate` calls during which `params` will
   * not change (one task of chunks), so a model can copy or transform them once instead of per
   * call; `endChunks` follows. Calls outside such a series must not rely on it.
   */
  beginChunks?(params: Float32Array): void;
  /** Optional. Ends the series `beginChunks` started: cached parameters are stale from now on. */
  endChunks?(): void;
  /** Like `gradient` without the gradient: summed loss and correct count, for evaluation. */
  evaluate(
    params: Float32Array,
    data: DataSplit,
    indices: Int32Array,
    from: number,
    to: number,
    out: LossSum,
  ): void;
}

/** A model plugin: a name, a parameter schema, and a factory for a given data shape. */
export interface ModelDefinition<S extends ParamSchema = ParamSchema> {
  readonly name: string;
  readonly summary: string;
  readonly params: S;
  /** Which tasks the model can learn; a mismatch with the dataset is refused up front. */
  readonly tasks: readonly DataShape["task"][];
  /** Builds an instance for a dataset of this shape; throw (with a reason) if the shape does not fit. */
  create(params: ParamValues<S>, shape: DataShape): ModelInstance;
}

/** Declares a model plugin; returns its argument so TypeScript infers the parameter types. */
export function defineModel<const S extends ParamSchema>(definition: ModelDefinition<S>): ModelDefinition<S> {
  return definition;
}
