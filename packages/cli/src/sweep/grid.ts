import { createHash } from "node:crypto";
import { errors, formatCall, parseSpecList } from "@lrsim/core";
import { COMPARE_DEFAULTS } from "../api/compare-defaults.ts";
import { LR_SCALING_RULES, type LrScaling, protocolSchedules } from "../api/compare-protocol.ts";

/**
 * A sweep's grid: each axis a list of values, the cartesian product of them all, each point
 * trained with `seeds` seeds. Bare schedule names follow the protocol of `lrsim compare` (Smith
 * et al., ICLR 2018), filled in from the point's own lr, batch size and epochs; the defaults are
 * compare's.
 */
export interface SweepGrid {
  readonly schedules: readonly string[];
  readonly lr: readonly number[];
  readonly batchSize: readonly number[];
  readonly optimizer: readonly string[];
  readonly model: readonly string[];
  readonly dataset: readonly string[];
  readonly epochs: readonly number[];
  /** Decay / batch-growth factor of the protocol, the same for every point. */
  readonly factor: number;
  /** Runs per grid point, with seeds `seed`, `seed + 1`, ... */
  readonly seeds: number;
  readonly seed: number;
  readonly devices: number;
  readonly cluster: string;
  /**
   * How `batchramp` and `hybrid` scale the lr when they grow the batch (Goyal et al. 2017), as
   * in compare; absent or `none`: they keep it. It is written into their specs, so it is part of
   * the identity of every run it changes.
   */
  readonly lrScaling?: LrScaling;
  /** Clip every run's mean gradient to this global L2 norm (absent: no clipping); part of each run's identity. */
  readonly clipGradNorm?: number;
}

/** The axes in the order the grid nests them (the last varies fastest) and tables show them. */
export const AXES = ["schedule", "lr", "batchSize", "optimizer", "model", "dataset", "epochs"] as const;
export type Axis = (typeof AXES)[number];

/** How each axis is headed in tables and named on the command line. */
export const AXIS_LABELS: Record<Axis, string> = {
  schedule: "schedule",
  lr: "lr",
  batchSize: "batch size",
  optimizer: "optimizer",
  model: "model",
  dataset: "dataset",
  epochs: "epochs",
};

/** One grid point: a value per axis, as the user gave it (the schedule before the protocol fills it in). */
export type GridPoint = {
  readonly [A in Axis]: A extends "schedule" | "optimizer" | "model" | "dataset" ? string : number;
};

/** One run of a sweep: where it sits in the grid, its seed, its identity and exactly what it trains. */
export interface PlannedRun {
  /** Stable identity: the same grid point and seed always give the same key, on any host. */
  readonly key: string;
  readonly point: GridPoint;
  readonly seed: number;
  readonly options: SweepRunOptions;
}

/** What one run of a sweep trains: plain data, the same on the coordinator and on any worker. */
export interface SweepRunOptions {
  readonly schedule: string;
  readonly model: string;
  readonly dataset: string;
  readonly optimizer: string;
  readonly batchSize: number;
  readonly epochs: number;
  readonly seed: number;
  readonly devices: number;
  readonly cluster: string;
  /** Present only when clipping, so runs without it keep the identity they always had. */
  readonly clipGradNorm?: number;
}

/** Sweeps larger than this need `--yes` (a typo like `--seeds 300` should not start weeks of work). */
const CONFIRM_ABOVE_RUNS = 1000;
/** No sweep may plan more runs than this, `--yes` or not. */
const MAX_SWEEP_RUNS = 1_000_000;

const COMPARE_GRID = COMPARE_DEFAULTS;

/** The grid with compare's defaults for every axis and setting not given. */
export function gridWithDefaults(given: Partial<SweepGrid>): SweepGrid {
  return {
    schedules: given.schedules ?? splitSpecs(COMPARE_GRID.schedules),
    lr: given.lr ?? [COMPARE_GRID.lr],
    batchSize: given.batchSize ?? [COMPARE_GRID.batchSize],
    optimizer: given.optimizer ?? [COMPARE_GRID.optimizer],
    model: given.model ?? [COMPARE_GRID.model],
    dataset: given.dataset ?? [COMPARE_GRID.dataset],
    epochs: given.epochs ?? [COMPARE_GRID.epochs],
    factor: given.factor ?? COMPARE_GRID.factor,
    seeds: given.seeds ?? COMPARE_GRID.seeds,
    seed: given.seed ?? COMPARE_GRID.seed,
    devices: given.devices ?? COMPARE_GRID.devices,
    cluster: given.cluster ?? COMPARE_GRID.cluster,
    ...(given.lrScaling === undefined || given.lrScaling === "none" ? {} : { lrScaling: given.lrScaling }),
    ...(given.clipGradNorm === undefined ? {} : { clipGradNorm: given.clipGradNorm }),
  };
}

