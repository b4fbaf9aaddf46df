import {
  type EpochRecord,
  errors,
  parseSpec,
  type RunResult,
  type SpecCall,
  type SpecValue,
  type StepRecord,
  type TrainerEvents,
} from "@lrsim/core";
import { type GridPoint, runKey, type SweepRunOptions, toGridPoint } from "./grid.ts";

/** What a sweep's job carries: one run, by identity, and exactly what it trains. Plain JSON. */
export interface SweepJobData {
  /** The format of this data; a worker refuses others rather than guess. */
  readonly v: 1;
  /** The sweep's uid (its row in the coordinator's database). */
  readonly sweep: string;
  /** The run's identity within the sweep ({@link runKey} of `options`). */
  readonly key: string;
  readonly point: GridPoint;
  readonly options: SweepRunOptions;
}

/** Everything a worker observed of a run, sent back for the coordinator to record. */
export interface SweepJobResult {
  readonly v: 1;
  readonly key: string;
  /** `host:pid` of the worker process that trained it. */
  readonly worker: string;
  /** Worker threads it trained on. */
  readonly workers: number;
  readonly start: Parameters<TrainerEvents["runStart"]>[0] | null;
  readonly steps: StepRecord[];
  readonly evaluations: EpochRecord[];
  readonly result: RunResult;
}

/** Longest spec string a job may carry. */
const MAX_SPEC_LENGTH = 4000;
const SPEC_FIELDS = ["schedule", "model", "dataset", "optimizer", "cluster"] as const;
const INTEGER_FIELDS = ["batchSize", "epochs", "seed", "devices"] as const;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** A job's optional `clipGradNorm`: absent, or a finite number > 0. */
function clipOf(value: unknown, bad: (problem: string) => Error): { clipGradNorm?: number } {
  if (value === undefined) return {};
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0)
    throw bad("options.clipGradNorm must be a finite number > 0 when present");
  return { clipGradNorm: value };
}

/**
 * Checks a job's data before anything of it is used: the shape and types of every field, the
 * sizes, and that its key is the identity of what it trains (a job whose key and options
 * disagree would be recorded as another run). Throws BAD_JOB naming the job and the problem.
 */
export function validateJobData(id: string, data: unknown): SweepJobData {
  const bad = (problem: string) => errors.badJob(id, problem);
  if (!isRecord(data)) throw bad("its data is not an object");
  if (data.v !== 1)
    throw bad(`unknown format version ${JSON.stringify(data.v)} (a newer lrsim enqueued it?)`);
  if (typeof data.sweep !== "string" || !/^[0-9a-f-]{36}$/.test(data.sweep)) throw bad("sweep must be a uid");
  if (typeof data.key !== "string" || !/^[0-9a-f]{20}$/.test(data.key))
    throw bad("key must be 20 hex digits");
  const { options } = data;
  if (!isRecord(options)) throw bad("options must be an object");
  const spec = (field: (typeof SPEC_FIELDS)[number]): string => {
    const value = options[field];
    if (typeof value !== "string" || value.length === 0 || value.length > MAX_SPEC_LENGTH)
      throw bad(`options.${field} must be a spec of 1 to ${MAX_SPEC_LENGTH} characters`);
    return value;
  };
  const integer = (field: (typeof INTEGER_FIELDS)[number]): number => {
    const value = options[field];
    if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0)
      throw bad(`options.${field} must be a non-negative integer`);
    return value;
  };
  const checked: SweepRunOptions = {
    schedule: spec("schedule"),
    model: spec("model"),
    dataset: spec("dataset"),
    optimizer: spec("optimizer"),
    cluster: spec("cluster"),
    batchSize: integer("batchSize"),
    epochs: integer("epochs"),
    seed: integer("seed"),
    devices: integer("devices"),
    ...clipOf(options.clipGradNorm, bad),
  };
  const known = new Set<string>([...SPEC_FIELDS, ...INTEGER_FIELDS, "clipGradNorm"]);
  const extra = Object.keys(options).find((k) => !known.has(k));
  if (extra !== undefined) throw bad(`options has an unknown field ${JSON.stringify(extra)}`);
  const point = isRecord(data.point) ? toGridPoint(data.point) : undefined;
  if (point === undefined) throw bad("point must hold a value for every axis");
  if (runKey(checked) !== data.key) throw bad("its key is not the identity of its options");
  return { v: 1, sweep: data.sweep, key: data.key, point, options: checked };
}

/** Whether a plugin name is a path (loading code from the file system) rather than a built-in or package name. */
function isPathName(name: string): boolean {
  return (
    name.startsWith(".") || name.startsWith("/") || name.startsWith("file:") || /^[a-z]:[\\/]/i.test(name)
  );
}

/** Every plugin name a spec mentions (its own, nested specs', and bare path-like words in its arguments). */
function* pluginNames(call: SpecCall): Generator<string> {
  yield call.name;
  const visit = function* (value: SpecValue): Generator<string> {
    if (value.kind === "call") yield* pluginNames(value);
    else if (value.kind === "list") for (const item of value.items) yield* visit(item);
    else if (value.kind === "string" && !value.quoted && isPathName(value.value)) yield value.value;
  };
  for (const arg of call.args) yield* visit(arg.value);
}

/**
 * Refuses a job that would load a plugin by path, unless the worker was started with
 * `--allow-plugin-paths`: a job names code to run, and by default a worker runs only the
 * built-in plugins and the packages installed on its host. A deterministic failure: retrying
 * cannot help.
 */
export function checkPluginSources(options: SweepRunOptions, allowPaths: boolean): void {
  if (allowPaths) return;
  for (const field of ["schedule", "model", "dataset", "optimizer"] as const) {
    const call = parseSpec(options[field]);
    for (const name of pluginNames(call)) if (isPathName(name)) throw errors.pluginPathRefused(name);
  }
}

/**
 * JSON that keeps every number exactly: non-finite values and -0 (which JSON turns into null
 * and 0) are written as `{"$num": "NaN"}`; finite doubles round-trip exactly already.
 */
export function encodeResult(result: SweepJobResult): string {
  return JSON.stringify(result, (_, value: unknown) =>
    typeof value === "number" && (!Number.isFinite(value) || Object.is(value, -0))
      ? { $num: Object.is(value, -0) ? "-0" : String(value) }
      : value,
  );
}

/** The inverse of {@link encodeResult}. */
export function decodeResult(text: string): SweepJobResult {
  return JSON.parse(text, (_, value: unknown) =>
    isRecord(value) && typeof value.$num === "string" && Object.keys(value).length === 1
      ? Number(value.$num)
      : value,
  ) as SweepJobResult;
}
