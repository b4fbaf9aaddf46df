import { errors } from "@lrsim/core";
import { checkWorkers } from "./resources.ts";

/**
 * How a batch of independent runs shares this machine's worker threads: `parallel` runs at
 * once, each on `workersPerRun` threads of one pool. `lrsim compare` and the embedded
 * `lrsim sweep` both ask {@link chooseRunSlots}, and train in the stages of
 * {@link runStages}; `lrsim worker --concurrency` is the same choice made by hand across hosts.
 */
export interface RunSlots {
  /** Runs trained at the same time. */
  readonly parallel: number;
  /** Worker threads of each of those runs (0: in the calling thread). */
  readonly workersPerRun: number;
  /**
   * Whether the runs left over after every slot has had its turns — fewer than `parallel` —
   * train last on all the slots' threads between them, instead of on their own slots' threads
   * beside idle ones.
   */
  readonly spreadTail: boolean;
}

/**
 * The split of `workers` threads among `runs` runs: as many at once as there are threads, one
 * thread each (or more, when there are fewer runs than threads), whatever the batch size; the
 * runs left over at the end spread over all the threads when that gives each more
 * ({@link runStages}). Two runs side by
 * side on one thread each never wait for each other, while one run on two threads waits at
 * every step for the later thread's chunks: two copies of a run at once reached 1.77–1.98×
 * one copy's samples/s at batch 1024–8000 on this machine's 2 cores, one run on both
 * 1.58–1.92×, and beside a competing process 1.21–1.37× against 1.02–1.27× (`pnpm
 * bench:two-copies`; docs/sweeps.md, "One run on all workers, or several at once"). Small
 * batches gain most: a step is too little work to split. `runsAtOnce` overrides the choice
 * (`--runs-at-once`, taken literally: no spread tail); it is capped by the runs and, when there
 * are threads, by the threads.
 */
export function chooseRunSlots(options: {
  readonly runs: number;
  readonly workers: number;
  readonly runsAtOnce?: number | undefined;
}): RunSlots {
  const { runs, workers, runsAtOnce } = options;
  checkRunSlotOptions(options);
  // In-process training holds the event loop for a whole run: runs can only take turns.
  if (workers === 0 || runs <= 1) return { parallel: 1, workersPerRun: workers, spreadTail: false };
  const parallel = Math.max(1, Math.min(runsAtOnce ?? workers, runs, workers));
  return {
    parallel,
    workersPerRun: Math.max(1, Math.floor(workers / parallel)),
    spreadTail: runsAtOnce === undefined,
  };
}

/**
 * Rejects worker and run counts that cannot be honoured (`--workers -1`, more threads than
 * `lrsim run` allows this machine, `--runs-at-once 1.5`) before anything is planned or
 * recorded, with the checks and messages `lrsim run` uses for `--workers`.
 */
export function checkRunSlotOptions(options: {
  readonly workers: number;
  readonly runsAtOnce?: number | undefined;
}): void {
  const { workers, runsAtOnce } = options;
  checkWorkers(workers);
  if (runsAtOnce !== undefined && (!Number.isInteger(runsAtOnce) || runsAtOnce < 1))
    throw errors.invalidOption("runsAtOnce", "a positive integer", String(runsAtOnce));
}

/** A stage of a batch of runs: the next `runs` of them, `parallel` at once on `workersPerRun` threads each. */
export interface RunStage {
  readonly runs: number;
  readonly parallel: number;
  readonly workersPerRun: number;
}

/**
 * The stages in which `count` runs train on `slots`: all of them on the slots, or, with
 * `spreadTail`, all but the `count % parallel` left over, and then those at once on the slots'
 * threads shared between them — 3 runs on 2 threads train two side by side, then the third on
 * both threads rather than on one while the other idles. The left-over runs get a stage of
 * their own only when that gives each more threads than its slot has: 7 runs on 4 threads
 * train on one thread each throughout, as a separate stage would only make the last three
 * wait for the slowest of the first four.
 */
export function runStages(count: number, slots: RunSlots): RunStage[] {
  const threads = slots.parallel * slots.workersPerRun;
  const left = slots.spreadTail ? count % slots.parallel : 0;
  const tail = left > 0 && Math.floor(threads / left) > slots.workersPerRun ? left : 0;
  const stages: RunStage[] = [];
  if (count > tail)
    stages.push({ runs: count - tail, parallel: slots.parallel, workersPerRun: slots.workersPerRun });
  if (tail > 0) stages.push({ runs: tail, parallel: tail, workersPerRun: Math.floor(threads / tail) });
  return stages;
}
