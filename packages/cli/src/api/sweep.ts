import { createCatalog } from "@lrsim/builtins";
import { type EpochRecord, planRun, resolveRunConfig, type StepRecord } from "@lrsim/core";
import {
  createSweep,
  type Db,
  getSweep,
  recordedKeys,
  recordSweepRunOnce,
  removeRuns,
  type SweepRunResult,
  sweepRunResults,
} from "@lrsim/store";
import { type CoordinatorState, coordinate } from "../sweep/coordinator.ts";
import {
  checkGridSize,
  expandGrid,
  gridWithDefaults,
  type PlannedRun,
  type SweepGrid,
} from "../sweep/grid.ts";
import { checkReachable, DEFAULT_QUEUE } from "../sweep/queue.ts";
import { parseRedisUrl } from "../sweep/redis-url.ts";
import { type ExperimentOptions, openRecording, workersOf } from "./common.ts";
import type { RunExperimentResult } from "./run.ts";
import { runMany } from "./run-many.ts";
import { checkRunSlotOptions } from "./run-slots.ts";

/**
 * Options of {@link sweep}: those of `lrsim sweep`, camelCased, plus progress callbacks.
 * `db` is where the sweep is recorded (a sweep always is: `false` means the default database).
 */
export interface SweepOptions extends ExperimentOptions {
  /** The grid: each axis a list (compare's default for an axis not given). */
  readonly grid?: Partial<SweepGrid>;
  /** Allow a sweep of more than 1,000 runs. */
  readonly yes?: boolean;
  /** Finish a stored sweep instead of starting one: its recorded grid is used, its recorded runs kept. */
  readonly resume?: number;
  /**
   * Hand the runs to `lrsim worker` processes through this Redis server
   * (`redis://[:password@]host:port[/db]`) instead of training them here; this process then
   * only records what they send back.
   */
  readonly redis?: string;
  /** The BullMQ queue (default `lrsim-sweep`). */
  readonly queue?: string;
  /**
   * Distributed: how long a job that failed transiently (a dataset download reset by the
   * network, a worker thread that died) waits before its first retry; each next retry waits
   * twice as long, 3 attempts in all. Default 5,000 ms. Deterministic failures (a bad spec, a
   * plugin a worker lacks) are never retried.
   */
  readonly retryDelayMs?: number;
  /** Embedded: runs trained at the same time (default: `chooseRunSlots`'s choice). */
  readonly runsAtOnce?: number;
  /** The sweep is planned: its id, every run, and how many are recorded already (resuming). */
  readonly onPlanned?: (sweepId: number, runs: readonly PlannedRun[], recorded: number) => void;
  /** Embedded: run `index` (of the planned list) starts. */
  readonly onRunStart?: (index: number) => void;
  /** Embedded: run `index` made an update. */
  readonly onStep?: (index: number, step: StepRecord) => void;
  /** Embedded: run `index` was evaluated (epoch 0 is before training). */
  readonly onEpoch?: (index: number, row: EpochRecord) => void;
  /** A run's result is recorded (embedded or from a worker); `fresh` is false for a duplicate delivery. */
  readonly onRecorded?: (run: PlannedRun, status: string, error: string | null, fresh: boolean) => void;
  /** Distributed: the queue's state after each look. */
  readonly onQueueState?: (state: CoordinatorState) => void;
  /** Distributed: a line worth logging (Redis trouble), password-free. */
  readonly onLog?: (line: string) => void;
}

/** A sweep's outcome: its id, and how many of its runs are recorded (fewer than planned if stopped). */
export interface SweepResult {
  readonly sweepId: number;
  readonly planned: number;
  readonly recorded: number;
  /** Recorded runs that failed (a plugin error, a refused or bad job). */
  readonly failed: number;
  /** Every recorded run, by identity: grid point, seed, status, attempts, who trained it, its final metrics. */
  readonly runs: readonly SweepRunResult[];
}

/** What a sweep stores in its `config` column: enough to expand it again (the Redis URL masked). */
interface StoredSweepConfig {
  readonly grid: SweepGrid;
  readonly redis: string | null;
  readonly queue: string | null;
}

/**
 * Trains a grid of runs (schedules × lr × batch sizes × ... × seeds) and records them as one
 * sweep: on this machine by default (several runs at once where that is faster, see
 * `chooseRunSlots`), or through Redis by `lrsim worker` processes on any host when `redis`
 * is given. Every run has a stable identity (grid point × seed) and is recorded once; a sweep
 * stopped part-way is finished with `resume`.
 */
