import {
  baseChunkSize,
  callHook,
  createRng,
  type LossSum,
  LrsimError,
  NORM_BLOCK,
  type NoiseSample,
  type RunPlan,
  type StepHyper,
  type StepOutcome,
  stepChunkSize,
  type TrainingBackend,
} from "@lrsim/core";
import type { GradientPool } from "./gradient-pool.ts";
import type { ChunkJob, PluginRef, ReduceResult, ReduceWork, SessionDescriptor, Task } from "./protocol.ts";
import { createSharedArena } from "./reduce-kernel.ts";

/**
 * Splits `[0, count)` into at most `parts` contiguous, nearly equal ranges, with inner
 * boundaries on multiples of `align` (so SIMD code sees whole vectors).
 */
export function partition(count: number, parts: number, align = 1): Array<[number, number]> {
  const n = Math.max(1, Math.min(parts, Math.ceil(count / align)));
  const cut = (i: number) => (i === n ? count : Math.min(count, Math.round((i * count) / n / align) * align));
  return Array.from({ length: n }, (_, i) => [cut(i), cut(i + 1)] as [number, number]).filter(
    ([a, b]) => b > a,
  );
}

function pluginRef(
  chosen: RunPlan["model"] | RunPlan["dataset"] | RunPlan["optimizer"],
  kind: string,
): PluginRef {
  if (!chosen.source)
    throw new Error(`${kind} "${chosen.name}" has no module reference, so worker threads cannot load it`);
  return { name: chosen.name, source: chosen.source, params: chosen.params };
}

/**
 * Below this many chunks per worker in a round, a step uses two round trips (compute, then a
 * reduce spread over every worker); from it on, one fused task per worker with a barrier.
 * Measured with `pnpm bench`: fused wins at batch >= 512 (8 chunks on 2 workers), two-phase below.
 */
const FUSED_MIN_CHUNKS_PER_WORKER = 4;

/** What each kind of task is doing, for error messages. */
const DOING: Record<Task["op"], string> = {
  compute: "computing gradients",
  step: "computing gradients",
  reduce: "reducing gradients",
  evaluate: "evaluating",
};

/**
 * A training backend on the worker pool. A batch is cut into chunks of `chunkSize` samples;
 * compute tasks fill one slot per chunk, then one reduce task per parameter slice adds the
 * slots in chunk order and (after the last round) applies the optimizer to its slice. Two
 * round trips per step, and no thread ever touches the whole parameter vector serially.
 */
export class PoolBackend implements TrainingBackend {
  readonly params: Float32Array;
  readonly threads: number;
  private readonly results: Float64Array;
  private readonly indices: Int32Array;
  private readonly barrier: Int32Array;
  private readonly chunkSize: number | "auto";
  private readonly phases = { steps: 0, computeMs: 0, waitMs: 0, reduceMs: 0, stepMs: 0 };
  private fusedRounds = 0;
  private readonly slotCount: number;

  private constructor(
    private readonly pool: GradientPool,
    readonly plan: RunPlan,
    private readonly session: SessionDescriptor,
  ) {
    this.params = new Float32Array(session.memory.params);
    this.results = new Float64Array(session.memory.results);
    this.indices = new Int32Array(session.memory.indices);
    this.barrier = new Int32Array(session.memory.barrier);
    this.chunkSize = plan.config.chunkSize;
    this.slotCount = session.memory.slotCount;
    this.threads = pool.workers;
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
    callHook("optimizer", plan.optimizer.name, "create", () =>
      plan.optimizer.definition.create(plan.optimizer.params as never, P, (n) => {
        stateSizes.push(n);
        return new Float32Array(n);
      }),
    );
    // The accumulator, then the slots, each 64-byte aligned, in one shared wasm memory.
    const slotStride = Math.ceil((4 * P) / 64) * 64;
    const memory = {
      params: new SharedArrayBuffer(4 * P),
      arena: createSharedArena(slotStride * (slots + 1)),
      gradOffset: 0,
      slotsOffset: slotStride,
      slotStride,
      slotCount: slots,
      results: new SharedArrayBuffer(8 * 3 * maxChunks),
      barrier: new SharedArrayBuffer(4 * 3),
      indices: new SharedArrayBuffer(4 * data.train.size),
      state: new SharedArrayBuffer(4 * stateSizes.reduce((a, b) => a + b, 0)),
      stateSizes,
    };
    const params = new Float32Array(memory.params);
    callHook("model", plan.model.name, "init", () => model.init(params, createRng(plan.config.seed, "init")));
    const session: SessionDescriptor = {
      id,
      model: pluginRef(plan.model, "model"),
      dataset: { ...pluginRef(plan.dataset, "dataset"), spec: plan.dataset.spec },
      optimizer: pluginRef(plan.optimizer, "optimizer"),
      parameterCount: P,
      memory,
    };
    return new PoolBackend(pool, plan, session);
  }

