/**
 * The piscina worker: computes chunk gradients, reduces slices of them in chunk order and
 * applies the optimizer to those slices, all in shared memory. Each worker reads the dataset
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
import { partition } from "./partition.ts";
import {
  BARRIER,
  type ChunkJob,
  COMMAND,
  CONTROL,
  FLAG,
  type PluginRef,
  RESULT,
  type ReduceResult,
  type ReduceWork,
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
  /** The optimizer behind gradient clipping, run in stages over this worker's slice. */
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
  /** Int32 [3]: arrivals, generation, abort flag of the step barrier. */
  readonly barrier: Int32Array;
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
  useUpdateKernelsOn(d.memory.arena);
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
    kernel: reduceKernel(d.memory.arena),
    memory: d.memory,
    barrier: new Int32Array(d.memory.barrier),
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

/** Squared-norm sums of the floats at byte offset `base`, one per NORM_BLOCK block of [from, to). */
function blockNorms(kernel: ReduceKernel, base: number, from: number, to: number): number[] {
  const sums: number[] = [];
  for (let block = from; block < to; block += NORM_BLOCK)
    sums.push(kernel.squaredNorm(base, block, Math.min(to, block + NORM_BLOCK)));
  return sums;
}

function reduce(s: WorkerSession, task: ReduceWork): ReduceResult {
  const { kernel, memory } = s;
  const { from, to } = task;
  // On the last round the kernel also divides by the batch size and checks finiteness in the
  // same pass (what averageGradient does in the in-process backend, to the bit).
  const finite =
    kernel.accumulate(
      memory.gradOffset,
      memory.slotsOffset,
      memory.slotStride,
      from,
      to,
      task.slots,
      task.first,
      task.finalize?.batchSize ?? 0,
    ) === 1;
  const gradBlocks = task.finalize && task.norms ? blockNorms(kernel, memory.gradOffset, from, to) : [];
  return { gradBlocks, finite: task.finalize ? finite : true };
}

/**
 * The update after the last round: for each stage that needs whole-vector sums (clipping, the
 * optimizer's statistics), gather this slice's partial sums, meet the others at the barrier,
 * combine; then update the slice. A worker without a slice still meets the others.
 */
function updateSlice(
  s: WorkerSession,
  slice: readonly [number, number] | undefined,
  workers: number,
  hyper: StepHyper,
): void {
  const { update, params, grad } = s;
  for (let stage = 0; stage < update.stages.length; stage++) {
    const generation = Atomics.load(s.barrier, BARRIER.generation);
    if (slice) update.gather(stage, params, grad, slice[0], slice[1], hyper);
    arriveAndWait(s.barrier, workers, generation);
    if (slice) update.combine(stage, grad, slice[0], slice[1]);
  }
  if (slice) update.step(params, grad, slice[0], slice[1], hyper);
}

/** Runs `work` with the model told that the parameters hold still meanwhile. */
function withParams<T>(s: WorkerSession, work: () => T): T {
  callHook("model", s.target.name, "beginChunks", () => s.model.beginChunks?.(s.params), s.target.origin);
  try {
    return work();
  } finally {
    s.model.endChunks?.();
  }
}

/**
 * Computes chunk gradients into their slots (and their squared norms, for the noise scale),
 * claiming chunks from the shared counter until the round has none left.
 */
function computeChunks(s: WorkerSession, control: Int32Array, norms: boolean): void {
  withParams(s, () => {
    for (let job = claimChunk(control); job; job = claimChunk(control)) {
      const [slot, start, end] = job;
      const chunk = s.reader.read(s.data.train, s.indices, start, end);
      callLossHook(s.target, "gradient", s.out, end - start, () =>
        s.model.gradient(s.params, chunk.data, chunk.indices, chunk.start, chunk.end, s.slot(slot), s.out),
      );
      s.results[RESULT.stride * slot + RESULT.loss] = s.out.loss;
      s.results[RESULT.stride * slot + RESULT.correct] = s.out.correct;
      if (norms) {
        // This thread's fresh chunk, block by block in order: the in-process backend's sum.
        let norm = 0;
        for (const block of blockNorms(
          s.kernel,
          s.memory.slotsOffset + slot * s.memory.slotStride,
          0,
          s.params.length,
        ))
          norm += block;
        s.results[RESULT.stride * slot + RESULT.gradSquared] = norm;
      }
    }
  });
}

