/**
 * The piscina worker: computes chunk gradients, reduces them block by block of parameters in
 * chunk order and applies the optimizer to those blocks, all in shared memory, claiming each
 * chunk and block from the command's cursor. Each worker reads the dataset
 * the main thread loaded (shared memory, never its own copy), keeps its model instance
 * resident per run (session) and serves the run's commands from a shared control block, so a
 * step costs no message round trip.
 */
import { availableParallelism } from "node:os";
import {
  ChunkReader,
  callHook,
  callLossHook,
  type Dataset,
  errors,
  errorToWire,
  guardOptimizer,
  importModule,
  isByteSplit,
  type LossSum,
  type ModelDefinition,
  type ModelHookTarget,
  type ModelInstance,
  NORM_BLOCK,
  type OptimizerDefinition,
  ParameterUpdate,
  type PluginKind,
  parameterGroupsOf,
  pluginLabel,
  type StepHyper,
  shapeProblem,
  useUpdateKernelsOn,
} from "@lrsim/core";
import { claimItem, completeItem } from "./claims.ts";
import {
  type ChunkJob,
  COMMAND,
  CONTROL,
  FLAG,
  type PluginRef,
  RESULT,
  type ServeEnd,
  type ServeTask,
  type SessionDescriptor,
  VALUES,
} from "./protocol.ts";
import { type ReduceKernel, reduceKernel } from "./reduce-kernel.ts";
import { SpinBudget } from "./spin-budget.ts";

interface WorkerSession {
  readonly model: ModelInstance;
  /** The model as its hooks are called: name, origin, and how errors name it. */
  readonly target: ModelHookTarget;
  readonly data: Dataset;
  /** Hands the model each chunk as float32 (decoding byte-stored images into this thread's scratch). */
  readonly reader: ChunkReader;
  /** The optimizer behind gradient clipping, run in stages over the blocks this worker claims. */
  readonly update: ParameterUpdate;
  readonly params: Float32Array;
  readonly grad: Float32Array;
  /** Slot `s` as a Float32Array view of P floats. */
  readonly slot: (s: number) => Float32Array;
  readonly kernel: ReduceKernel;
  readonly memory: SessionDescriptor["memory"];
  readonly results: Float64Array;
  readonly indices: Int32Array;
  readonly evalOrder: { readonly train: Int32Array; readonly test: Int32Array };
  readonly out: LossSum;
  /** The command's claim cursor (see CURSOR). */
  readonly cursor: BigInt64Array;
  /** The update's parameter blocks: items of the reduce and update phases. */
  readonly blocks: number;
}

const sessions = new Map<number, Promise<WorkerSession>>();
const MAX_SESSIONS = 2;

async function importPlugin<D>(kind: PluginKind, ref: PluginRef): Promise<D> {
  const module = await importModule(ref.source.module);
  let found = module[ref.source.export];
  if (Array.isArray(found)) found = found.find((d: { name?: string }) => d?.name === ref.name);
  const problem = shapeProblem(kind, found);
  if (problem)
    throw errors.badDefinition(kind, ref.name, `${ref.source.module}#${ref.source.export}: ${problem}`);
  return found as D;
}

/** Views onto the shared optimizer state, handed out in the same order the main thread counted. */
function sharedAllocator(memory: SessionDescriptor["memory"]) {
  let offset = 0;
  let index = 0;
  return (length: number): Float32Array => {
    if (memory.stateSizes[index] !== length)
      throw new Error(
        `optimizer allocation ${index} is ${length} floats here but ${memory.stateSizes[index]} on the main thread`,
      );
    index++;
    const view = new Float32Array(memory.arena.buffer, memory.stateOffset + offset * 4, length);
    offset += length;
    return view;
  };
}

/**
 * The session's dataset as this thread sees it: the main thread's arrays, through views of
 * their shared memory (checked, since a copy here would silently cost a dataset per worker).
 */
