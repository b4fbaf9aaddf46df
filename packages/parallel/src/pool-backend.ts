import { availableParallelism } from "node:os";
import {
  baseChunkSize,
  chunkNoiseSample,
  createOptimizer,
  errorFromWire,
  errors,
  initParameters,
  type LossSum,
  measuresNoise,
  NORM_BLOCK,
  type RunPlan,
  type StepHyper,
  type StepOutcome,
  stepChunkSize,
  type TrainingBackend,
  updatePartialsLength,
} from "@lrsim/core";
import type { GradientPool } from "./gradient-pool.ts";
import {
  COMMAND,
  CONTROL,
  CURSOR,
  FLAG,
  type PluginRef,
  RESULT,
  type ServeEnd,
  type SessionDescriptor,
  type Task,
  VALUES,
} from "./protocol.ts";
import { createSharedArena } from "./reduce-kernel.ts";
import { SpinBudget } from "./spin-budget.ts";
import { SpinChoice } from "./spin-choice.ts";
import { untilChanged } from "./until-changed.ts";

/** The machine's cores: the main thread spins only while one is free of the command's workers. */
const CORES = availableParallelism();
/** How long the main thread spins for a command before it sleeps: up to 0.5 ms (see `spinFor`). */
const mainSpin = new SpinBudget(0.5);

function pluginRef(chosen: RunPlan["model"] | RunPlan["optimizer"], kind: string): PluginRef {
  if (!chosen.source)
    throw new Error(`${kind} "${chosen.name}" has no module reference, so worker threads cannot load it`);
  return { name: chosen.name, source: chosen.source, params: chosen.params };
}

/**
 * A training backend on the worker pool. Each worker runs one long task per run (a serve loop,
 * see worker.ts) that takes commands from a shared control block, so a step is a handshake in
 * shared memory rather than a message round trip. A batch is cut into chunks of `chunkSize`
 * samples; workers claim chunks one at a time and compute each into its own slot, then claim
 * blocks of parameters, add the slots into each in chunk order and (after the last round) run
 * the optimizer's stages and update there. Work is claimed, never dealt, so a busy or
 * descheduled worker simply takes less, and nobody waits for a worker, only for claimed items.
 * No thread touches the whole parameter vector serially, and the arithmetic is the in-process
 * backend's, bit for bit.
 */
export class PoolBackend implements TrainingBackend {
  readonly params: Float32Array;
  /** The pool's threads this run uses (all of them unless opened with fewer). */
  readonly threads: number;
  private readonly results: Float64Array;
  private readonly indices: Int32Array;
  private readonly cursor: BigInt64Array;
  private readonly chunkSize: number | "auto";
  private readonly phases: PhaseTimes = {
    steps: 0,
    computeMs: 0,
    reduceMs: 0,
    stepMs: 0,
    startLagMs: 0,
    endWaitMs: 0,
  };
  /** Per worker, a round's first chunk start and last chunk end (scratch of `recordPhases`). */
  private readonly workerSpans: Float64Array;
  private roundsSeen = 0;
  private readonly control: Int32Array;
  private readonly values: Float64Array;
  /** The serve tasks, one per worker, while they run. */
  private servers: Promise<unknown>[] | undefined;
  /**
   * The first error a serve task ended with (a plugin's, or a worker's death); `abandoned`
   * while the only news is a task that gave up waiting for a failing one.
   */
  private failure: { error: unknown; abandoned: boolean } | undefined;
  /** Wakes the main thread's wait when a serve task fails. */
  private wake: (() => void) | undefined;
  private readonly slotCount: number;
  /** Whether the main thread spins for a command (see `command`), measured per run. */
  private readonly spinChoice = new SpinChoice();
  /** The last command whose wait the spin choice decided, until the next command measures it. */
  private choosing: { readonly posted: number; readonly samples: number } | undefined;