/** A comma-separated list of specs (commas inside parentheses belong to the spec), each in canonical spacing. */
function splitSpecs(text: string): string[] {
  return parseSpecList(text).map(formatCall);
}

/**
 * A list option's values: numbers from `0.05,0.1` (or a config file's array), checked as
 * `requirement` says; `option` names the flag in errors.
 */
export function numberList(
  option: string,
  value: unknown,
  check: (n: number) => boolean,
  requirement: string,
): number[] {
  // Flags give "0.05,0.1" (or several values), a config file an array: every item may hold commas.
  const items = (Array.isArray(value) ? (value as unknown[]) : [value]).flatMap((item): string[] =>
    String(item).split(","),
  );
  if (items.length === 0)
    throw errors.invalidOption(option, `a comma-separated list of ${requirement}`, "nothing");
  return items.map((item) => {
    const text = String(item).trim();
    const n = text === "" ? Number.NaN : Number(text);
    if (!check(n))
      throw errors.invalidOption(
        option,
        `a comma-separated list of ${requirement}`,
        JSON.stringify(String(item)),
      );
    return n;
  });
}

/** A list option of specs from text or a config file's array. */
export function specList(value: unknown): string[] {
  return Array.isArray(value) ? value.flatMap((v) => splitSpecs(String(v))) : splitSpecs(String(value));
}

/** How many runs the grid plans: the product of the axis lengths times the seeds. */
function gridSize(grid: SweepGrid): number {
  return AXES.reduce((n, axis) => n * axisValues(grid, axis).length, 1) * grid.seeds;
}

/** The values of one axis. */
function axisValues(grid: SweepGrid, axis: Axis): readonly (string | number)[] {
  return axis === "schedule" ? grid.schedules : grid[axis];
}

/** `3 schedules × 3 lr × 2 batch sizes × 3 seeds = 54 runs`: the size, said before anything starts. */
export function describeSize(grid: SweepGrid): string {
  const parts = AXES.filter((axis) => axisValues(grid, axis).length > 1 || axis === "schedule").map(
    (axis) => {
      const n = axisValues(grid, axis).length;
      const label = AXIS_LABELS[axis];
      return `${n} ${n === 1 || label === "lr" ? label : label.endsWith("h") ? `${label}es` : `${label}s`}`;
    },
  );
  parts.push(`${grid.seeds} ${grid.seeds === 1 ? "seed" : "seeds"}`);
  const total = gridSize(grid);
  return `${parts.join(" × ")} = ${total} ${total === 1 ? "run" : "runs"}`;
}

/**
 * Refuses a grid with an unknown lr scaling rule, or one that is empty, too large to plan, or (without `yes`) larger than
 * {@link CONFIRM_ABOVE_RUNS}; the message says how big it is.
 */
export function checkGridSize(grid: SweepGrid, yes: boolean): number {
  if (grid.lrScaling !== undefined && !LR_SCALING_RULES.includes(grid.lrScaling))
    throw errors.invalidOption("lrScaling", `one of ${LR_SCALING_RULES.join(", ")}`, String(grid.lrScaling));
  if (!Number.isInteger(grid.seeds) || grid.seeds < 1)
    throw errors.invalidOption("seeds", "a positive integer", String(grid.seeds));
  const total = gridSize(grid);
  if (total > MAX_SWEEP_RUNS) throw errors.tooLarge("the sweep's runs", MAX_SWEEP_RUNS, describeSize(grid));
  if (total > CONFIRM_ABOVE_RUNS && !yes)
    throw errors.usage(
      `this sweep is ${describeSize(grid)}, more than ${CONFIRM_ABOVE_RUNS}: add --yes if you mean it`,
    );
  return total;
}

