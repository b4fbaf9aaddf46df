import type { BoundParams, Dataset, PluginSource, WireError } from "@lrsim/core";

/** A plugin as a worker receives it: where to import it from and its plain, bound parameters. */
export interface PluginRef {
  readonly name: string;
  readonly source: PluginSource;
  readonly params: BoundParams;
}

/**
 * Everything a worker needs to take part in one run, as plain cloneable data plus
 * SharedArrayBuffers (shared, never copied). Workers build their own model and optimizer
 * instances from it — never live objects from the main thread — and read the dataset the main
 * thread loaded, through views of its shared memory.
 */
export interface SessionDescriptor {
  readonly id: number;
  readonly model: PluginRef;
  /**
   * The dataset, loaded once by the main thread: shape and description as plain data, and per
   * split its arrays (`x` or a byte split's `bytes`, and `y`) over SharedArrayBuffers (core's
   * `shareDataset`), so posting the descriptor hands each worker views of the same memory. The
   * dataset plugin never runs in a worker.
   */
  readonly dataset: Dataset;
  readonly optimizer: PluginRef;
  readonly parameterCount: number;
  /** Clip the mean gradient to this global norm before the optimizer (none when undefined). */
  readonly clipGradNorm: number | undefined;
  readonly memory: SharedMemory;
}

/** The buffers a run shares between the main thread and the workers (never copied). */
interface SharedMemory {
  /**
   * Shared wasm memory holding the batch gradient (Float32 [P] at `gradOffset`: accumulated in
   * chunk order, then the mean), the slots (one chunk gradient each, `slotStride` bytes apart
   * from `slotsOffset`), the parameters (Float32 [P] at `paramsOffset`) and the optimizer state
   * (at `stateOffset`), so the reduction and the optimizer update can run as WebAssembly SIMD.
   */
  readonly arena: WebAssembly.Memory;
  readonly gradOffset: number;
  readonly slotsOffset: number;
  readonly slotStride: number;
  readonly slotCount: number;
  readonly paramsOffset: number;
  /** Float32: optimizer state, handed out in allocation order from here. */
  readonly stateOffset: number;
  /** Float64 [RESULT.stride x max chunks]: each chunk's loss sum, correct count and |gradient|^2 (see {@link RESULT}). */
  readonly results: SharedArrayBuffer;
  /** Int32 [BARRIER.length]: the step barrier (see {@link BARRIER}). */
  readonly barrier: SharedArrayBuffer;
  /** Int32 [train size]: the current batch's sample indices. */
  readonly indices: SharedArrayBuffer;
  /** Lengths of the optimizer's allocations, in order. */
  readonly stateSizes: readonly number[];
  /**
   * Float64: the partial sums of the update's whole-vector stages (gradient clipping, the
   * optimizer's statistics), per parameter block, laid out by `ParameterUpdate` in @lrsim/core.
   */
  readonly partials: SharedArrayBuffer;
  /** Int32 [CONTROL.length]: the command the workers' serve loops run next (see {@link CONTROL}). */
  readonly control: SharedArrayBuffer;
  /** Float64: the step's lr and momentum, what each worker measured, and gradient norm blocks (see {@link VALUES}). */
  readonly values: SharedArrayBuffer;
}

/**
 * Slots of the Int32 control block. The main thread fills in a command, moves `generation` on,
 * and posts the new generation to the mailbox of each worker taking part (`parties` of them,
 * workers 0 to parties - 1), notifying each; every one of them runs it and adds one to `done`.
 * A worker not taking part is neither woken nor waited for: a one-chunk step on two workers
 * costs what it costs on one. The block is rewritten only once all parties are done, so a woken
 * worker always reads its own command.
 */