  private constructor(
    private readonly pool: GradientPool,
    readonly plan: RunPlan,
    private readonly session: SessionDescriptor,
    workers: number,
  ) {
    this.params = new Float32Array(
      session.memory.arena.buffer,
      session.memory.paramsOffset,
      session.parameterCount,
    );
    this.results = new Float64Array(session.memory.results);
    this.indices = new Int32Array(session.memory.indices);
    this.cursor = new BigInt64Array(session.memory.cursor);
    this.control = new Int32Array(session.memory.control);
    this.values = new Float64Array(session.memory.values);
    this.chunkSize = plan.config.chunkSize;
    this.slotCount = session.memory.slotCount;
    this.threads = workers;
    this.workerSpans = new Float64Array(2 * workers);
  }

  get dataset() {
    return this.plan.dataset.data;
  }

  /**
   * Lays out shared memory, initialises the parameters here, and describes the run for its
   * `workers` threads of the pool.
   */
  static async open(pool: GradientPool, plan: RunPlan, id: number, workers: number): Promise<PoolBackend> {
    const model = plan.createModel();
    const P = model.parameterCount;
    const data = plan.dataset.data;
    const finest = baseChunkSize(plan.config.chunkSize);
    const maxChunks = Math.ceil(Math.max(data.train.size, data.test.size) / finest);
    const slots = Math.max(
      workers,
      Math.min(Math.ceil(data.train.size / finest), Math.floor(pool.slotBudgetBytes / (4 * P))),
    );
    const stateSizes: number[] = [];
    // A dry run of the optimizer's allocations, to size its state in shared memory.
    const optimizer = createOptimizer(plan, P, (n) => {
      stateSizes.push(n);
      return new Float32Array(n);
    });
    const clipGradNorm = plan.config.clipGradNorm;
    // The accumulator, the slots, the parameters and the optimizer state, each 64-byte aligned,
    // in one shared wasm memory.
    const slotStride = Math.ceil((4 * P) / 64) * 64;
    const stateFloats = stateSizes.reduce((a, b) => a + b, 0);
    const paramsOffset = slotStride * (slots + 1);
    const stateOffset = paramsOffset + slotStride;
    const memory = {
      arena: createSharedArena(stateOffset + 4 * stateFloats),
      gradOffset: 0,
      slotsOffset: slotStride,
      slotStride,
      slotCount: slots,
      paramsOffset,
      stateOffset,
      results: new SharedArrayBuffer(8 * RESULT.stride * maxChunks),
      cursor: new SharedArrayBuffer(8),
      indices: new SharedArrayBuffer(4 * data.train.size),
      stateSizes,
      partials: new SharedArrayBuffer(8 * updatePartialsLength(optimizer, clipGradNorm, P)),
      control: new SharedArrayBuffer(4 * CONTROL.length(workers)),
      values: new SharedArrayBuffer(8 * (VALUES.blocks + Math.ceil(P / NORM_BLOCK))),
    };
    const params = new Float32Array(memory.arena.buffer, paramsOffset, P);
    initParameters(plan, model, params);
    const session: SessionDescriptor = {
      id,
      model: pluginRef(plan.model, "model"),
      dataset: plan.dataset.data,
      optimizer: pluginRef(plan.optimizer, "optimizer"),
      parameterCount: P,
      clipGradNorm,
      poolKernels: pool.poolKernels,
      memory,
    };
    return new PoolBackend(pool, plan, session, workers);
  }

  /**
   * Runs a task; a worker that died (a crash, an out-of-memory, a plugin's process.exit) comes
   * back as an error naming the model and the work, instead of piscina's bare exit code.
   */
  private async task(task: Task): Promise<ServeEnd> {
    try {
      return await this.pool.run(task);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const exit = /worker exited with code:? ?(-?\d+)/i.exec(message);
      if (!exit) throw error;
      throw errors.workerDied(exit[1]!, this.session.model.name, error);
    }
  }

