import { errors } from "../errors.ts";
import { groupsProblem, parameterGroupsOf } from "../optim/groups.ts";
import type { Allocate, OptimizerDefinition, OptimizerInstance } from "../optim/types.ts";
import type { PluginCatalog, PluginSource } from "../plugins/catalog.ts";
import { isByteSplit } from "../plugins/chunk-reader.ts";
import type { Dataset, DatasetDefinition } from "../plugins/dataset.ts";
import { callHook, callHookAsync, guardOptimizer, pluginLabel } from "../plugins/hooks.ts";
import type { ModelDefinition, ModelInstance, ParameterGroup } from "../plugins/model.ts";
import type { PluginDefinitions } from "../plugins/shapes.ts";
import { shareDataset } from "../plugins/share.ts";
import { createRng } from "../random.ts";
import { buildSchedule } from "../schedules/build.ts";
import type { Schedule, ScheduleUnit } from "../schedules/types.ts";
import type { SpecCall } from "../spec/ast.ts";
import { canonicalSpec } from "../spec/canonical.ts";
import { type BoundParams, bindParams } from "../spec/params.ts";
import { parseSpec } from "../spec/parse.ts";
import type { RunConfig } from "./config.ts";

/** A plugin chosen for a run: its definition, bound parameters, canonical spec and where workers find it. */
interface Chosen<D> {
  readonly definition: D;
  readonly name: string;
  readonly params: BoundParams;
  readonly spec: string;
  readonly source: PluginSource | undefined;
}

/** Everything a run needs, resolved and checked before the first update. */
export interface RunPlan {
  readonly config: RunConfig;
  readonly schedule: Schedule;
  readonly model: Chosen<ModelDefinition>;
  readonly dataset: Chosen<DatasetDefinition> & { readonly data: Dataset };
  readonly optimizer: Chosen<OptimizerDefinition>;
  /** Creates a model instance for the dataset's shape (one per thread: instances hold scratch memory). */
  createModel(): ModelInstance;
  /** FLOPs of one training sample: the model's own figure, else 6 x its parameters (see {@link ModelInstance.flopsPerSample}). */
  readonly flopsPerSample: number;
  /** Whether the model reported {@link flopsPerSample} itself. */
  readonly flopsReported: boolean;
  /** What computes the model ({@link ModelInstance.computedBy}), or null when it does not say. */
  readonly computedBy: string | null;
  /** The model's parameter layout ({@link ModelInstance.parameterGroups}, or one group), checked. */
  readonly parameterGroups: readonly ParameterGroup[];
}

/** FLOPs per sample lrsim assumes for a model that does not say: 2 for the forward multiply-add, 4 backward, per parameter. */
export const FLOPS_PER_PARAMETER = 6;

const datasetCache = new WeakMap<DatasetDefinition, Map<string, Promise<Dataset>>>();

/**
 * Loads a dataset once per process and spec; later runs of a comparison reuse it. The result
 * lives in shared memory (`shareDataset` in `plugins/share.ts`): worker threads get views of
 * it with their session and never load it themselves.
 */
export function loadDataset(
  definition: DatasetDefinition,
  spec: string,
  params: BoundParams,
): Promise<Dataset> {
  let bySpec = datasetCache.get(definition);
  if (!bySpec) {
    bySpec = new Map();
    datasetCache.set(definition, bySpec);
  }
  let loading = bySpec.get(spec);
  if (!loading) {
    loading = callHookAsync("dataset", definition.name, "load", () => definition.load(params)).then(
      (data) => {
        checkDataset(definition.name, data);
        return shareDataset(data);
      },
    );
    loading.catch(() => bySpec.delete(spec));
    bySpec.set(spec, loading);
  }
  return loading;
}

/** A dataset of the wrong shape is caught here, with what was wrong. */
function checkDataset(name: string, data: Dataset): void {
  const bad = (problem: string) => errors.badPluginOutput(`dataset "${name}"`, "load", `returned ${problem}`);
  if (!data?.shape || !data.train || !data.test) throw bad("no { shape, train, test }");
  const { inputs, outputs, task } = data.shape;
  if (!(Number.isInteger(inputs) && inputs > 0 && Number.isInteger(outputs) && outputs > 0))
    throw bad("a shape whose inputs/outputs are not positive integers");
  const image = data.shape.image;
  if (image) {
    const sides = [image.channels, image.height, image.width];
    if (!sides.every((n) => Number.isInteger(n) && n > 0) || sides[0]! * sides[1]! * sides[2]! !== inputs)
      throw bad(
        `an image shape ${sides.join("x")} (channels x height x width) that is not ${inputs} inputs of positive integer sides`,
      );
  }
  const width = task === "classification" ? 1 : outputs;
  for (const split of ["train", "test"] as const) {
    const s = data[split];
    const bytes = isByteSplit(s);
    const x = bytes ? s.bytes : s.x;
    if (!(bytes ? x instanceof Uint8Array : x instanceof Float32Array) || !(s.y instanceof Float32Array))
      throw bad(
        `a ${split} split whose ${bytes ? "bytes are not a Uint8Array" : "x is not a Float32Array"} or y not a Float32Array`,
      );
    if (s.size < 1 || x.length !== s.size * inputs || s.y.length !== s.size * width)
      throw bad(
        `a ${split} split of ${s.size} samples with ${bytes ? "bytes" : "x"}.length ${x.length} (expected ${s.size * inputs}) and y.length ${s.y.length} (expected ${s.size * width})`,
      );
    if (
      bytes &&
      !(
        s.offset instanceof Float64Array &&
        s.divisor instanceof Float64Array &&
        s.offset.length === s.divisor.length &&
        s.offset.length > 0 &&
        inputs % s.offset.length === 0 &&
        s.divisor.every((d) => d !== 0 && Number.isFinite(d))
      )
    )
      throw bad(
        `a ${split} byte split whose offset and divisor are not Float64Arrays of one entry per feature group (dividing ${inputs}) with finite non-zero divisors`,
      );
    if (
      task === "classification" &&
      s.y.some((label) => !Number.isInteger(label) || label < 0 || label >= outputs)
    )
      throw bad(`${split} labels outside 0..${outputs - 1}`);
  }
}