export const CONTROL = {
  generation: 0,
  done: 1,
  command: 2,
  /** First and past-the-last chunk index of the round (a batch may take several rounds). */
  firstChunk: 3,
  lastChunk: 4,
  chunkSize: 5,
  /** Samples in the batch (or in the split being evaluated). */
  size: 6,
  flags: 7,
  /** The optimizer step number (1 for the first update). */
  step: 8,
  /**
   * The next unclaimed chunk of the round, counted from 0: each worker takes chunks with
   * `Atomics.add` until none are left, so a worker the OS set aside does not hold up the
   * others. Which worker computes a chunk does not change its slot, so sums stay in chunk order.
   */
  nextChunk: 9,
  /** Workers taking part in this command: no more than it has chunks. */
  parties: 10,
  /** First of the mailboxes, one per worker: the generation of the command it is to run next. */
  mailboxes: 11,
  /** Int32 slots of the block for `workers` workers. */
  length: (workers: number) => 11 + workers,
} as const;

/**
 * Slots of the Int32 step barrier. Each worker adds one to `arrivals`; the last to arrive resets
 * it to 0, then bumps `generation` and notifies, which releases the others waiting on
 * `generation`. A failing worker (or the main thread giving up) sets `abort`, so nobody waits
 * for a party that will never arrive.
 */
export const BARRIER = { arrivals: 0, generation: 1, abort: 2, length: 3 } as const;

/**
 * Layout of the Float64 per-chunk results: chunk `c`'s values start at `RESULT.stride * c`,
 * summed by the main thread in chunk order, so the totals do not depend on the worker count.
 */
export const RESULT = { loss: 0, correct: 1, gradSquared: 2, stride: 3 } as const;

/** Commands of the control block. */
export const COMMAND = { step: 1, evaluate: 2, stop: 3 } as const;

/** Bits of `CONTROL.flags`. */
export const FLAG = {
  /** Compute chunk and batch gradient norms (noise scale). */
  norms: 1,
  /** First round of the batch: the sum starts from zero. */
  firstRound: 2,
  /** Last round: divide by the batch size and apply the optimizer. */
  finalize: 4,
  /** Evaluate the test split (else the training split). */
  test: 8,
} as const;

/**
 * Layout of the Float64 values block: lr and momentum (NaN: none), then per worker its compute,
 * barrier-wait and reduce milliseconds and a finite-gradient flag, then |mean gradient|^2 per
 * NORM_BLOCK block of parameters.
 */
export const VALUES = {
  lr: 0,
  momentum: 1,
  perWorker: 2,
  perWorkerStride: 4,
  /** Index of the first norm block for `workers` workers. */
  blocks: (workers: number) => 2 + 4 * workers,
} as const;

/** `[slot, start, end)`: a chunk of the batch (positions in `indices`) and the slot it fills. */
export type ChunkJob = readonly [slot: number, start: number, end: number];

/** The last round of a step: divide by the batch size and apply the optimizer to the slice. */
interface Finalize {
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

/**
 * The one kind of task the pool runs: worker `worker` of `workers` serves the session's commands
 * (steps and evaluations, through the control block) until told to stop. One serve task per
 * worker and run replaces a piscina round trip per step with a shared-memory handshake.
 */
export interface ServeTask {
  readonly op: "serve";
  readonly session: SessionDescriptor;
  readonly worker: number;
  readonly workers: number;
  /** The control block's generation when the task was sent: commands after it are this task's. */
  readonly generation: number;
}

/** Every task the pool runs (one kind today). */
export type Task = ServeTask;

/**
 * How a serve task ends, as its result (a task never throws on purpose: structured clone would
 * strip an LrsimError to a bare Error). `stopped`: told to stop. `abandoned`: gave up waiting at
 * the barrier for a task of the same step that failed, so its own end says nothing. `failed`:
 * the error, as plain data the main thread rebuilds with its code (see `errorFromWire`).
 */
export type ServeEnd =
  | { readonly end: "stopped" }
  | { readonly end: "abandoned" }
  | { readonly end: "failed"; readonly error: WireError };

/**
 * What a worker's reduction of its parameter slice yields (it copies this into the values
 * block): squared norms summed per block of NORM_BLOCK parameters (its slice is whole blocks),
 * in block order, so the main thread can add all blocks in the in-process backend's order.
 */
export interface ReduceResult {
  /** Blocks of |mean gradient|^2 (after the last round, when `norms` was asked). */
  readonly gradBlocks: readonly number[];
  /** False when this slice of the mean gradient has a NaN or infinite entry. */
  readonly finite: boolean;
}