  /** Starts the serve loops (once per run, or again after a failure stopped them). */
  private startServers(): void {
    if (this.servers) return;
    this.failure = undefined;
    const generation = Atomics.load(this.control, CONTROL.generation);
    const workers = this.threads;
    for (let w = 0; w < workers; w++) Atomics.store(this.control, CONTROL.mailboxes + w, generation);
    this.servers = Array.from({ length: workers }, (_, worker) =>
      this.task({ op: "serve", session: this.session, worker, workers, generation }).then(
        (end) => {
          if (end.end === "failed") this.fail(errorFromWire(end.error), false);
          else if (end.end === "abandoned")
            this.fail(
              new Error("a worker gave up waiting for a step although no task of the step failed"),
              true,
            );
        },
        (error: unknown) => this.fail(error, false),
      ),
    );
  }

  /** Records a serve task's failure (the cause, not a task that merely gave up) and releases the others. */
  private fail(error: unknown, abandoned: boolean): void {
    if (!this.failure || (this.failure.abandoned && !abandoned)) this.failure = { error, abandoned };
    Atomics.store(this.control, CONTROL.abort, 1);
    Atomics.notify(this.cursor, 0);
    this.wake?.();
  }

  /** Tells the serve loops to stop and waits until every one has ended. */
  private async stopServers(): Promise<void> {
    if (!this.servers) return;
    Atomics.store(this.control, CONTROL.command, COMMAND.stop);
    this.post(nextGeneration(this.control), this.threads);
    await Promise.allSettled(this.servers);
    this.servers = undefined;
    Atomics.notify(this.control, CONTROL.done); // settles any wait left pending below
  }

  /** Posts generation `generation` to the mailboxes of workers 0 to parties - 1 and wakes them. */
  private post(generation: number, parties: number): void {
    for (let w = 0; w < parties; w++) {
      Atomics.store(this.control, CONTROL.mailboxes + w, generation);
      Atomics.notify(this.control, CONTROL.mailboxes + w);
    }
  }

  /**
   * Runs one command on `parties` workers: fill the control block, move the generation on, open
   * the claim cursor at the command's first phase, post the generation to their mailboxes, and
   * wait (without blocking the event loop) until its last item is done — not for every worker:
   * one that wakes late finds the command over and touches nothing. If a worker fails, the
   * others are stopped and the failure is thrown. There is no deadline: serve tasks of another
   * run sharing the pool may hold the threads for a while (runs on one pool then take turns),
   * and a worker stuck waiting for another's item gives up by itself after two minutes.
   */
  private async command(
    command: number,
    parties: number,
    fill: (control: Int32Array) => void,
    samples = 0,
  ): Promise<void> {
    this.startServers();
    const control = this.control;
    fill(control);
    Atomics.store(control, CONTROL.parties, parties);
    Atomics.store(control, CONTROL.completed, 0);
    Atomics.store(control, CONTROL.nonFinite, 0);
    Atomics.store(control, CONTROL.abort, 0);
    Atomics.store(control, CONTROL.command, command);
    const generation = nextGeneration(control);
    Atomics.store(this.cursor, 0, CURSOR.pack(generation, 0, 0));
    const posted = performance.now();
    // The previous choice's cost: its command and everything until this one (a main thread that
    // spins loses its turn to competing processes when it has real work to do).
    if (this.choosing) this.spinChoice.record((posted - this.choosing.posted) / this.choosing.samples);
    this.post(generation, parties);
    // With a core free of the command's workers, spin or sleep as measured faster (SpinChoice).
    this.choosing = parties < CORES && samples > 0 ? { posted, samples } : undefined;
    if (this.choosing && this.spinChoice.spin) this.spinFor(generation);
    for (;;) {
      const done = Atomics.load(control, CONTROL.done);
      if (this.failure) {
        // Once every serve task has ended, the cause is known (not a worker that gave up waiting).
        await this.stopServers();
        throw this.failure.error;
      }
      if (done === generation) return;
      // No timeout (see untilChanged); a failing serve task wakes this wait through `wake`.
      const changed = untilChanged(control, CONTROL.done, done);
      if (changed)
        await Promise.race([
          changed,
          new Promise<void>((resolve) => {
            this.wake = resolve;
          }),
        ]);
    }
  }

