import {
  baseChunkSize,
  chunkNoiseSample,
  createOptimizer,
  errorFromWire,
  errors,
  initParameters,
  type LossSum,
  NORM_BLOCK,
  type RunPlan,
  type StepHyper,
  type StepOutcome,
  stepChunkSize,
  type TrainingBackend,
  updatePartialsLength,
} from "@lrsim/core";
import type { GradientPool } from "./gradient-pool.ts";
import { PartySize } from "./party-size.ts";
import {
  BARRIER,
  COMMAND,
  CONTROL,
  FLAG,
  type PluginRef,
  RESULT,
  type ServeEnd,
  type SessionDescriptor,
  type Task,
  VALUES,
} from "./protocol.ts";
import { createSharedArena } from "./reduce-kernel.ts";
import { untilChanged } from "./until-changed.ts";

function pluginRef(chosen: RunPlan["model"] | RunPlan["optimizer"], kind: string): PluginRef {
  if (!chosen.source)
    throw new Error(`${kind} "${chosen.name}" has no module reference, so worker threads cannot load it`);
  return { name: chosen.name, source: chosen.source, params: chosen.params };
}

/**
 * A training backend on the worker pool. Each worker runs one long task per run (a serve loop,
 * see worker.ts) that takes commands from a shared control block, so a step is a handshake in
 * shared memory rather than a message round trip. A batch is cut into chunks of `chunkSize`
 * samples; workers claim chunks one at a time from a shared counter and compute each into its
 * own slot (a busy or descheduled worker simply takes fewer), meet the others at a barrier, then adds the slots in chunk order into its own parameter slice and (after the
 * last round) applies the optimizer there. No thread touches the whole parameter vector
 * serially, and the arithmetic is the in-process backend's, bit for bit.
 */
export class PoolBackend implements TrainingBackend {
  readonly params: Float32Array;
  readonly threads: number;
  private readonly results: Float64Array;
  private readonly indices: Int32Array;
  private readonly barrier: Int32Array;
  private readonly chunkSize: number | "auto";
  private readonly phases = { steps: 0, computeMs: 0, waitMs: 0, reduceMs: 0, stepMs: 0 };
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
  /** How many workers each step round wakes (see {@link PartySize}). */
  private readonly partySize: PartySize;

  private constructor(
    private readonly pool: GradientPool,
    readonly plan: RunPlan,
    private readonly session: SessionDescriptor,
  ) {
    this.params = new Float32Array(
      session.memory.arena.buffer,
      session.memory.paramsOffset,
      session.parameterCount,
    );
    this.results = new Float64Array(session.memory.results);
    this.indices = new Int32Array(session.memory.indices);
    this.barrier = new Int32Array(session.memory.barrier);
    this.control = new Int32Array(session.memory.control);
    this.values = new Float64Array(session.memory.values);
    this.chunkSize = plan.config.chunkSize;
    this.slotCount = session.memory.slotCount;
    this.threads = pool.workers;
    this.partySize = new PartySize(pool.workers);
  }

  get dataset() {
    return this.plan.dataset.data;
  }

