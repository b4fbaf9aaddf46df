import { createCatalog } from "@lrsim/builtins";
import {
  type EpochRecord,
  errors,
  planRun,
  type RunResult,
  resolveRunConfig,
  type StepRecord,
} from "@lrsim/core";
import { createComparison, removeRuns } from "@lrsim/store";
import { type ExperimentOptions, openRecording, workersOf } from "./common.ts";
import { COMPARE_DEFAULTS } from "./compare-defaults.ts";
import {
  LR_SCALING_RULES,
  type LrScaling,
  type Protocol,
  protocolSchedules,
  withControl,
} from "./compare-protocol.ts";
import { cellKey, resumePlan } from "./compare-resume.ts";
import type { RunExperimentResult } from "./run.ts";
import { runMany } from "./run-many.ts";
import { checkRunSlotOptions } from "./run-slots.ts";
import { hasEnded, storedResult } from "./stored-result.ts";

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
  /**
   * Goyal et al. (2017)'s learning-rate scaling rule for the schedules that grow the batch
   * (`batchramp`, `hybrid`): `linear` multiplies the lr by k when the batch grows k-fold, `sqrt`
   * by sqrt(k); `none` (the default) keeps it, as Smith et al. do. Written into their specs as
   * `lrScaling`, unless a spec gives its own.
   */
  readonly lrScaling?: LrScaling;
  /** Clip every run's mean gradient to this global norm before each update (default: no clipping). */
  readonly clipGradNorm?: number | undefined;
  /** Runs per schedule, with seeds `seed`, `seed + 1`, ... */
  readonly seeds?: number;
  readonly seed?: number;
  /** Devices of the simulated cluster. */
  readonly devices?: number;
  /**
   * Finish a stored comparison instead of starting one (`lrsim compare --resume ID`): its
   * recorded settings are used (the options above are ignored), its finished runs are kept,
   * and its interrupted or missing runs are trained into it.
   */
  readonly resume?: number;
  /**
   * Runs trained at the same time, each on its share of the workers (default: chosen by
   * `chooseRunSlots` — one per worker, one worker each, at any batch size, and the runs left
   * over at the end, fewer than the workers, on all of them between them when that gives each
   * more). Results do not
   * depend on it.
   */
  readonly runsAtOnce?: number;
  /** Hardware of the simulated cluster: a preset name (see `CLUSTER_PRESETS`). */
  readonly cluster?: string;
  /**
   * Also run the protocol's constant rate as a control, first, unless the schedules include
   * `constant` already (default true): without it a table cannot say whether decaying helped.
   */
  readonly control?: boolean;
  /** Every run is planned: the schedules as they will run (protocol filled in), the seeds and the epoch budget; run `i` is schedule `floor(i / seeds.length)` with seed `i % seeds.length`. */
  readonly onPlanned?: (schedules: readonly string[], seeds: readonly number[], epochs: number) => void;
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
  /** Every run, schedule by schedule, seed by seed, each with its id in the database. */
  readonly runs: RunExperimentResult[];
  /** How many runs the comparison plans (schedules × seeds); fewer ran if it was interrupted. */
  readonly planned: number;
  /** The schedules as run, after the protocol filled bare names in. */
  readonly schedules: string[];
  readonly protocol: Protocol;
  /** The model, dataset and optimizer it trained (the recorded ones when resumed). */
  readonly settings: { readonly model: string; readonly dataset: string; readonly optimizer: string };
}

/**
 * Trains the same model under several schedules (and seeds), as `lrsim compare` does, and
 * records them as one comparison. Every run is planned before the first trains, so a bad
 * spec rejects at once; a failed run does not stop the others (a bug or a database failing
 * mid-run rejects); an abort stops after the current run's update.
 *
 * @example
 * const { runs } = await compare({ schedules: ["step", "batchramp"], epochs: 10 });
 * for (const r of runs) console.log(r.schedule, r.final?.testAccuracy, r.updates);
 */