  /**
   * Spins briefly for command `generation` to be done before the main thread goes to sleep on
   * it (when {@link SpinChoice} measured that faster): a sleeping main thread takes 40-50 µs to
   * wake on this VM (its virtual CPU halts), a quarter of a one-chunk step with the native
   * kernel. Only while recent spins ended with the command ({@link SpinBudget}): long steps do
   * not keep a core busy, nor keep the event loop waiting.
   */
  private spinFor(generation: number): void {
    const started = performance.now();
    const spinMs = mainSpin.spinMs;
    const until = started + spinMs;
    while (Atomics.load(this.control, CONTROL.done) !== generation && performance.now() < until) {}
    mainSpin.record(spinMs, Atomics.load(this.control, CONTROL.done) === generation ? 0 : spinMs + 1);
  }

  async step(order: Int32Array, from: number, to: number, hyper: StepHyper): Promise<StepOutcome> {
    const size = to - from;
    this.indices.set(order.subarray(from, to));
    const chunkSize = stepChunkSize(this.chunkSize, size);
    const chunks = Math.ceil(size / chunkSize);
    const norms = measuresNoise(this.plan.config.noiseScale, chunkSize, size);
    const workers = this.threads;
    this.values[VALUES.lr] = hyper.lr;
    this.values[VALUES.momentum] = hyper.momentum ?? Number.NaN;
    let loss = 0;
    let correct = 0;
    let smallSquared = 0;
    let fullChunks = 0;
    let bigSquared = 0;
    let gradientFinite = true;
    for (let first = 0; first < chunks; first += this.slotCount) {
      const last = Math.min(chunks, first + this.slotCount);
      const finalize = last === chunks;
      const started = performance.timeOrigin + performance.now();
      await this.command(
        COMMAND.step,
        Math.min(workers, last - first),
        (control) => {
          control[CONTROL.firstChunk] = first;
          control[CONTROL.lastChunk] = last;
          control[CONTROL.chunkSize] = chunkSize;
          control[CONTROL.size] = size;
          control[CONTROL.step] = hyper.step;
          control[CONTROL.flags] =
            (norms ? FLAG.norms : 0) | (first === 0 ? FLAG.firstRound : 0) | (finalize ? FLAG.finalize : 0);
        },
        // one-round steps teach the spin choice (rounds of a larger batch differ in size)
        first === 0 && last === chunks ? size : 0,
      );
      this.recordPhases(started, last - first);
      for (let c = first; c < last; c++) {
        const slot = c - first;
        loss += this.results[RESULT.stride * slot + RESULT.loss]!;
        correct += this.results[RESULT.stride * slot + RESULT.correct]!;
        if (norms && Math.min((c + 1) * chunkSize, size) - c * chunkSize === chunkSize) {
          smallSquared += this.results[RESULT.stride * slot + RESULT.gradSquared]!;
          fullChunks++;
        }
      }
      if (finalize) {
        if (Atomics.load(this.control, CONTROL.nonFinite) !== 0) gradientFinite = false;
        if (norms) {
          // Blocks in order: the same sum as the in-process backend's.
          for (let b = 0; b < Math.ceil(this.session.parameterCount / NORM_BLOCK); b++)
            bigSquared += this.values[VALUES.blocks + b]!;
        }
      }
    }
    const noise =
      norms && fullChunks > 0
        ? chunkNoiseSample(chunkSize, smallSquared, fullChunks, size, bigSquared)
        : undefined;
    return { loss: loss / size, correct, noise, gradientFinite };
  }