async function choose<K extends "model" | "dataset" | "optimizer">(
  catalog: PluginCatalog,
  kind: K,
  spec: string,
): Promise<Chosen<PluginDefinitions[K]>> {
  const call = parseSpec(spec);
  await catalog.prepare(kind, call);
  const definition: PluginDefinitions[K] = catalog.registries[kind].get(call.name);
  const params = bindParams(definition.name, definition.params, call, { cwd: catalog.cwd });
  return {
    definition,
    name: definition.name,
    params,
    spec: canonicalSpec(definition.name, definition.params, params),
    source: catalog.sourceOf(kind, definition.name),
  };
}

function unitOf(call: SpecCall, defaultUnit: ScheduleUnit): ScheduleUnit {
  const explicit = call.args.find((a) => a.key === "unit")?.value;
  return explicit?.kind === "string" && (explicit.value === "step" || explicit.value === "epoch")
    ? explicit.value
    : defaultUnit;
}

/**
 * Resolves the four plugins of a run, loads the data and builds the schedule with the run's
 * length in its own unit (so `onecycle` without `totalSteps` spans the run), then checks that
 * they fit together: the model can learn the dataset's task, and a schedule that cycles
 * momentum meets an optimizer that has one.
 */
export async function planRun(config: RunConfig, catalog: PluginCatalog): Promise<RunPlan> {
  const model = await choose(catalog, "model", config.model);
  const datasetChoice = await choose(catalog, "dataset", config.dataset);
  const optimizer = await choose(catalog, "optimizer", config.optimizer);
  const data = await loadDataset(datasetChoice.definition, datasetChoice.spec, datasetChoice.params);

  if (!model.definition.tasks.includes(data.shape.task))
    throw errors.invalidParams(
      model.name,
      `cannot learn ${datasetChoice.name}'s ${data.shape.task} task (it supports ${model.definition.tasks.join(", ")})`,
    );

  const scheduleCall = parseSpec(config.schedule);
  await catalog.prepare("schedule", scheduleCall);
  const unit = unitOf(scheduleCall, catalog.registries.schedule.get(scheduleCall.name).unit);
  const stepsPerEpoch = Math.ceil(data.train.size / Math.min(config.batchSize, data.train.size));
  const length = unit === "epoch" ? config.epochs : config.epochs * stepsPerEpoch;
  const schedule = buildSchedule(catalog.registries.schedule, scheduleCall, {
    length,
    batchSize: config.batchSize,
    trainSize: data.train.size,
    cwd: catalog.cwd,
  });

  if (schedule.at(0).momentum !== undefined && optimizer.definition.scheduledMomentum === undefined)
    throw errors.invalidParams(
      schedule.name,
      `cycles momentum, but ${optimizer.name} has none to cycle; use sgd, rmsprop, adam or adamw, or give cycleMomentum=false`,
    );

  const createModel = () => {
    const instance = callHook(
      "model",
      model.name,
      "create",
      () => model.definition.create(model.params, data.shape),
      model.source,
    );
    if (!instance || !Number.isInteger(instance.parameterCount) || instance.parameterCount < 1)
      throw errors.badPluginOutput(
        `model "${model.name}"`,
        "create",
        "returned an instance without a positive integer parameterCount",
      );
    const flops = instance.flopsPerSample;
    if (flops !== undefined && !(typeof flops === "number" && flops > 0 && Number.isFinite(flops)))
      throw errors.badPluginOutput(
        pluginLabel("model", model.name, model.source),
        "create",
        `returned an instance whose flopsPerSample is ${String(flops)}, not a positive number,`,
      );
    const groups = instance.parameterGroups;
    const problem = groups === undefined ? undefined : groupsProblem(groups, instance.parameterCount);
    if (problem)
      throw errors.badPluginOutput(
        pluginLabel("model", model.name, model.source),
        "create",
        `returned an instance whose parameterGroups ${problem},`,
      );
    return instance;
  };
  const probe = createModel();
  const flopsReported = probe.flopsPerSample !== undefined;
  return {
    config,
    schedule,
    model,
    dataset: { ...datasetChoice, data },
    optimizer,
    createModel,
    flopsPerSample: probe.flopsPerSample ?? FLOPS_PER_PARAMETER * probe.parameterCount,
    flopsReported,
    computedBy: typeof probe.computedBy === "string" ? probe.computedBy : null,
    parameterGroups: parameterGroupsOf(probe),
  };
}

/**
 * Fills `params` with the model's initial values for the run's seed. Every backend starts a run
 * through this, so their parameters start identical.
 */
export function initParameters(plan: RunPlan, model: ModelInstance, params: Float32Array): void {
  callHook(
    "model",
    plan.model.name,
    "init",
    () => model.init(params, createRng(plan.config.seed, "init")),
    plan.model.source,
  );
}

/** Creates the run's optimizer for `size` parameters, its state allocated through `allocate`. */
export function createOptimizer(plan: RunPlan, size: number, allocate: Allocate): OptimizerInstance {
  const instance = callHook(
    "optimizer",
    plan.optimizer.name,
    "create",
    () => plan.optimizer.definition.create(plan.optimizer.params, size, allocate, plan.parameterGroups),
    plan.optimizer.source,
  );
  return guardOptimizer(instance, plan.optimizer.name, plan.optimizer.source);
}
