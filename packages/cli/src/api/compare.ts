import { createCatalog } from "@lrsim/builtins";
import {
  type EpochRecord,
  planRun,
  type RunResult,
  resolveRunConfig,
  type StepRecord,
  Trainer,
} from "@lrsim/core";
import { GradientPool } from "@lrsim/parallel";
import { createComparison, RunWriter } from "@lrsim/store";
import { type Protocol, protocolSchedules } from "../commands/compare-protocol.ts";
import { WORKER_PRELOAD } from "../loader/hooks.ts";
import { version } from "../version.ts";
import { type ExperimentOptions, openRecording, workersOf } from "./common.ts";
import { COMPARE_DEFAULTS } from "./compare-defaults.ts";

/** Options of {@link compare}: those of `lrsim compare`, camelCased, plus progress callbacks. */
export interface CompareOptions extends ExperimentOptions {
  /** Schedules, comma-separated or as a list; bare names follow the protocol (see docs/compare.md). */
  readonly schedules?: string | readonly string[];
  readonly model?: string;
  readonly dataset?: string;
  readonly optimizer?: string;
  /** Starting batch size of every run. */
  readonly batchSize?: number;
  /** The epoch budget, the same for every schedule. */
  readonly epochs?: number;
  /** Initial (or peak) learning rate of the protocol. */
  readonly lr?: number;
  /** Decay / batch-growth factor at each milestone. */
  readonly factor?: number;
  /** Runs per schedule, with seeds `seed`, `seed + 1`, ... */
  readonly seeds?: number;
  readonly seed?: number;
  /** Devices of the simulated cluster. */
  readonly devices?: number;
  /** Every run is planned: the schedules as they will run (protocol filled in) and the seeds; run `i` is schedule `floor(i / seeds.length)` with seed `i % seeds.length`. */
  readonly onPlanned?: (schedules: readonly string[], seeds: readonly number[]) => void;
  /** A run is about to start: its index in the comparison, schedule and seed. */
  readonly onRunStart?: (index: number, schedule: string, seed: number) => void;
  /** After every update of run `index`. */
  readonly onStep?: (index: number, step: StepRecord) => void;
  /** After every evaluation of run `index`. */
  readonly onEpoch?: (index: number, row: EpochRecord) => void;
  /** Run `index` has ended (completed or not). */
  readonly onRunEnd?: (index: number, result: RunResult) => void;
}

/** A finished comparison: what `lrsim compare --json` prints, plus the filled-in protocol. */
export interface CompareResult {
  /** Its id in the results database, or null when `db: false`. */
  readonly comparisonId: number | null;
  /** Every run, schedule by schedule, seed by seed. */
  readonly runs: RunResult[];
  /** The schedules as run, after the protocol filled bare names in. */
  readonly schedules: string[];
  readonly protocol: Protocol;
}

/**
 * Trains the same model under several schedules (and seeds), as `lrsim compare` does, and
 * records them as one comparison. Every run is planned before the first trains, so a bad
 * spec rejects at once; a failed run does not stop the others; an abort stops after the
 * current run's update.
 *
 * @example
 * const { runs } = await compare({ schedules: ["step", "batchramp"], epochs: 10 });
 * for (const r of runs) console.log(r.schedule, r.final.testAccuracy, r.updates);
 */
export async function compare(options: CompareOptions = {}): Promise<CompareResult> {
  const o = { ...COMPARE_DEFAULTS, ...options };
  const protocol: Protocol = { lr: o.lr, batchSize: o.batchSize, factor: o.factor, epochs: o.epochs };
  const schedules = protocolSchedules(
    typeof o.schedules === "string" ? o.schedules : o.schedules.join(","),
    protocol,
  );
  const seeds = Array.from({ length: o.seeds }, (_, i) => o.seed + i);
  const catalog = createCatalog(options.cwd ?? process.cwd());
  const runOptions = (schedule: string, seed: number) => ({
    schedule,
    model: o.model,
    dataset: o.dataset,
    optimizer: o.optimizer,
    batchSize: o.batchSize,
    epochs: o.epochs,
    seed,
    devices: o.devices,
  });
  for (const schedule of schedules) await planRun(resolveRunConfig(runOptions(schedule, o.seed)), catalog);
  options.onPlanned?.(schedules, seeds);
  const workers = workersOf(options);
  const recording = openRecording(options);
  const comparisonId = recording
    ? createComparison(recording.db, {
        name: typeof o.schedules === "string" ? o.schedules : o.schedules.join(","),
        config: { ...protocol, schedules, seeds, model: o.model, dataset: o.dataset, optimizer: o.optimizer },
      })
    : null;
  const pool = new GradientPool({ workers, preload: WORKER_PRELOAD });
  const runs: RunResult[] = [];
  try {
    for (const schedule of schedules)
      for (const seed of seeds) {
        if (options.signal?.aborted) break;
        const index = runs.length;
        const trainer = new Trainer(catalog, pool.backend);
        if (recording)
          new RunWriter(recording.db, {
            workers,
            lrsimVersion: version,
            comparisonId: comparisonId ?? undefined,
          }).attach(trainer);
        if (options.onStep) trainer.on("stepEnd", (step) => options.onStep?.(index, step));
        if (options.onEpoch) trainer.on("epochEnd", (row) => options.onEpoch?.(index, row));
        options.onRunStart?.(index, schedule, seed);
        const result = await trainer.run(runOptions(schedule, seed), options.signal);
        runs.push(result);
        options.onRunEnd?.(index, result);
        if (result.status === "interrupted") break;
      }
  } finally {
    await pool.close();
    recording?.db.close();
  }
  return { comparisonId, runs, schedules, protocol };
}