  /**
   * Adds a round of `chunks` chunks to {@link phaseTimes}, from `started` (when the main thread
   * began the command, ms since the epoch); the first round opens the session and is left out.
   */
  private recordPhases(started: number, chunks: number): void {
    if (this.roundsSeen++ === 0) return;
    const chunksDone = this.values[VALUES.chunksDoneAt]!;
    const blocksDone = this.values[VALUES.blocksDoneAt]!;
    const ended = performance.timeOrigin + performance.now();
    const p = this.phases;
    p.steps++;
    p.computeMs += chunksDone - started;
    p.reduceMs += blocksDone - chunksDone;
    p.stepMs += ended - started;
    const spans = this.workerSpans.fill(Number.NaN);
    for (let slot = 0; slot < chunks; slot++) {
      const at = RESULT.stride * slot;
      const w = this.results[at + RESULT.worker]!;
      const start = this.results[at + RESULT.startedAt]!;
      const end = this.results[at + RESULT.endedAt]!;
      if (!(spans[2 * w]! <= start)) spans[2 * w] = start;
      if (!(spans[2 * w + 1]! >= end)) spans[2 * w + 1] = end;
    }
    for (let w = 0; w < this.threads; w++) {
      if (Number.isNaN(spans[2 * w]!)) continue;
      p.startLagMs += spans[2 * w]! - started;
      p.endWaitMs += chunksDone - spans[2 * w + 1]!;
    }
  }

  /**
   * Where step rounds spent their time so far, in ms summed over rounds (see {@link PhaseTimes}).
   * The first round (which also opens the session in every worker) is left out. `pnpm bench`
   * prints it.
   */
  phaseTimes(): PhaseTimes {
    return { ...this.phases };
  }

  async evaluate(split: "train" | "test"): Promise<LossSum> {
    const size = this.dataset[split].size;
    const chunkSize = baseChunkSize(this.chunkSize);
    const chunks = Math.ceil(size / chunkSize);
    // The claim cursor numbers a phase's items in 24 bits (CURSOR in protocol.ts).
    if (chunks >= 2 ** 24)
      throw new Error(
        `evaluating ${size} samples in chunks of ${chunkSize} makes ${chunks} chunks, more than the ${2 ** 24 - 1} a command can hold; use a larger chunkSize`,
      );
    await this.command(COMMAND.evaluate, Math.min(this.threads, chunks), (control) => {
      control[CONTROL.firstChunk] = 0;
      control[CONTROL.lastChunk] = chunks;
      control[CONTROL.chunkSize] = chunkSize;
      control[CONTROL.size] = size;
      control[CONTROL.flags] = split === "test" ? FLAG.test : 0;
    });
    const total: LossSum = { loss: 0, correct: 0 };
    for (let c = 0; c < chunks; c++) {
      total.loss += this.results[RESULT.stride * c + RESULT.loss]!;
      total.correct += this.results[RESULT.stride * c + RESULT.correct]!;
    }
    return total;
  }

  /** Ends the serve loops, freeing the workers for the next run. */
  async close(): Promise<void> {
    await this.stopServers();
  }
}

/**
 * Where a pool run's step rounds spent their time, in ms summed over rounds: from posting the
 * command until the last chunk was done (waking workers and computing chunks), from then until
 * the last parameter block was done (reducing and updating), and the whole round as the main
 * thread saw it (the rest is the handshake back); and, summed over the workers that computed
 * chunks, how long each took from the post to start its first chunk (waking up) and how long
 * it waited after its last chunk for the others' (the end of the chunk phase). What
 * `PoolBackend.phaseTimes` returns, for benchmarks (`pnpm bench`, `pnpm bench:two-copies`).
 *
 * @public
 */
export interface PhaseTimes {
  steps: number;
  computeMs: number;
  reduceMs: number;
  stepMs: number;
  startLagMs: number;
  endWaitMs: number;
}

/**
 * Moves the control block's generation on and returns the new one as the int32 the block holds:
 * past 2^31 - 1 it wraps to -2^31, which workers store back in `done` and the main thread must
 * compare equal (a plain `+ 1` would give 2^31 there and wait forever).
 */
function nextGeneration(control: Int32Array): number {
  return (Atomics.add(control, CONTROL.generation, 1) + 1) | 0;
}