function sharedDataset(data: Dataset): Dataset {
  const check = (split: Dataset["train"], name: string) => {
    const x = isByteSplit(split) ? split.bytes : split.x;
    if (!(x.buffer instanceof SharedArrayBuffer && split.y.buffer instanceof SharedArrayBuffer))
      throw new Error(`the ${name} split reached the worker as a copy, not in shared memory`);
  };
  check(data.train, "train");
  check(data.test, "test");
  return data;
}

async function openSession(d: SessionDescriptor): Promise<WorkerSession> {
  // Parameters, mean gradient and optimizer state share the arena: built-in updates run in SIMD.
  useUpdateKernelsOn(d.memory.arena, d.poolKernels);
  const modelDefinition = await importPlugin<ModelDefinition>("model", d.model);
  const optimizerDefinition = await importPlugin<OptimizerDefinition>("optimizer", d.optimizer);
  const data = sharedDataset(d.dataset);
  const model = callHook(
    "model",
    d.model.name,
    "create",
    () => modelDefinition.create(d.model.params, data.shape),
    d.model.source,
  );
  const optimizer = callHook("optimizer", d.optimizer.name, "create", () =>
    optimizerDefinition.create(
      d.optimizer.params,
      d.parameterCount,
      sharedAllocator(d.memory),
      parameterGroupsOf(model),
    ),
  );
  const update = new ParameterUpdate(
    guardOptimizer(optimizer, d.optimizer.name),
    d.clipGradNorm,
    d.parameterCount,
    new Float64Array(d.memory.partials),
  );
  const identity = (n: number) => Int32Array.from({ length: n }, (_, i) => i);
  return {
    model,
    target: {
      name: d.model.name,
      origin: d.model.source,
      label: pluginLabel("model", d.model.name, d.model.source),
    },
    data,
    reader: new ChunkReader(data.shape.inputs, data.shape.task === "classification" ? 1 : data.shape.outputs),
    update,
    params: new Float32Array(d.memory.arena.buffer, d.memory.paramsOffset, d.parameterCount),
    grad: new Float32Array(d.memory.arena.buffer, d.memory.gradOffset, d.parameterCount),
    slot: (i) =>
      new Float32Array(
        d.memory.arena.buffer,
        d.memory.slotsOffset + i * d.memory.slotStride,
        d.parameterCount,
      ),
    kernel: reduceKernel(d.memory.arena, d.poolKernels),
    memory: d.memory,
    cursor: new BigInt64Array(d.memory.cursor),
    blocks: Math.ceil(d.parameterCount / NORM_BLOCK),
    results: new Float64Array(d.memory.results),
    indices: new Int32Array(d.memory.indices),
    evalOrder: { train: identity(data.train.size), test: identity(data.test.size) },
    out: { loss: 0, correct: 0 },
  };
}

function session(d: SessionDescriptor): Promise<WorkerSession> {
  let found = sessions.get(d.id);
  if (!found) {
    found = openSession(d);
    sessions.set(d.id, found);
    found.catch(() => sessions.delete(d.id));
    while (sessions.size > MAX_SESSIONS) sessions.delete(sessions.keys().next().value!);
  }
  return found;
}

/** Squared-norm sum of the floats at byte offset `base` over [from, to), NORM_BLOCK block by block in order. */
function blockNormSum(kernel: ReduceKernel, base: number, from: number, to: number): number {
  let sum = 0;
  for (let block = from; block < to; block += NORM_BLOCK)
    sum += kernel.squaredNorm(base, block, Math.min(to, block + NORM_BLOCK));
  return sum;
}

/** Thrown while waiting for claimed work when the abort flag is up: another task of the command failed. */
class StepAbandoned extends Error {
  constructor() {
    super("step abandoned: another task of this step failed");
  }
}

/** How long a worker waits for another's claimed item before declaring the pool stuck. */
const ITEM_TIMEOUT_MS = 120_000;
/** The machine's cores: spinning only pays while a core is free for the thread being waited for. */
const CORES = availableParallelism();
/**
 * How long a worker with nothing left to claim spins for the phase to end before it sleeps:
 * up to 0.3 ms while the others' items have recently ended within that (see {@link SpinBudget}).
 */