  /**
   * Runs a task; a worker that died (a crash, an out-of-memory, a plugin's process.exit) comes
   * back as an error naming the model and the work, instead of piscina's bare exit code.
   */
  private async task(
    task: Task,
  ): Promise<ReturnType<GradientPool["run"]> extends Promise<infer R> ? R : never> {
    try {
      return await this.pool.run(task);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const exit = /worker exited with code:? ?(-?\d+)/i.exec(message);
      if (!exit) throw error;
      throw new LrsimError(
        "WORKER_DIED",
        `a worker thread exited (code ${exit[1]}) while ${DOING[task.op]} for model "${this.session.model.name}"; the pool replaced it`,
        { cause: error },
      );
    }
  }

  async step(order: Int32Array, from: number, to: number, hyper: StepHyper): Promise<StepOutcome> {
    const size = to - from;
    this.indices.set(order.subarray(from, to));
    const chunkSize = stepChunkSize(this.chunkSize, size);
    const chunks = Math.ceil(size / chunkSize);
    const norms = this.plan.config.noiseScale;
    let loss = 0;
    let correct = 0;
    let smallSquared = 0;
    let fullChunks = 0;
    let bigSquared = 0;
    let gradientFinite = true;
    for (let first = 0; first < chunks; first += this.slotCount) {
      const last = Math.min(chunks, first + this.slotCount);
      const jobs: ChunkJob[] = [];
      for (let c = first; c < last; c++)
        jobs.push([c - first, c * chunkSize, Math.min((c + 1) * chunkSize, size)]);
      const finalize =
        last === chunks
          ? { batchSize: size, lr: hyper.lr, momentum: hyper.momentum, step: hyper.step }
          : undefined;
      const work = { slots: jobs.length, first: first === 0, norms, finalize };
      const reduced =
        jobs.length >= FUSED_MIN_CHUNKS_PER_WORKER * this.pool.workers
          ? await this.fusedRound(jobs, work)
          : await this.twoPhaseRound(jobs, work);
      for (const [s, start, end] of jobs) {
        loss += this.results[3 * s]!;
        correct += this.results[3 * s + 1]!;
        if (norms && end - start === chunkSize) {
          smallSquared += this.results[3 * s + 2]!;
          fullChunks++;
        }
      }
      if (finalize) for (const r of reduced) gradientFinite &&= r.finite;
      if (norms && finalize) for (const r of reduced) for (const block of r.gradBlocks) bigSquared += block;
    }
    const noise: NoiseSample | undefined =
      norms && fullChunks > 0
        ? {
            small: chunkSize,
            smallSquared: smallSquared / fullChunks / chunkSize ** 2,
            big: size,
            bigSquared,
          }
        : undefined;
    return { loss: loss / size, correct, noise, gradientFinite };
  }

  /**
   * One task per compute range (at most one per worker): its chunks, then, after the barrier,
   * its parameter slice. One round trip; best when each worker has several chunks to compute.
   */
  private async fusedRound(jobs: ChunkJob[], work: Omit<ReduceWork, "from" | "to">): Promise<ReduceResult[]> {
    const started = performance.now();
    const results = await this.fusedTasks(jobs, work);
    // The first round also opens the session in each worker (dataset, kernel): not a step's cost.
    if (this.fusedRounds++ === 0) return results;
    const mean = (k: number) => results.reduce((sum, r) => sum + (r.phases?.[k] ?? 0), 0) / results.length;
    this.phases.steps++;
    this.phases.computeMs += mean(0);
    this.phases.waitMs += mean(1);
    this.phases.reduceMs += mean(2);
    this.phases.stepMs += performance.now() - started;
    return results;
  }