/** Thrown at the barrier when the main thread raised the abort flag: another task of the step failed. */
class StepAbandoned extends Error {
  constructor() {
    super("step abandoned: another task of this step failed");
  }
}

/** How long a step task waits for the others before declaring the pool stuck. */
const BARRIER_TIMEOUT_MS = 120_000;
/** The machine's cores: spinning only pays while a core is free for the thread being waited for. */
const CORES = availableParallelism();
/**
 * How long this worker spins at the barrier before it sleeps: up to 0.3 ms while the others
 * have recently arrived within that (see {@link SpinBudget}).
 */
const barrierSpin = new SpinBudget(0.3);

/**
 * Waits until all `parties` tasks of a round have arrived. Gives up with an error when the main
 * thread raises the abort flag (another task of the round failed) or the wait times out.
 */
function arriveAndWait(barrier: Int32Array, parties: number, generation: number): void {
  if (Atomics.add(barrier, BARRIER.arrivals, 1) + 1 === parties) {
    Atomics.store(barrier, BARRIER.arrivals, 0);
    Atomics.add(barrier, BARRIER.generation, 1);
    Atomics.notify(barrier, BARRIER.generation);
    return;
  }
  // The others usually arrive within a fraction of a millisecond: spin briefly (the main thread
  // is idle meanwhile), then sleep. With more workers than cores a spinning worker only delays
  // the ones still computing.
  const arrived = performance.now();
  const spinMs = parties <= CORES ? barrierSpin.spinMs : 0;
  const spinUntil = arrived + spinMs;
  while (Atomics.load(barrier, BARRIER.generation) === generation && performance.now() < spinUntil) {
    if (Atomics.load(barrier, BARRIER.abort) !== 0) throw new StepAbandoned();
  }
  const deadline = Date.now() + BARRIER_TIMEOUT_MS;
  while (Atomics.load(barrier, BARRIER.generation) === generation) {
    if (Atomics.load(barrier, BARRIER.abort) !== 0) throw new StepAbandoned();
    if (Date.now() > deadline) throw new Error(`step barrier timed out after ${BARRIER_TIMEOUT_MS} ms`);
    Atomics.wait(barrier, BARRIER.generation, generation, 50);
  }
  barrierSpin.record(spinMs, performance.now() - arrived);
}

/**
 * How long a serve loop spins for the next command before it sleeps. Steps follow each other
 * within ~0.1 ms, so a short spin saves the wake-up; a long one keeps every core busy while the
 * main thread needs one to issue the next command (measured with `pnpm bench` when every worker
 * spun: 0.2 ms beat 0 and 1 ms on 2 cores with 2 workers). Adaptive like the barrier's: no spin
 * while the commands have recently come later than that.
 */
const commandSpin = new SpinBudget(0.2);

/**
 * Waits for this worker's mailbox to move past `seen` and returns the command's generation:
 * spin briefly, then sleep. Only workers below cores - 1 spin (worker 0 on 2 cores), so the main
 * thread always finds a core to issue the next command on (with 2 workers on 2 cores both
 * spinning kept it off the CPU); worker 0 takes part in every command, so the spinner is never
 * the one left out. Under the dynamic chunk assignment it starts on the chunks while the others
 * wake up.
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
 * Claims the round's next chunk for this worker (see `CONTROL.nextChunk`): its slot and batch
 * positions, or undefined when every chunk is taken.
 */
function claimChunk(control: Int32Array): ChunkJob | undefined {
  const first = control[CONTROL.firstChunk]!;
  const i = Atomics.add(control, CONTROL.nextChunk, 1);
  if (first + i >= control[CONTROL.lastChunk]!) return undefined;
  const chunk = control[CONTROL.chunkSize]!;
  const c = first + i;
  return [i, c * chunk, Math.min((c + 1) * chunk, control[CONTROL.size]!)];
}

