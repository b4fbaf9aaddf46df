import { availableParallelism } from "node:os";
import {
  type BackendFactory,
  errors,
  localBackend,
  nativeDenseAddon,
  nativeKernelsUnavailable,
} from "@lrsim/core";
import { Piscina } from "piscina";
import { PoolBackend } from "./pool-backend.ts";
import type { ServeEnd, Task } from "./protocol.ts";

/** How to size a {@link GradientPool}. */
export interface GradientPoolOptions {
  /** Worker threads; default: the number of cores. 0 computes in-process with the same chunking. */
  readonly workers?: number;
  /** Most memory the chunk slots of one run may take, in bytes (default 256 MiB); larger batches run in rounds. */
  readonly slotBudgetBytes?: number;
  /**
   * Modules (URLs) each worker thread imports before its own code. The published lrsim passes
   * its loader hooks here (TypeScript plugins, `import "lrsim/plugin"` from anywhere): on
   * Node 20 worker threads do not inherit the main thread's `module.register` hooks.
   */
  readonly preload?: readonly string[];
  /**
   * Which code runs the pool's own arithmetic — summing the chunk slots, and the element-wise
   * built-in optimizers' updates (SGD, Adam/AdamW/AMSGrad, RMSprop, Adagrad, Adadelta): `native`
   * (lrsim's C, built at install), `wasm`
   * (WebAssembly SIMD), or `auto` (default: native when it loads, else wasm). Both do the same
   * float operations in the same order and give the same bits (tested); the choice is speed
   * only, there for benchmarks (`pnpm bench:pool-kernels`).
   */
  readonly poolKernels?: PoolKernels;
}

/** The implementations of the pool's own arithmetic (see {@link GradientPoolOptions.poolKernels}). */
export type PoolKernels = "auto" | "native" | "wasm";

const SOURCE_CONDITION = "--conditions=@lrsim/source";

/**
 * Node's options for the workers: the process's own, without V8 flags (such as
 * `--experimental-wasm-relaxed-simd`), which a worker's execArgv rejects and which apply to
 * the whole process anyway. Running from TypeScript source (development, tests), workers must
 * resolve workspace packages to their source like the main thread; vitest's runners do not pass
 * the condition on.
 */
function workerExecArgv(): string[] {
  const argv = process.execArgv.filter(
    (a) => !a.startsWith("-") || process.allowedNodeEnvironmentFlags.has(a.split("=")[0]!),
  );
  const fromSource = import.meta.url.endsWith(".ts");
  if (fromSource && !argv.some((a) => a.startsWith(SOURCE_CONDITION))) argv.push(SOURCE_CONDITION);
  return argv;
}

/**
 * A pool of worker threads that computes mini-batch gradients data-parallel through shared
 * memory. Start one per process and reuse it across runs (`pool.backend` plugs into a
 * `Trainer`); `close()` ends the threads. A run on it is bit-for-bit identical to a run with
 * any other worker count, including 0 (in-process).
 */
export class GradientPool {
  readonly workers: number;
  readonly slotBudgetBytes: number;
  readonly poolKernels: PoolKernels;
  private readonly piscina: Piscina | undefined;
  private nextSession = 1;
  private closing: Promise<void> | undefined;

  constructor(options: GradientPoolOptions = {}) {
    const workers = options.workers ?? availableParallelism();
    if (!Number.isInteger(workers) || workers < 0)
      throw errors.invalidOption("workers", "a non-negative integer", String(workers));
    this.workers = workers;
    this.slotBudgetBytes = options.slotBudgetBytes ?? 256 * 2 ** 20;
    this.poolKernels = options.poolKernels ?? "auto";
    if (!["auto", "native", "wasm"].includes(this.poolKernels))
      throw errors.invalidOption("poolKernels", "auto, native or wasm", String(this.poolKernels));
    if (this.poolKernels === "native" && !nativeDenseAddon())
      throw new Error(`poolKernels=native: ${nativeKernelsUnavailable()}`);
    if (workers > 0) {
      this.piscina = new Piscina({
        filename: new URL("./worker-entry.mjs", import.meta.url).href,
        minThreads: workers,
        maxThreads: workers,
        idleTimeout: 60_000,
        execArgv: workerExecArgv(),
        workerData: { preload: options.preload ?? [] },
      });
    }
  }

  /** The backend factory for a `Trainer`: pooled on every worker when there are workers, in-process otherwise. */
  readonly backend: BackendFactory = (plan) => this.backendOn(this.workers)(plan);

  /**
   * A backend factory for runs on `workers` of this pool's threads. Several runs may train on
   * one pool at once, each of its serve tasks on a thread of its own (a thread runs one task
   * at a time), so a batch of runs can train side by side on shares of a pool and end on all
   * of it without starting threads again (`runMany` in the CLI). Their workers should add up
   * to at most the pool's: a run's surplus serve tasks would wait for a thread, and the run's
   * other workers would claim its work meanwhile. 0 (or a pool without threads) trains
   * in-process. The results do not depend on it.
   */
  backendOn(workers: number): BackendFactory {
    if (!Number.isInteger(workers) || workers < 0 || workers > this.workers)
      throw errors.invalidOption(
        "workers",
        `an integer from 0 to the pool's ${this.workers}`,
        String(workers),
      );
    return async (plan) => {
      if (!this.piscina || workers === 0) return localBackend(plan);
      return PoolBackend.open(this, plan, this.nextSession++, workers);
    };
  }

  /** Runs one task on whichever worker is free (a run's serve tasks: one per worker, see PoolBackend). */
  run(task: Task): Promise<ServeEnd> {
    if (!this.piscina) throw new Error("GradientPool with 0 workers has no threads to run tasks");
    return this.piscina.run(task) as Promise<ServeEnd>;
  }

  /**
   * Ends every worker thread, even one stuck in a plugin's code (tasks in progress reject);
   * the pool is unusable afterwards. Calling it again waits for the same end.
   */
  close(): Promise<void> {
    this.closing ??= this.piscina?.destroy() ?? Promise.resolve();
    return this.closing;
  }
}