const phaseSpin = new SpinBudget(0.3);

/**
 * One command as a worker runs it: the command's fields, read once it holds a claim (the main
 * thread rewrites them only after every item is done, so they hold still while it has one).
 */
class CommandRun {
  /** Notes when a step round's last chunk was done, for the phase times (`PoolBackend.phaseTimes`). */
  private readonly chunksDone = () => {
    this.values[VALUES.chunksDoneAt] = performance.timeOrigin + performance.now();
  };
  /** Notes when a step round's last block was done. */
  private readonly blocksDone = () => {
    this.values[VALUES.blocksDoneAt] = performance.timeOrigin + performance.now();
  };
  /** Whether the model was told the parameters hold still (`beginChunks`) and not yet released. */
  private chunksOpen = false;

  constructor(
    private readonly s: WorkerSession,
    private readonly control: Int32Array,
    private readonly values: Float64Array,
    private readonly generation: number,
    /** This thread's worker number (its mailbox). */
    private readonly worker: number,
  ) {}

  /** Claims and runs the command's items until it has none left for this worker. */
  run(): void {
    const { control, s } = this;
    try {
      for (;;) {
        if (Atomics.load(control, CONTROL.abort) !== 0) throw new StepAbandoned();
        const claim = claimItem(s.cursor, this.generation, (phase) => this.items(phase));
        if (claim.kind === "over") return;
        if (claim.kind === "wait") {
          this.closeChunks();
          this.waitPast(claim.seen);
          continue;
        }
        this.runItem(claim.phase, claim.item);
        const lastPhase = this.lastPhase();
        completeItem(
          control,
          s.cursor,
          this.generation,
          claim.phase,
          this.items(claim.phase),
          lastPhase,
          this.stampFor(claim.phase, lastPhase),
        );
      }
    } finally {
      this.closeChunks();
    }
  }

  /** For a step round, what notes the end of phase `phase` for the phase times: the chunks', the last block's. */
  private stampFor(phase: number, lastPhase: number): (() => void) | undefined {
    if (!this.isStep) return undefined;
    if (phase === 0) return this.chunksDone;
    return phase === lastPhase ? this.blocksDone : undefined;
  }

  private get isStep(): boolean {
    return this.control[CONTROL.command] === COMMAND.step;
  }

  private get flags(): number {
    return this.control[CONTROL.flags]!;
  }

  /** Items of phase `phase`: the round's chunks, then the parameter blocks. */
  private items(phase: number): number {
    const c = this.control;
    return phase === 0 ? c[CONTROL.lastChunk]! - c[CONTROL.firstChunk]! : this.s.blocks;
  }

  /** The command's last phase: chunks only (evaluation), reduce, or reduce and the update's stages. */
  private lastPhase(): number {
    if (!this.isStep) return 0;
    return (this.flags & FLAG.finalize) !== 0 ? 1 + this.s.update.stages.length : 1;
  }

  private runItem(phase: number, item: number): void {
    if (phase === 0) {
      if (!this.chunksOpen) {
        callHook(
          "model",
          this.s.target.name,
          "beginChunks",
          () => this.s.model.beginChunks?.(this.s.params),
          this.s.target.origin,
        );
        this.chunksOpen = true;
      }
      if (this.isStep) this.gradientChunk(item);
      else this.evaluateChunk(item);
      return;
    }
    this.closeChunks();
    this.updateBlock(phase, item);
  }

  private closeChunks(): void {
    if (!this.chunksOpen) return;
    this.chunksOpen = false;
    this.s.model.endChunks?.();
  }