  /** Lays out shared memory, initialises the parameters here, and describes the run for workers. */
  static async open(pool: GradientPool, plan: RunPlan, id: number): Promise<PoolBackend> {
    const model = plan.createModel();
    const P = model.parameterCount;
    const data = plan.dataset.data;
    const finest = baseChunkSize(plan.config.chunkSize);
    const maxChunks = Math.ceil(Math.max(data.train.size, data.test.size) / finest);
    const slots = Math.max(
      pool.workers,
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
      barrier: new SharedArrayBuffer(4 * BARRIER.length),
      indices: new SharedArrayBuffer(4 * data.train.size),
      stateSizes,
      partials: new SharedArrayBuffer(8 * updatePartialsLength(optimizer, clipGradNorm, P)),
      control: new SharedArrayBuffer(4 * CONTROL.length(pool.workers)),
      values: new SharedArrayBuffer(8 * (VALUES.blocks(pool.workers) + Math.ceil(P / NORM_BLOCK))),
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
      memory,
    };
    return new PoolBackend(pool, plan, session);
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
    const workers = this.pool.workers;
    for (let w = 0; w < workers; w++) Atomics.store(this.control, CONTROL.mailboxes + w, generation);
    this.servers = Array.from({ length: workers }, (_, worker) =>
      this.task({ op: "serve", session: this.session, worker, workers, generation }).then(
        (end) => {
          if (end.end === "failed") this.fail(errorFromWire(end.error), false);
          else if (end.end === "abandoned")
            this.fail(
              new Error("a worker gave up at the step barrier although no task of the step failed"),
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
    Atomics.store(this.barrier, BARRIER.abort, 1);
    Atomics.notify(this.barrier, BARRIER.generation);
    this.wake?.();
  }

  /** Tells the serve loops to stop and waits until every one has ended. */
  private async stopServers(): Promise<void> {
    if (!this.servers) return;
    Atomics.store(this.control, CONTROL.command, COMMAND.stop);
    this.post(Atomics.add(this.control, CONTROL.generation, 1) + 1, this.pool.workers);
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
   * Runs one command on `parties` workers: fill the control block, move the generation on, post
   * it to their mailboxes, and wait (without blocking the event loop) until all have counted
   * themselves done. If a worker fails, the others are stopped and the failure is thrown. There
   * is no deadline: serve tasks of another run sharing the pool may hold the threads for a while
   * (runs on one pool then take turns), and a worker stuck at the barrier gives up by itself
   * after two minutes.
   */
  private async command(
    command: number,
    parties: number,
    fill: (control: Int32Array) => void,
  ): Promise<void> {
    this.startServers();
    const control = this.control;
    fill(control);
    Atomics.store(control, CONTROL.parties, parties);
    Atomics.store(control, CONTROL.nextChunk, 0);
    Atomics.store(control, CONTROL.done, 0);
    Atomics.store(this.barrier, BARRIER.arrivals, 0);
    Atomics.store(this.barrier, BARRIER.abort, 0);
    Atomics.store(control, CONTROL.command, command);
    this.post(Atomics.add(control, CONTROL.generation, 1) + 1, parties);
    for (;;) {
      const done = Atomics.load(control, CONTROL.done);
      if (this.failure) {
        // Once every serve task has ended, the cause is known (not a worker that gave up waiting).
        await this.stopServers();
        throw this.failure.error;
      }
      if (done === parties) return;
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

  async step(order: Int32Array, from: number, to: number, hyper: StepHyper): Promise<StepOutcome> {
    const size = to - from;
    this.indices.set(order.subarray(from, to));
    const chunkSize = stepChunkSize(this.chunkSize, size);
    const chunks = Math.ceil(size / chunkSize);
    const norms = this.plan.config.noiseScale;
    const workers = this.pool.workers;
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
      const started = performance.now();
      const parties = this.partySize.choose(last - first);
      await this.command(COMMAND.step, parties, (control) => {
        control[CONTROL.firstChunk] = first;
        control[CONTROL.lastChunk] = last;
        control[CONTROL.chunkSize] = chunkSize;
        control[CONTROL.size] = size;
        control[CONTROL.step] = hyper.step;
        control[CONTROL.flags] =
          (norms ? FLAG.norms : 0) | (first === 0 ? FLAG.firstRound : 0) | (finalize ? FLAG.finalize : 0);
      });
      this.recordPhases(performance.now() - started, parties);
      this.learnPartySize(last - first, parties);
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
        for (let k = 0; k < parties; k++)
          if (this.values[VALUES.perWorker + VALUES.perWorkerStride * k + 3] === 0) gradientFinite = false;
        if (norms) {
          // Blocks in order: the same sum as the in-process backend's.
          const base = VALUES.blocks(workers);
          for (let b = 0; b < Math.ceil(this.session.parameterCount / NORM_BLOCK); b++)
            bigSquared += this.values[base + b]!;
        }
      }
    }
    const noise =
      norms && fullChunks > 0
        ? chunkNoiseSample(chunkSize, smallSquared, fullChunks, size, bigSquared)
        : undefined;
    return { loss: loss / size, correct, noise, gradientFinite };
  }

  /** Tells {@link PartySize} how this round's workers spent it. */
  private learnPartySize(chunks: number, parties: number): void {
    if (parties <= 1) return;
    const at = (w: number, k: number) => this.values[VALUES.perWorker + VALUES.perWorkerStride * w + k]!;
    const compute = Array.from({ length: parties }, (_, w) => at(w, 0));
    const wait = Array.from({ length: parties }, (_, w) => at(w, 1));
    this.partySize.record(chunks, compute, wait);
  }

  /**
   * Adds a round's phase times (mean over the workers that took part) to {@link phaseTimes};
   * the first round opens the session and is left out.
   */
  private recordPhases(stepMs: number, parties: number): void {
    if (this.roundsSeen++ === 0) return;
    const mean = (k: number) => {
      let sum = 0;
      for (let w = 0; w < parties; w++)
        sum += this.values[VALUES.perWorker + VALUES.perWorkerStride * w + k]!;
      return sum / parties;
    };
    this.phases.steps++;
    this.phases.computeMs += mean(0);
    this.phases.waitMs += mean(1);
    this.phases.reduceMs += mean(2);
    this.phases.stepMs += stepMs;
  }

  /**
   * Where step rounds spent their time so far, in ms summed over rounds: each phase as the mean
   * over workers (computing chunks, waiting at the barrier, reducing and updating their slice)
   * and the whole round as the main thread saw it — the difference is the handshake. The first
   * round (which also opens the session in every worker) is left out. `pnpm bench` prints it.
   */
  phaseTimes(): { steps: number; computeMs: number; waitMs: number; reduceMs: number; stepMs: number } {
    return { ...this.phases };
  }

  async evaluate(split: "train" | "test"): Promise<LossSum> {
    const size = this.dataset[split].size;
    const chunkSize = baseChunkSize(this.chunkSize);
    const chunks = Math.ceil(size / chunkSize);
    await this.command(COMMAND.evaluate, Math.min(this.pool.workers, chunks), (control) => {
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