  /**
   * Where fused rounds spent their time so far, in ms summed over rounds: each phase as the
   * mean over the round's workers (computing chunks, waiting at the barrier, reducing and
   * updating their slice) and the whole round as the main thread saw it — the difference is
   * task dispatch and wake-up. The first round (which also opens the session in every worker)
   * is left out. `pnpm bench` prints it per step.
   */
  phaseTimes(): { steps: number; computeMs: number; waitMs: number; reduceMs: number; stepMs: number } {
    return { ...this.phases };
  }

  private fusedTasks(jobs: ChunkJob[], work: Omit<ReduceWork, "from" | "to">): Promise<ReduceResult[]> {
    const ranges = partition(jobs.length, this.pool.workers);
    const slices = partition(this.session.parameterCount, ranges.length, NORM_BLOCK);
    const parties = ranges.length;
    Atomics.store(this.barrier, 0, 0);
    Atomics.store(this.barrier, 2, 0);
    const generation = Atomics.load(this.barrier, 1);
    const empty: [number, number] = [0, 0];
    return this.settleAll(
      ranges.map(([a, b], k) => {
        const [from, to] = slices[k] ?? empty;
        return {
          op: "step",
          session: this.session,
          chunks: jobs.slice(a, b),
          parties,
          generation,
          from,
          to,
          ...work,
        } satisfies Task;
      }),
    );
  }

  /**
   * Compute tasks, then one reduce task per parameter slice of the whole pool. Two round trips,
   * but the reduction and update are always split over every worker: better for small batches.
   */
  private async twoPhaseRound(
    jobs: ChunkJob[],
    work: Omit<ReduceWork, "from" | "to">,
  ): Promise<ReduceResult[]> {
    await this.settleAll(
      partition(jobs.length, this.pool.workers).map(
        ([a, b]) =>
          ({
            op: "compute",
            session: this.session,
            chunks: jobs.slice(a, b),
            norms: work.norms,
          }) satisfies Task,
      ),
    );
    return this.settleAll(
      partition(this.session.parameterCount, this.pool.workers, NORM_BLOCK).map(
        ([from, to]) => ({ op: "reduce", session: this.session, from, to, ...work }) satisfies Task,
      ),
    );
  }

  /**
   * Runs the step tasks of a round together. If one fails, the others are told (abort flag) so
   * none stays at the barrier; the first failure is rethrown once all have finished.
   */
  private async settleAll(tasks: Task[]): Promise<ReduceResult[]> {
    const results = await Promise.allSettled(
      tasks.map((task) =>
        this.task(task).catch((error: unknown) => {
          Atomics.store(this.barrier, 2, 1);
          Atomics.notify(this.barrier, 1);
          throw error;
        }),
      ),
    );
    const failures = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failures.length) {
      // The task that failed first is the cause; the others only gave up on the barrier.
      const cause =
        failures.find((f) => !String((f.reason as Error)?.message).startsWith("step abandoned")) ??
        failures[0]!;
      throw cause.reason;
    }
    return results.map((r) => (r as PromiseFulfilledResult<ReduceResult | null>).value!);
  }

  async evaluate(split: "train" | "test"): Promise<LossSum> {
    const size = this.dataset[split].size;
    const jobs: ChunkJob[] = [];
    const chunkSize = baseChunkSize(this.chunkSize);
    for (let c = 0; c * chunkSize < size; c++)
      jobs.push([c, c * chunkSize, Math.min((c + 1) * chunkSize, size)]);
    await Promise.all(
      partition(jobs.length, this.pool.workers).map(([a, b]) =>
        this.task({ op: "evaluate", session: this.session, split, chunks: jobs.slice(a, b) }),
      ),
    );
    const total: LossSum = { loss: 0, correct: 0 };
    for (let c = 0; c < jobs.length; c++) {
      total.loss += this.results[3 * c]!;
      total.correct += this.results[3 * c + 1]!;
    }
    return total;
  }

  async close(): Promise<void> {}
}