/**
 * One round of a step on this worker: compute its chunks, meet the others at the barrier, then
 * add the round's slots into its parameter slice (and, on the last round, average and apply the
 * optimizer there). Writes its phase times, finite flag and norm blocks to the values block.
 */
function serveStep(s: WorkerSession, task: ServeTask, control: Int32Array, values: Float64Array): void {
  const { worker } = task;
  const parties = control[CONTROL.parties]!;
  const flags = control[CONTROL.flags]!;
  const norms = (flags & FLAG.norms) !== 0;
  const generation = Atomics.load(s.barrier, BARRIER.generation);
  const start = performance.now();
  computeChunks(s, control, norms);
  const computed = performance.now();
  arriveAndWait(s.barrier, parties, generation);
  const met = performance.now();
  const slice = partition(task.session.parameterCount, parties, NORM_BLOCK)[worker];
  let finite = true;
  const momentum = values[VALUES.momentum]!;
  const finalize =
    (flags & FLAG.finalize) !== 0
      ? {
          batchSize: control[CONTROL.size]!,
          lr: values[VALUES.lr]!,
          momentum: Number.isNaN(momentum) ? undefined : momentum,
          step: control[CONTROL.step]!,
        }
      : undefined;
  if (slice) {
    const result = reduce(s, {
      from: slice[0],
      to: slice[1],
      slots: control[CONTROL.lastChunk]! - control[CONTROL.firstChunk]!,
      first: (flags & FLAG.firstRound) !== 0,
      norms,
      finalize,
    });
    finite = result.finite;
    const base = VALUES.blocks(task.workers) + slice[0] / NORM_BLOCK;
    result.gradBlocks.forEach((norm, j) => {
      values[base + j] = norm;
    });
  }
  if (finalize) updateSlice(s, slice, parties, finalize);
  const at = VALUES.perWorker + VALUES.perWorkerStride * worker;
  values[at] = computed - start;
  values[at + 1] = met - computed;
  values[at + 2] = performance.now() - met;
  values[at + 3] = finite ? 1 : 0;
}

/** This worker's share of an evaluation pass: loss and correct count per chunk of the split. */
function serveEvaluate(s: WorkerSession, control: Int32Array): void {
  const split = (control[CONTROL.flags]! & FLAG.test) !== 0 ? "test" : "train";
  const data = s.data[split];
  const order = s.evalOrder[split];
  withParams(s, () => {
    for (let job = claimChunk(control); job; job = claimChunk(control)) {
      const [slot, start, end] = job;
      const chunk = s.reader.read(data, order, start, end);
      callLossHook(s.target, "evaluate", s.out, end - start, () =>
        s.model.evaluate(s.params, chunk.data, chunk.indices, chunk.start, chunk.end, s.out),
      );
      s.results[RESULT.stride * slot + RESULT.loss] = s.out.loss;
      s.results[RESULT.stride * slot + RESULT.correct] = s.out.correct;
    }
  });
}

/**
 * The task each worker runs for the whole of a run: wait for a command in the control block,
 * run it, count itself done, repeat until told to stop. A failure (opening the session too)
 * raises the barrier's abort flag first, so no other worker waits for this one, and ends the
 * task with the error as data (see {@link ServeEnd}), so its code survives the thread boundary.
 * piscina calls it (through worker-entry.mjs), hence `@public` for knip.
 *
 * @public
 */
export default async function run(task: ServeTask): Promise<ServeEnd> {
  try {
    await serve(task);
    return { end: "stopped" };
  } catch (error) {
    const barrier = new Int32Array(task.session.memory.barrier);
    Atomics.store(barrier, BARRIER.abort, 1);
    Atomics.notify(barrier, BARRIER.generation);
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
    const command = control[CONTROL.command];
    if (command === COMMAND.stop) return;
    if (command === COMMAND.step) serveStep(s, task, control, values);
    else serveEvaluate(s, control);
    Atomics.add(control, CONTROL.done, 1);
    Atomics.notify(control, CONTROL.done);
  }
}