/** Every grid point, the last axis of {@link AXES} varying fastest. */
function gridPoints(grid: SweepGrid): GridPoint[] {
  const points: GridPoint[] = [];
  for (const schedule of grid.schedules)
    for (const lr of grid.lr)
      for (const batchSize of grid.batchSize)
        for (const optimizer of grid.optimizer)
          for (const model of grid.model)
            for (const dataset of grid.dataset)
              for (const epochs of grid.epochs)
                points.push({ schedule, lr, batchSize, optimizer, model, dataset, epochs });
  return points;
}

/**
 * Reads a grid point back from plain data (a job's payload, a stored row): every axis with a
 * value of its type, or undefined when one is missing or of the wrong type.
 */
export function toGridPoint(value: Record<string, unknown>): GridPoint | undefined {
  const { schedule, lr, batchSize, optimizer, model, dataset, epochs } = value;
  if (
    typeof schedule !== "string" ||
    typeof optimizer !== "string" ||
    typeof model !== "string" ||
    typeof dataset !== "string" ||
    typeof lr !== "number" ||
    typeof batchSize !== "number" ||
    typeof epochs !== "number"
  )
    return undefined;
  return { schedule, lr, batchSize, optimizer, model, dataset, epochs };
}

/** What a grid point trains with `seed`: the schedule filled in from the point's protocol. */
function runOptionsOf(grid: SweepGrid, point: GridPoint, seed: number): SweepRunOptions {
  const [schedule] = protocolSchedules(point.schedule, {
    lr: point.lr,
    batchSize: point.batchSize,
    factor: grid.factor,
    epochs: point.epochs,
    ...(grid.lrScaling === undefined || grid.lrScaling === "none" ? {} : { lrScaling: grid.lrScaling }),
  });
  return {
    schedule: schedule!,
    model: point.model,
    dataset: point.dataset,
    optimizer: point.optimizer,
    batchSize: point.batchSize,
    epochs: point.epochs,
    seed,
    devices: grid.devices,
    cluster: grid.cluster,
    ...(grid.clipGradNorm === undefined ? {} : { clipGradNorm: grid.clipGradNorm }),
  };
}

/**
 * A run's identity: a hash of exactly what it trains (its options, seed included), so it does
 * not depend on the order of the grid, the host or the time — re-expanding the grid on resume,
 * or a job delivered twice, gives the same key.
 */
export function runKey(options: SweepRunOptions): string {
  const canonical = JSON.stringify(
    Object.keys(options)
      .sort()
      .map((k) => [k, options[k as keyof SweepRunOptions]]),
  );
  return `${createHash("sha256").update(canonical).digest("hex").slice(0, 20)}`;
}

/**
 * Every run of the grid, point by point, seed by seed, each with its identity. Two points that
 * train the same run (a parameter written in a schedule spec wins over the lr or batch-size
 * axis) are refused rather than trained twice.
 */
export function expandGrid(grid: SweepGrid): PlannedRun[] {
  const seeds = Array.from({ length: grid.seeds }, (_, i) => grid.seed + i);
  const seen = new Map<string, GridPoint>();
  return gridPoints(grid).flatMap((point) =>
    seeds.map((seed) => {
      const options = runOptionsOf(grid, point, seed);
      const key = runKey(options);
      const twin = seen.get(key);
      if (twin) {
        const [first, second] = [describePoint(twin), describePoint(point)];
        throw errors.usage(
          first === second
            ? `the grid trains ${options.schedule} twice (${first}): a value is listed twice on an axis; drop one`
            : `the grid trains ${options.schedule} twice (${first} and ${second}): a parameter written in a schedule spec wins over its axis; drop one of the values`,
        );
      }
      seen.set(key, point);
      return { key, point, seed, options };
    }),
  );
}

/** `schedule step, lr 0.1, batch size 64, ...`: a point in words. */
function describePoint(point: GridPoint): string {
  return AXES.map((axis) => `${AXIS_LABELS[axis]} ${point[axis]}`).join(", ");
}

/** The axes with more than one value: the columns that tell a sweep's rows apart. */
export function varyingAxes(grid: SweepGrid): Axis[] {
  return AXES.filter((axis) => axisValues(grid, axis).length > 1);
}