  /**
   * Waits until the cursor moves past `seen` (the phase's last items, claimed by others, are
   * done). Spins briefly first (see {@link phaseSpin}) unless there are more parties than cores.
   */
  private waitPast(seen: bigint): void {
    const { control, s } = this;
    const started = performance.now();
    const spinMs = control[CONTROL.parties]! <= CORES ? phaseSpin.spinMs : 0;
    const spinUntil = started + spinMs;
    while (Atomics.load(s.cursor, 0) === seen && performance.now() < spinUntil) {
      if (Atomics.load(control, CONTROL.abort) !== 0) throw new StepAbandoned();
    }
    const deadline = performance.now() + ITEM_TIMEOUT_MS;
    while (Atomics.load(s.cursor, 0) === seen) {
      if (Atomics.load(control, CONTROL.abort) !== 0) throw new StepAbandoned();
      if (performance.now() > deadline)
        throw new Error(`waited ${ITEM_TIMEOUT_MS} ms for another worker's part of a step`);
      Atomics.wait(s.cursor, 0, seen, 50);
    }
    phaseSpin.record(spinMs, performance.now() - started);
  }

  /** Chunk `item` of the round: its batch positions, into slot `item`. */
  private chunk(item: number): ChunkJob {
    const c = this.control;
    const chunk = c[CONTROL.chunkSize]!;
    const at = c[CONTROL.firstChunk]! + item;
    return [item, at * chunk, Math.min((at + 1) * chunk, c[CONTROL.size]!)];
  }

  /** A chunk's gradient into its slot (and its squared norm, for the noise scale). */
  private gradientChunk(item: number): void {
    const s = this.s;
    const [slot, start, end] = this.chunk(item);
    const at = RESULT.stride * slot;
    s.results[at + RESULT.startedAt] = performance.timeOrigin + performance.now();
    const chunk = s.reader.read(s.data.train, s.indices, start, end);
    callLossHook(s.target, "gradient", s.out, end - start, () =>
      s.model.gradient(s.params, chunk.data, chunk.indices, chunk.start, chunk.end, s.slot(slot), s.out),
    );
    s.results[at + RESULT.loss] = s.out.loss;
    s.results[at + RESULT.correct] = s.out.correct;
    // This thread's fresh chunk, block by block in order: the in-process backend's sum.
    if ((this.flags & FLAG.norms) !== 0)
      s.results[at + RESULT.gradSquared] = blockNormSum(
        s.kernel,
        s.memory.slotsOffset + slot * s.memory.slotStride,
        0,
        s.params.length,
      );
    s.results[at + RESULT.endedAt] = performance.timeOrigin + performance.now();
    s.results[at + RESULT.worker] = this.worker;
  }

  /** A chunk of the split being evaluated: its loss and correct count. */
  private evaluateChunk(item: number): void {
    const s = this.s;
    const split = (this.flags & FLAG.test) !== 0 ? "test" : "train";
    const [slot, start, end] = this.chunk(item);
    const chunk = s.reader.read(s.data[split], s.evalOrder[split], start, end);
    callLossHook(s.target, "evaluate", s.out, end - start, () =>
      s.model.evaluate(s.params, chunk.data, chunk.indices, chunk.start, chunk.end, s.out),
    );
    s.results[RESULT.stride * slot + RESULT.loss] = s.out.loss;
    s.results[RESULT.stride * slot + RESULT.correct] = s.out.correct;
  }