export async function sweep(options: SweepOptions = {}): Promise<SweepResult> {
  // A sweep is its records: it always has a database (`db: false` is taken as the default
  // one). A new sweep opens it only once every run is planned, so bad input leaves nothing.
  const { db: chosen, ...rest } = options;
  const open = async () =>
    (await openRecording(chosen === false || chosen === undefined ? rest : { ...rest, db: chosen }))!.db;
  let db = options.resume === undefined ? undefined : await open();
  try {
    const target = options.redis === undefined ? undefined : parseRedisUrl(options.redis);
    const stored =
      db && options.resume !== undefined
        ? (getSweep(db, options.resume).config as StoredSweepConfig)
        : undefined;
    const grid = stored?.grid ?? gridWithDefaults(options.grid ?? {});
    if (!stored) checkGridSize(grid, options.yes ?? false);
    if (!target) checkRunSlotOptions({ workers: workersOf(options), runsAtOnce: options.runsAtOnce });
    const runs = expandGrid(grid);
    if (target) await checkReachable(target);
    if (!stored) await planEach(runs, options.cwd);
    db ??= await open();
    const queueName = options.queue ?? stored?.queue ?? DEFAULT_QUEUE;
    const sweepRow =
      options.resume === undefined
        ? createSweep(db, {
            name: grid.schedules.join(","),
            config: {
              grid,
              redis: target?.masked ?? null,
              queue: target ? queueName : null,
            } satisfies StoredSweepConfig,
            planned: runs.length,
          })
        : { id: options.resume, uid: getSweep(db, options.resume).uid };
    const done = recordedKeys(db, sweepRow.id);
    options.onPlanned?.(sweepRow.id, runs, done.size);
    if (target)
      await coordinate({
        db,
        sweep: sweepRow,
        runs,
        target,
        queue: queueName,
        retryDelayMs: options.retryDelayMs,
        signal: options.signal,
        onState: options.onQueueState,
        onRecorded: options.onRecorded,
        log: options.onLog,
      });
    else await trainHere(db, sweepRow.id, runs, done, options);
    const recorded = sweepRunResults(db, sweepRow.id);
    return {
      sweepId: sweepRow.id,
      planned: runs.length,
      recorded: recorded.length,
      failed: recorded.filter((r) => r.status === "failed").length,
      runs: recorded,
    };
  } finally {
    db?.close();
  }
}

/** Checks every distinct run's specs before anything is recorded: bad input leaves nothing behind. */
async function planEach(runs: readonly PlannedRun[], cwd: string | undefined): Promise<void> {
  const catalog = createCatalog(cwd ?? process.cwd());
  const seen = new Set<string>();
  for (const run of runs) {
    const { seed: _, ...rest } = run.options;
    const id = JSON.stringify(rest);
    if (seen.has(id)) continue;
    seen.add(id);
    await planRun(resolveRunConfig(run.options), catalog);
  }
}

/** The embedded sweep: the unrecorded runs trained here, each recorded with its identity as it ends. */
async function trainHere(
  db: Db,
  sweepId: number,
  runs: readonly PlannedRun[],
  done: ReadonlySet<string>,
  options: SweepOptions,
): Promise<void> {
  const todo = runs.filter((run) => !done.has(run.key));
  const workers = workersOf(options);
  const indexOf = new Map(runs.map((run, i) => [run.key, i]));
  const at = (i: number) => indexOf.get(todo[i]!.key)!;
  await runMany({
    runs: todo.map((run) => run.options),
    workers,
    runsAtOnce: options.runsAtOnce,
    catalog: createCatalog(options.cwd ?? process.cwd()),
    db,
    signal: options.signal,
    onRunStart: (i) => options.onRunStart?.(at(i)),
    onStep: (i, step) => options.onStep?.(at(i), step),
    onEpoch: (i, row) => options.onEpoch?.(at(i), row),
    onRunEnd: (i, result: RunExperimentResult) => {
      const run = todo[i]!;
      if (result.status === "interrupted") {
        // Not a result: it goes, and --resume trains it again.
        if (result.runId !== null) removeRuns(db, [result.runId]);
        return;
      }
      const fresh = recordSweepRunOnce(
        db,
        {
          sweepId,
          runKey: run.key,
          point: run.point,
          seed: run.seed,
          status: result.status,
          error: result.error,
          attempts: 1,
          worker: null,
        },
        () => result.runId,
      );
      options.onRecorded?.(run, result.status, result.error, fresh);
    },
  });
}
