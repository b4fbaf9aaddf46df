/**
 * How a batch of independent runs shares this machine's worker threads: `parallel` runs at
 * once, each on its own pool of `workersPerRun` threads. `lrsim compare` and the embedded
 * `lrsim sweep` both ask {@link chooseRunSlots}; `lrsim worker --concurrency` is the same
 * choice made by hand across hosts.
 */
export interface RunSlots {
  /** Runs trained at the same time. */
  readonly parallel: number;
  /** Worker threads of each of those runs (0: in the calling thread). */
  readonly workersPerRun: number;
}

/**
 * Largest starting batch for which several runs at once beat one run on every worker. A step
 * of a small batch is too little work to split across threads: the handshake and the reduction
 * per step cost as much as the chunk gradients, so two runs on one thread each finish sooner
 * than the same two runs one after the other on two threads. Measured in docs/sweeps.md
 * ("One run on all workers, or several at once"); above this batch the split pays and runs
 * take turns on every worker.
 */
const SMALL_BATCH = 256;

/**
 * The split of `workers` threads among `runs` runs of starting batch size `batchSize`:
 * several at once (one thread or more each) for small batches, else one at a time on all of
 * them. `runsAtOnce` overrides the choice (`--runs-at-once`); it is capped by the runs and,
 * when there are threads, by the threads.
 */
export function chooseRunSlots(options: {
  readonly runs: number;
  readonly workers: number;
  readonly batchSize: number;
  readonly runsAtOnce?: number | undefined;
}): RunSlots {
  const { runs, workers, batchSize, runsAtOnce } = options;
  // In-process training holds the event loop for a whole run: runs can only take turns.
  if (workers === 0 || runs <= 1) return { parallel: 1, workersPerRun: workers };
  const wanted = runsAtOnce ?? (batchSize <= SMALL_BATCH ? workers : 1);
  const parallel = Math.max(1, Math.min(wanted, runs, workers));
  return { parallel, workersPerRun: Math.max(1, Math.floor(workers / parallel)) };
}
