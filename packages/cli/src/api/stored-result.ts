import {
  type EpochRecord,
  type FinalMetrics,
  finalOf,
  type RunResult,
  type RunSummary,
  runResultOf,
} from "@lrsim/core";
import {
  comparisonRunRows,
  type Db,
  getComparison,
  getRun,
  isStale,
  runEvaluations,
  runSummary,
} from "@lrsim/store";

/**
 * A run that has not ended as the database holds it: `running` (its process is training it)
 * or `stale` (its process died before it ended).
 */
export interface UnfinishedRun extends RunSummary {
  readonly status: "running" | "stale";
  /** The last evaluation recorded, if any. */
  readonly final: FinalMetrics | null;
  readonly error: null;
}

/** A run read back from the database: a finished one's {@link RunResult}, or an unfinished one. */
export type StoredRunResult = RunResult | UnfinishedRun;

/** True for a run that has ended (completed, diverged, failed or interrupted). */
export function hasEnded(run: StoredRunResult): run is RunResult {
  return run.status !== "running" && run.status !== "stale";
}

/**
 * What the summary takes from a stored run's config: its cluster preset ("custom" for runs
 * recorded before presets existed) and its gradient clipping, if any.
 */
function storedSettings(config: unknown): { cluster: string; clipGradNorm?: number } {
  let parsed: { cluster?: unknown; clipGradNorm?: unknown } = {};
  try {
    parsed = (JSON.parse(String(config)) as typeof parsed | null) ?? {};
  } catch {
    // An unreadable config: report the defaults.
  }
  return {
    cluster: typeof parsed.cluster === "string" ? parsed.cluster : "custom",
    ...(typeof parsed.clipGradNorm === "number" ? { clipGradNorm: parsed.clipGradNorm } : {}),
  };
}

/** Rebuilds the run object of `lrsim run --json` from the database. */
export function storedResult(db: Db, id: number): StoredRunResult {
  const run = getRun(db, id);
  const summaryRow = runSummary(db, id) as Record<string, number> | undefined;
  const history: EpochRecord[] = runEvaluations(db, id).map((e) => ({
    epoch: e.epoch!,
    updates: e.updates!,
    samples: e.samples!,
    lr: e.lr!,
    batchSize: e.batch_size!,
    momentum: e.momentum ?? undefined,
    trainLoss: e.train_loss ?? Number.NaN,
    trainAccuracy: e.train_accuracy ?? null,
    testLoss: e.test_loss ?? Number.NaN,
    testAccuracy: e.test_accuracy ?? null,
    // Runs recorded before the estimate was checked may hold a negative one: never show it.
    noiseScale:
      e.noise_scale !== null && e.noise_scale !== undefined && e.noise_scale > 0 ? e.noise_scale : null,
    noiseScaleWhy: null,
    clusterMs: e.cluster_ms!,
    wallMs: e.wall_ms!,
  }));
  const last = history.at(-1);
  const summary: RunSummary = {
    schedule: run.schedule as string,
    model: run.model as string,
    dataset: run.dataset as string,
    optimizer: run.optimizer as string,
    batchSize: run.batch_size as number,
    seed: run.seed as number,
    epochs: summaryRow?.epochs ?? last?.epoch ?? 0,
    updates: summaryRow?.updates ?? last?.updates ?? 0,
    samples: summaryRow?.samples ?? last?.samples ?? 0,
    wallMs: summaryRow?.wall_ms ?? last?.wallMs ?? 0,
    clusterMs: summaryRow?.cluster_ms ?? last?.clusterMs ?? 0,
    devices: run.devices as number,
    ...storedSettings(run.config),
    history,
  };
  const status = run.status as StoredRunResult["status"];
  const final = finalOf(history);
  const error = (run.error as string | null) ?? null;
  if (status === "running" || status === "stale" || (status !== "failed" && !final)) {
    const { history: rows, ...head } = summary;
    return {
      status: status === "running" && !isStale(run) ? "running" : "stale",
      ...head,
      final,
      history: rows,
      error: null,
    };
  }
  return runResultOf(summary, final, status, error);
}

/** A stored comparison: its name, its config (as `lrsim compare` recorded it) and its runs' ids in the order they ran. */
export interface StoredComparison {
  readonly name: string | null;
  readonly config: Record<string, unknown>;
  readonly runIds: number[];
}

/** One run of a comparison: its id, the schedule as planned (before canonicalisation), seed and status. */
export interface ComparisonRun {
  readonly id: number;
  readonly schedule: string;
  readonly seed: number;
  readonly status: string;
}

/**
 * A comparison's runs in the order it plans them, schedule by schedule, seed by seed (so a
 * resumed comparison reads as if it had run at once); runs outside the plan follow by id.
 * None for an unknown id.
 */
export function comparisonRuns(db: Db, id: number): ComparisonRun[] {
  const plan = comparisonPlanOf(db, id);
  const schedules = Array.isArray(plan.schedules) ? (plan.schedules as string[]) : [];
  const seeds = Array.isArray(plan.seeds) ? (plan.seeds as number[]) : [];
  const runs: ComparisonRun[] = comparisonRunRows(db, id);
  const place = (r: ComparisonRun) => {
    const s = schedules.indexOf(r.schedule);
    const k = seeds.indexOf(r.seed);
    return s < 0 || k < 0 ? Number.POSITIVE_INFINITY : s * seeds.length + k;
  };
  return runs
    .map((r, order) => ({ r, at: place(r), order }))
    .sort((a, b) => a.at - b.at || a.order - b.order)
    .map(({ r }) => r);
}

/** A comparison's recorded plan (schedules and seeds), or nothing for an unknown id. */
function comparisonPlanOf(db: Db, id: number): { schedules?: unknown; seeds?: unknown } {
  try {
    return getComparison(db, id).config;
  } catch {
    return {};
  }
}

/** The ids of a comparison's runs, in plan order ({@link comparisonRuns}). */
export function comparisonRunIds(db: Db, id: number): number[] {
  return comparisonRuns(db, id).map((r) => r.id);
}

/** Reads a stored comparison; an unknown id is a one-line error. */
export function storedComparison(db: Db, id: number): StoredComparison {
  const { name, config } = getComparison(db, id);
  return { name, config, runIds: comparisonRunIds(db, id) };
}
