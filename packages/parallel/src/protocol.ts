import type { PluginSource } from "@lrsim/core";

/** A plugin as a worker receives it: where to import it from and its plain, bound parameters. */
export interface PluginRef {
  readonly name: string;
  readonly source: PluginSource;
  readonly params: Readonly<Record<string, unknown>>;
}

/**
 * Everything a worker needs to take part in one run, as plain cloneable data plus
 * SharedArrayBuffers (shared, never copied). Workers build their own model, dataset and
 * optimizer instances from it — never live objects from the main thread.
 */
export interface SessionDescriptor {
  readonly id: number;
  readonly model: PluginRef;
  readonly dataset: PluginRef & { readonly spec: string };
  readonly optimizer: PluginRef;
  readonly parameterCount: number;
  readonly memory: SharedMemory;
}

/** The buffers a run shares between the main thread and the workers (never copied). */
export interface SharedMemory {
  /** Float32 [P]: the parameters. */
  readonly params: SharedArrayBuffer;
  /**
   * Shared wasm memory holding the batch gradient (Float32 [P] at `gradOffset`: accumulated in
   * chunk order, then the mean) and the slots (one chunk gradient each, `slotStride` bytes
   * apart from `slotsOffset`), so the reduction can run as WebAssembly SIMD.
   */
  readonly arena: WebAssembly.Memory;
  readonly gradOffset: number;
  readonly slotsOffset: number;
  readonly slotStride: number;
  readonly slotCount: number;
  /** Float64 [3 x max chunks]: loss sum, correct count and |gradient|^2 per chunk. */
  readonly results: SharedArrayBuffer;
  /** Int32 [3]: the step barrier — arrivals, generation, abort flag. */
  readonly barrier: SharedArrayBuffer;
  /** Int32 [train size]: the current batch's sample indices. */
  readonly indices: SharedArrayBuffer;
  /** Float32: optimizer state, handed out in allocation order. */
  readonly state: SharedArrayBuffer;
  /** Lengths of the optimizer's allocations, in order. */
  readonly stateSizes: readonly number[];
}

/** `[slot, start, end)`: a chunk of the batch (positions in `indices`) and the slot it fills. */
export type ChunkJob = readonly [slot: number, start: number, end: number];

/** The last round of a step: divide by the batch size and apply the optimizer to the slice. */
export interface Finalize {
  readonly batchSize: number;
  readonly lr: number;
  readonly momentum: number | undefined;
  readonly step: number;
}

/** The reduce half of a step task: add the round's slots into one parameter slice, in slot order. */
export interface ReduceWork {
  readonly from: number;
  readonly to: number;
  /** Slots filled in this round, added in slot order. */
  readonly slots: number;
  /** First round of the batch: start the sum from zero. */
  readonly first: boolean;
  /** Compute chunk norms and return the mean gradient's squared norm by blocks (noise scale). */
  readonly norms: boolean;
  /** Set on the last round. */
  readonly finalize: Finalize | undefined;
}

/** A unit of work for a worker: compute chunks, reduce a slice, a fused step, or evaluate. */
export type Task =
  | {
      readonly op: "compute";
      readonly session: SessionDescriptor;
      readonly chunks: readonly ChunkJob[];
      readonly norms: boolean;
    }
  | ({ readonly op: "reduce"; readonly session: SessionDescriptor } & ReduceWork)
  | {
      readonly op: "evaluate";
      readonly session: SessionDescriptor;
      readonly split: "train" | "test";
      readonly chunks: readonly ChunkJob[];
    }
  | ({
      /**
       * One round of a step in one task per worker: compute `chunks`, wait at the barrier until
       * every task of the round has, then reduce the slice (one round trip instead of two).
       */
      readonly op: "step";
      readonly session: SessionDescriptor;
      readonly chunks: readonly ChunkJob[];
      readonly parties: number;
      /** The barrier generation when the round was dispatched. */
      readonly generation: number;
    } & ReduceWork);

/**
 * What a reduce task returns for the noise scale: squared norms summed per block of NORM_BLOCK
 * parameters (its slice is whole blocks), in block order, so the main thread can add all blocks
 * in the same order as the in-process backend.
 */
export interface ReduceResult {
  /** Blocks of |mean gradient|^2 (after the last round, when `norms` was asked). */
  readonly gradBlocks: readonly number[];
  /** False when this slice of the mean gradient has a NaN or infinite entry. */
  readonly finite: boolean;
  /** For a fused step task: ms spent computing chunks, waiting at the barrier, and reducing. */
  readonly phases?: readonly [compute: number, wait: number, reduce: number];
}
