import { errors } from "@lrsim/core";
import { type Db, fromReal, getRangeTest, getRun, latestId, runRows, runSummary } from "@lrsim/store";
import { storedComparison } from "../api/stored-result.ts";
import { type ScheduleSummary, summarizeSchedules } from "./report-summary.ts";

/** Columns of numbers, one array per quantity, all the same length (`null` where unknown). */
type Columns<K extends string> = Record<K, Array<number | null>>;

/** One run as the report draws it. Every string here is untrusted text for the page. */
export interface ReportRun {
  readonly id: number;
  /** What the legend and table call it: the schedule spec, plus the seed when seeds repeat. */
  readonly label: string;
  readonly schedule: string;
  readonly model: string;
  readonly dataset: string;
  readonly optimizer: string;
  readonly seed: number;
  readonly status: string;
  readonly error: string | null;
  readonly devices: number;
  readonly summary: {
    readonly updates: number | null;
    readonly epochs: number | null;
    readonly finalTestAccuracy: number | null;
    readonly bestTestAccuracy: number | null;
    readonly finalTestLoss: number | null;
    readonly wallMs: number | null;
    readonly clusterMs: number | null;
  };
  /** Per recorded step (thinned to at most {@link MAX_STEP_POINTS}): the schedule as trained. */
  readonly steps: Columns<"epoch" | "lr" | "batchSize" | "momentum" | "trainLoss">;
  /** Per evaluation (each epoch end): the curves against epoch, updates and simulated time. */
  readonly evaluations: Columns<
    "epoch" | "updates" | "clusterMs" | "trainLoss" | "testLoss" | "trainAccuracy" | "testAccuracy"
  >;
}

/** One range test: every trial's lr, loss and smoothed loss per mini-batch. */
interface ReportRangeTest {
  readonly id: number;
  readonly model: string;
  readonly dataset: string;
  readonly optimizer: string;
  readonly suggestedLr: number | null;
  readonly suggestions: Record<string, number | null>;
  readonly trials: Array<Columns<"lr" | "loss" | "smoothedLoss">>;
}

/** Everything a report shows, as plain JSON: the page is drawn from this alone. */
export interface ReportData {
  readonly title: string;
  readonly generatedAt: string;
  readonly lrsimVersion: string;
  readonly runs: ReportRun[];
  /** The runs by schedule, mean ± std over seeds, relative to the control (step decay). */
  readonly schedules: ScheduleSummary[];
  readonly rangeTests: ReportRangeTest[];
}

/** What to put in a report: a comparison's runs, chosen runs, range tests, or a mix. */
export interface ReportSelection {
  readonly comparison?: number | undefined;
  readonly runs?: readonly number[] | undefined;
  readonly rangeTests?: readonly number[] | undefined;
}

/**
 * Step rows kept per run: enough for a smooth lr curve at any zoom a page allows, few enough
 * that a 20-run comparison stays a few MB.
 */
const MAX_STEP_POINTS = 2000;

/**
 * Reads what a report shows from a results database. With an empty selection it takes the
 * latest comparison (and, if there is none, the latest range test), so `lrsim report` after
 * `lrsim compare` needs no id. Unknown ids are one-line errors naming them.
 */
export function collectReport(db: Db, selection: ReportSelection, lrsimVersion: string): ReportData {
  let { comparison, runs: runIds = [], rangeTests: rangeIds = [] } = selection;
  if (comparison === undefined && runIds.length === 0 && rangeIds.length === 0) {
    comparison = latestId(db, "comparisons");
    if (comparison === undefined) {
      const latestRange = latestId(db, "range_tests");
      if (latestRange === undefined) throw errors.emptyReport();
      rangeIds = [latestRange];
    }
  }
  const ids = [...runIds];
  let title = runIds.length > 0 ? `runs ${runIds.join(", ")}` : "";
  if (comparison !== undefined) {
    const stored = storedComparison(db, comparison);
    const config = stored.config as { model?: string; dataset?: string };
    title = `comparison ${comparison}${stored.name ? ` “${stored.name}”` : ""}: ${config.model ?? "?"} on ${config.dataset ?? "?"}`;
    for (const id of stored.runIds) if (!ids.includes(id)) ids.push(id);
  }
  const runs = ids.map((id) => reportRun(db, id));
  labelRuns(runs);
  const rangeTests = rangeIds.map((id) => reportRangeTest(db, id));
  if (title === "") title = `range test ${rangeIds.join(", ")}`;
  const schedules = summarizeSchedules(runs);
  return { title, generatedAt: new Date().toISOString(), lrsimVersion, runs, schedules, rangeTests };
}