  /**
   * Parameter block `block` in phase `phase` >= 1. Phase 1 adds the round's slots into it in
   * slot order; on the last round it also divides by the batch size, checks finiteness and takes
   * its squared norm in the same pass, then gathers the update's first stage (or, with no stage,
   * updates the block). Phase 1 + k combines stage k - 1 (all blocks gathered it in the phase
   * before) and gathers stage k, or, after the last stage, updates the block.
   */
  private updateBlock(phase: number, block: number): void {
    const { s, control, values } = this;
    const flags = this.flags;
    const from = block * NORM_BLOCK;
    const to = Math.min(s.params.length, from + NORM_BLOCK);
    const finalize = (flags & FLAG.finalize) !== 0;
    if (phase === 1) {
      const finite = s.kernel.accumulate(
        s.memory.gradOffset,
        s.memory.slotsOffset,
        s.memory.slotStride,
        from,
        to,
        control[CONTROL.lastChunk]! - control[CONTROL.firstChunk]!,
        (flags & FLAG.firstRound) !== 0,
        finalize ? control[CONTROL.size]! : 0,
      );
      if (!finalize) return;
      if (finite !== 1) Atomics.store(control, CONTROL.nonFinite, 1);
      if ((flags & FLAG.norms) !== 0)
        values[VALUES.blocks + block] = s.kernel.squaredNorm(s.memory.gradOffset, from, to);
    } else s.update.combine(phase - 2, s.grad, from, to);
    const stage = phase - 1;
    const momentum = values[VALUES.momentum]!;
    const hyper: StepHyper = {
      lr: values[VALUES.lr]!,
      momentum: Number.isNaN(momentum) ? undefined : momentum,
      step: control[CONTROL.step]!,
    };
    if (stage < s.update.stages.length) s.update.gather(stage, s.params, s.grad, from, to, hyper);
    else s.update.step(s.params, s.grad, from, to, hyper);
  }
}

/**
 * How long a serve loop spins for the next command before it sleeps. Steps follow each other
 * within ~0.1 ms, so a short spin saves the wake-up; a long one keeps every core busy while the
 * main thread needs one to issue the next command (measured with `pnpm bench` when every worker
 * spun: 0.2 ms beat 0 and 1 ms on 2 cores with 2 workers). Adaptive like the phase wait's: no
 * spin while the commands have recently come later than that.
 */
const commandSpin = new SpinBudget(0.2);

/**
 * Waits for this worker's mailbox to move past `seen` and returns the command's generation:
 * spin briefly, then sleep. Only workers below cores - 1 spin (worker 0 on 2 cores), so the main
 * thread always finds a core to issue the next command on (with 2 workers on 2 cores both
 * spinning kept it off the CPU); worker 0 takes part in every command, so the spinner is never
 * the one left out. It starts on the chunks while the others wake up.
 */
function nextCommand(control: Int32Array, worker: number, seen: number): number {
  const mailbox = CONTROL.mailboxes + worker;
  const started = performance.now();
  const spinMs = worker < CORES - 1 ? commandSpin.spinMs : 0;
  const spinUntil = started + spinMs;
  while (Atomics.load(control, mailbox) === seen && performance.now() < spinUntil) {}
  while (Atomics.load(control, mailbox) === seen) Atomics.wait(control, mailbox, seen, 1000);
  commandSpin.record(spinMs, performance.now() - started);
  return Atomics.load(control, mailbox);
}

/**
 * The task each worker runs for the whole of a run: wait for a command in the control block,
 * take part in it until it has nothing left to claim, repeat until told to stop. A failure
 * (opening the session too) raises the abort flag first, so no other worker waits for an item
 * this one claimed, and ends the task with the error as data (see {@link ServeEnd}), so its code
 * survives the thread boundary. piscina calls it (through worker-entry.mjs), hence `@public`
 * for knip.
 *
 * @public
 */
export default async function run(task: ServeTask): Promise<ServeEnd> {
  try {
    await serve(task);
    return { end: "stopped" };
  } catch (error) {
    const control = new Int32Array(task.session.memory.control);
    Atomics.store(control, CONTROL.abort, 1);
    Atomics.notify(new BigInt64Array(task.session.memory.cursor), 0);
    if (error instanceof StepAbandoned) return { end: "abandoned" };
    return { end: "failed", error: errorToWire(error) };
  }
}

/** The serve loop of {@link run}; returns when told to stop, throws what a command threw. */
async function serve(task: ServeTask): Promise<void> {
  const s = await session(task.session);
  const control = new Int32Array(task.session.memory.control);
  const values = new Float64Array(task.session.memory.values);
  let seen = task.generation;
  for (;;) {
    seen = nextCommand(control, task.worker, seen);
    if (control[CONTROL.command] === COMMAND.stop) return;
    new CommandRun(s, control, values, seen, task.worker).run();
  }
}
