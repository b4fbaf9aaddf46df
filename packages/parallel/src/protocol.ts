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
  /** Which code runs the reduction and the built-in updates: `auto`, `native` or `wasm` (the same bits; see GradientPoolOptions). */
  readonly poolKernels: "auto" | "native" | "wasm";
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
  /** BigInt64 [1]: the command's claim cursor, its generation, phase and next item (see {@link CURSOR}). */
  readonly cursor: SharedArrayBuffer;
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
 * sets the claim cursor to the command's first phase (see {@link CURSOR}), and posts the new
 * generation to the mailbox of each worker taking part (`parties` of them, workers 0 to
 * parties - 1), notifying each. Workers claim the command's items phase by phase; whoever
 * completes the last item of the last phase stores the generation in `done`. No one waits for a
 * worker, only for claimed work: a worker that wakes after its command has ended finds the
 * cursor tagged with another generation and touches nothing. A worker not taking part is
 * neither woken nor waited for: a one-chunk step on two workers costs what it costs on one.
 */
export const CONTROL = {
  generation: 0,
  /** The generation of the last command whose every item is done. */
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
  /** Workers woken for this command: no more than it has chunks. */
  parties: 9,
  /** Items of the current phase done so far; the one who completes the last opens the next phase. */
  completed: 10,
  /** Set by a reduced block of the mean gradient holding a NaN or an infinity. */
  nonFinite: 11,
  /** Set when a worker failed (or the main thread gave up): nobody waits for its items any more. */
  abort: 12,
  /** First of the mailboxes, one per worker: the generation of the command it is to run next. */
  mailboxes: 13,
  /** Int32 slots of the block for `workers` workers. */
  length: (workers: number) => 13 + workers,
} as const;

/**
 * The claim cursor: one BigInt64 word holding a command's generation (high 32 bits), its phase
 * (8 bits) and the next unclaimed item of that phase (24 bits). Workers claim an item with a
 * compare-and-exchange of the whole word, so a claim succeeds only for the command and phase
 * the claimer read — a worker that wakes late, after its command ended, cannot take an item of
 * the next one. Phases run in order: a step round computes its chunks (phase 0: item = chunk),
 * reduces the slots into the gradient by parameter blocks (phase 1: item = block of NORM_BLOCK
 * parameters), and on its last round runs the update's stages by blocks (phases 2...); an
 * evaluation has phase 0 only. Which worker takes an item never changes a result: chunks keep
 * their slots, blocks their place in the sums.
 */
export const CURSOR = {
  /** Past the last phase: every item of the command is done. */
  end: 0xff,
  pack(generation: number, phase: number, item: number): bigint {
    return (BigInt(generation >>> 0) << 32n) | (BigInt(phase) << 24n) | BigInt(item);
  },
  /** Unsigned, as packed (the word is stored signed: generations from 2^31 make it negative). */
  generation: (cursor: bigint) => Number(BigInt.asUintN(32, cursor >> 32n)),
  phase: (cursor: bigint) => Number((cursor >> 24n) & 0xffn),
  item: (cursor: bigint) => Number(cursor & 0xffffffn),
} as const;

/**
 * Layout of the Float64 per-chunk results: chunk `c`'s values start at `RESULT.stride * c`,
 * summed by the main thread in chunk order, so the totals do not depend on the worker count.
 * A step's chunks also note when they started and ended (ms since the epoch) and which worker
 * computed them, for the phase times (`PoolBackend.phaseTimes`).
 */
export const RESULT = {
  loss: 0,
  correct: 1,
  gradSquared: 2,
  startedAt: 3,
  endedAt: 4,
  worker: 5,
  stride: 6,
} as const;

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
 * Layout of the Float64 values block: lr and momentum (NaN: none), when the round's last chunk
 * and its last block were done (ms since the epoch, `performance.timeOrigin +
 * performance.now()`, for the phase times), then |mean gradient|^2 per NORM_BLOCK block of
 * parameters.
 */
export const VALUES = { lr: 0, momentum: 1, chunksDoneAt: 2, blocksDoneAt: 3, blocks: 4 } as const;

/** `[slot, start, end)`: a chunk of the batch (positions in `indices`) and the slot it fills. */
export type ChunkJob = readonly [slot: number, start: number, end: number];

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
 * strip an LrsimError to a bare Error). `stopped`: told to stop. `abandoned`: gave up waiting
 * for an item of its command that a failed task had claimed, so its own end says nothing. `failed`:
 * the error, as plain data the main thread rebuilds with its code (see `errorFromWire`).
 */
export type ServeEnd =
  | { readonly end: "stopped" }
  | { readonly end: "abandoned" }
  | { readonly end: "failed"; readonly error: WireError };