/** Reads a column set, restoring NaN and infinities stored as text. */
function columns<K extends string>(
  rows: Array<Record<string, unknown>>,
  keys: Record<K, string>,
): Columns<K> {
  const out = {} as Columns<K>;
  for (const [key, column] of Object.entries(keys) as Array<[K, string]>)
    out[key] = rows.map((row) => fromReal(row[column]));
  return out;
}

/** Every k-th row so at most `max` remain, always keeping the last. */
function thin<T>(rows: T[], max: number): T[] {
  if (rows.length <= max) return rows;
  const every = Math.ceil(rows.length / max);
  return rows.filter((_, i) => i % every === 0 || i === rows.length - 1);
}

function reportRun(db: Db, id: number): ReportRun & { label: string } {
  const run = getRun(db, id);
  const summary = runSummary(db, id);
  const steps = thin(runRows(db, id, "steps"), MAX_STEP_POINTS);
  const evaluations = runRows(db, id, "evaluations");
  const value = (key: string) => (summary ? fromReal(summary[key]) : null);
  return {
    id,
    label: String(run.schedule),
    schedule: String(run.schedule),
    model: String(run.model),
    dataset: String(run.dataset),
    optimizer: String(run.optimizer),
    seed: Number(run.seed),
    status: String(run.status),
    error: run.error === null ? null : String(run.error),
    devices: Number(run.devices),
    summary: {
      updates: value("updates"),
      epochs: value("epochs"),
      finalTestAccuracy: value("final_test_accuracy"),
      bestTestAccuracy: value("best_test_accuracy"),
      finalTestLoss: value("final_test_loss"),
      wallMs: value("wall_ms"),
      clusterMs: value("cluster_ms"),
    },
    steps: columns(steps, {
      epoch: "epoch",
      lr: "lr",
      batchSize: "batch_size",
      momentum: "momentum",
      trainLoss: "train_loss",
    }),
    evaluations: columns(evaluations, {
      epoch: "epoch",
      updates: "updates",
      clusterMs: "cluster_ms",
      trainLoss: "train_loss",
      testLoss: "test_loss",
      trainAccuracy: "train_accuracy",
      testAccuracy: "test_accuracy",
    }),
  };
}

/** Labels runs by schedule, adding the seed (and then the id) only where labels would clash. */
function labelRuns(runs: Array<{ label: string; schedule: string; seed: number; id: number }>): void {
  const count = (key: (r: (typeof runs)[number]) => string) => {
    const counts = new Map<string, number>();
    for (const r of runs) counts.set(key(r), (counts.get(key(r)) ?? 0) + 1);
    return counts;
  };
  const bySchedule = count((r) => r.schedule);
  for (const r of runs) if ((bySchedule.get(r.schedule) ?? 0) > 1) r.label = `${r.schedule} seed ${r.seed}`;
  const byLabel = count((r) => r.label);
  for (const r of runs) if ((byLabel.get(r.label) ?? 0) > 1) r.label = `${r.label} (run ${r.id})`;
}

function reportRangeTest(db: Db, id: number): ReportRangeTest {
  const { row, points } = getRangeTest(db, id);
  const trials: ReportRangeTest["trials"] = [];
  for (const p of points) {
    const trial = Number(p.trial);
    trials[trial] ??= { lr: [], loss: [], smoothedLoss: [] };
    trials[trial].lr.push(fromReal(p.lr));
    trials[trial].loss.push(fromReal(p.loss));
    trials[trial].smoothedLoss.push(fromReal(p.smoothed_loss));
  }
  return {
    id,
    model: String(row.model),
    dataset: String(row.dataset),
    optimizer: String(row.optimizer),
    suggestedLr: fromReal(row.suggested_lr),
    suggestions: JSON.parse(String(row.suggestions ?? "{}")) as Record<string, number | null>,
    trials: trials.filter(Boolean),
  };
}