export async function compare(options: CompareOptions = {}): Promise<CompareResult> {
  // A new comparison opens its database only once every run is planned, so bad input leaves
  // nothing behind; resuming reads its plan from the database first.
  let recording = options.resume === undefined ? undefined : await openRecording(options);
  try {
    const resumed = options.resume === undefined ? undefined : resumeFrom(recording, options.resume);
    const o = { ...COMPARE_DEFAULTS, ...options, ...resumed?.settings };
    checkProtocolOptions(o);
    const workers = workersOf(options);
    checkRunSlotOptions({ workers, runsAtOnce: options.runsAtOnce });
    const protocol: Protocol = {
      lr: o.lr,
      batchSize: o.batchSize,
      factor: o.factor,
      epochs: o.epochs,
      ...(o.lrScaling === "none" ? {} : { lrScaling: o.lrScaling }),
    };
    const schedules =
      resumed?.plan.schedules ??
      protocolSchedules(
        withControl(typeof o.schedules === "string" ? o.schedules : o.schedules.join(","), o.control),
        protocol,
      );
    checkDistinct(schedules);
    const seeds = resumed?.plan.seeds ?? Array.from({ length: o.seeds }, (_, i) => o.seed + i);
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
      cluster: o.cluster,
      ...(o.clipGradNorm === undefined ? {} : { clipGradNorm: o.clipGradNorm }),
    });
    for (const schedule of schedules)
      await planRun(resolveRunConfig(runOptions(schedule, seeds[0]!)), catalog);
    options.onPlanned?.(schedules, seeds, o.epochs);
    recording ??= await openRecording(options);
    // The interrupted runs go (steps and evaluations with them) and are trained again.
    if (recording && resumed) removeRuns(recording.db, resumed.unfinished, "resume the comparison");
    const comparisonId =
      options.resume ??
      (recording
        ? createComparison(recording.db, {
            name: typeof o.schedules === "string" ? o.schedules : o.schedules.join(","),
            config: {
              ...protocol,
              schedules,
              seeds,
              model: o.model,
              dataset: o.dataset,
              optimizer: o.optimizer,
              devices: o.devices,
              cluster: o.cluster,
              ...(o.clipGradNorm === undefined ? {} : { clipGradNorm: o.clipGradNorm }),
            },
          })
        : null);
    const cells = schedules.flatMap((schedule) => seeds.map((seed) => ({ schedule, seed })));
    const ended = await runMany({
      runs: cells.map((c) => runOptions(c.schedule, c.seed)),
      workers,
      runsAtOnce: options.runsAtOnce,
      catalog,
      db: recording?.db,
      comparisonId: comparisonId ?? undefined,
      signal: options.signal,
      known: (i) => {
        const kept = resumed?.finished.get(cellKey(cells[i]!.schedule, cells[i]!.seed));
        const stored = kept !== undefined && recording ? storedResult(recording.db, kept) : undefined;
        return stored && hasEnded(stored) ? { ...stored, runId: kept! } : undefined;
      },
      onRunStart: (i) => options.onRunStart?.(i, cells[i]!.schedule, cells[i]!.seed),
      onStep: options.onStep,
      onEpoch: options.onEpoch,
      onRunEnd: options.onRunEnd,
    });
    const runs = ended.filter((r): r is RunExperimentResult => r !== undefined);
    return {
      comparisonId,
      runs,
      planned: schedules.length * seeds.length,
      schedules,
      protocol,
      settings: { model: o.model, dataset: o.dataset, optimizer: o.optimizer },
    };
  } finally {
    recording?.db.close();
  }
}

/** The plan and finished runs of the comparison to resume; resuming needs the database it is in. */
function resumeFrom(recording: Awaited<ReturnType<typeof openRecording>>, id: number) {
  if (!recording)
    throw errors.invalidOption(
      "resume",
      "used with a results database (db: false records nothing)",
      String(id),
    );
  const resumed = resumePlan(recording.db, id);
  const { schedules: _, seeds: __, devices, ...settings } = resumed.plan;
  return { ...resumed, settings: devices === undefined ? settings : { ...settings, devices } };
}

/** Most runs one comparison may plan (schedules times seeds). */
export const MAX_COMPARE_RUNS = 10_000;

/**
 * Checks the protocol's numbers by the names the caller used (`lr`, `factor`, `seeds`), before
 * they are written into schedule specs the user never typed.
 */
function checkProtocolOptions(o: { lr: number; factor: number; seeds: number; lrScaling: string }): void {
  if (!LR_SCALING_RULES.includes(o.lrScaling as LrScaling))
    throw errors.invalidOption("lrScaling", `one of ${LR_SCALING_RULES.join(", ")}`, String(o.lrScaling));
  if (typeof o.lr !== "number" || !Number.isFinite(o.lr) || o.lr <= 0)
    throw errors.invalidOption("lr", "a positive number", String(o.lr));
  if (typeof o.factor !== "number" || !Number.isFinite(o.factor) || o.factor < 1)
    throw errors.invalidOption(
      "factor",
      "a number >= 1 (the lr is divided, or the batch multiplied, by it)",
      String(o.factor),
    );
  if (!Number.isInteger(o.seeds) || o.seeds < 1)
    throw errors.invalidOption("seeds", "a positive integer", String(o.seeds));
  if (o.seeds > MAX_COMPARE_RUNS) throw errors.tooLarge("seeds", MAX_COMPARE_RUNS, String(o.seeds));
}

/**
 * Refuses a list that trains the same schedule twice (`step,step`, or a name and its own
 * expansion): the copies would be identical runs, reported as extra seeds.
 */
function checkDistinct(schedules: readonly string[]): void {
  const seen = new Set<string>();
  for (const schedule of schedules) {
    if (seen.has(schedule))
      throw errors.usage(
        `--schedules names ${schedule} twice; each schedule trains once per seed (--seeds N trains N seeds of each)`,
      );
    seen.add(schedule);
  }
}
