/**
 * `lrsim`: the programmatic API, for scripts and tools that run experiments.
 *
 * - the experiments, as the CLI runs them: {@link run}, {@link compare}, {@link sweep},
 *   {@link findLr}, and {@link openResults} to read what they recorded, with their option and
 *   result types;
 * - {@link defineConfig}, which types an `lrsim.config.ts`.
 *
 * Plugins (models, datasets, schedules, optimizers) import from `lrsim/plugin` instead, the
 * plugin API alone. The experiments are loaded on first use.
 *
 * @packageDocumentation
 */
import type { CompareOptions, CompareResult } from "./api/compare.ts";
import type { FindLrOptions, FindLrResult } from "./api/find-lr.ts";
import type { RunExperimentOptions, RunExperimentResult } from "./api/run.ts";
import type { SweepOptions, SweepResult } from "./api/sweep.ts";
import { registerLoaderHooks } from "./loader/hooks.ts";

export type { EpochRecord, RangeTestResult, RunResult, StepRecord } from "@lrsim/core";
export type { RunFilter, RunListing, SweepRunResult } from "@lrsim/store";
export type { ExperimentOptions } from "./api/common.ts";
export type { CompareOptions, CompareResult } from "./api/compare.ts";
export type { FindLrOptions, FindLrResult } from "./api/find-lr.ts";
export { openResults, type Results } from "./api/results.ts";
export type { RunExperimentOptions, RunExperimentResult } from "./api/run.ts";
export type { StoredRunResult, UnfinishedRun } from "./api/stored-result.ts";
export type { SweepOptions, SweepResult } from "./api/sweep.ts";
export { defineConfig, type LrsimConfig } from "./define-config.ts";
export type { CoordinatorState } from "./sweep/coordinator.ts";
export type { GridPoint, PlannedRun, SweepGrid, SweepRunOptions } from "./sweep/grid.ts";
export type { JobProgress } from "./sweep/train-job.ts";

/**
 * Trains one model under one schedule, as `lrsim run` does: data-parallel on a worker pool,
 * recorded in the results database. A failed or diverged run resolves with that status (and
 * its error); only bad options reject.
 *
 * @example
 * const r = await run({ schedule: "onecycle(maxLr=0.5)", model: "mlp", dataset: "mnist", epochs: 5 });
 * console.log(r.status, r.final?.testAccuracy, r.updates);
 */
export async function run(options: RunExperimentOptions): Promise<RunExperimentResult> {
  await registerLoaderHooks();
  return (await import("./api/run.ts")).run(options);
}

/**
 * Trains the same model under several schedules (and seeds), as `lrsim compare` does, and
 * records them as one comparison; bare schedule names follow Smith et al.'s protocol.
 *
 * @example
 * const { runs } = await compare({ schedules: ["step", "batchramp"], epochs: 10 });
 * for (const r of runs) console.log(r.schedule, r.final?.testAccuracy, r.updates);
 */
export async function compare(options: CompareOptions = {}): Promise<CompareResult> {
  await registerLoaderHooks();
  return (await import("./api/compare.ts")).compare(options);
}

/**
 * Trains a grid of runs (schedules × lr × batch sizes × ... × seeds), as `lrsim sweep` does,
 * and records them as one sweep. Embedded by default: the runs are trained on this machine,
 * several at once where that is faster. With `redis` (`redis://[:password@]host:port[/db]`)
 * the runs become BullMQ jobs for `lrsim worker` processes on any host, and this call only
 * records what they send back. Every run (grid point × seed) has a stable identity and is
 * recorded once; `resume` finishes a stopped sweep. Failed runs are counted in `failed`; only
 * bad options (or an unreachable Redis) reject.
 *
 * @example
 * const s = await sweep({ grid: { schedules: ["step", "onecycle"], lr: [0.05, 0.1], seeds: 2 } });
 * console.log(s.sweepId, `${s.recorded}/${s.planned} recorded`, s.failed);
 * for (const r of s.runs) console.log(r.point, r.seed, r.status, r.finalTestAccuracy);
 *
 * @example
 * // Distributed: start `lrsim worker --redis redis://queue-host:6379` on each host first.
 * await sweep({ grid: { lr: [0.1, 0.5] }, redis: "redis://queue-host:6379" });
 */
export async function sweep(options: SweepOptions = {}): Promise<SweepResult> {
  await registerLoaderHooks();
  return (await import("./api/sweep.ts")).sweep(options);
}

/**
 * The learning-rate range test, as `lrsim find-lr` runs it, with its three suggestions.
 *
 * @example
 * const { suggestedLr } = await findLr({ model: "linear", dataset: "line", batchSize: 80 });
 */
export async function findLr(options: FindLrOptions): Promise<FindLrResult> {
  await registerLoaderHooks();
  return (await import("./api/find-lr.ts")).findLr(options);
}
