/**
 * The piscina worker: computes chunk gradients, reduces slices of them in chunk order and
 * applies the optimizer to those slices, all in shared memory. Each worker keeps the dataset
 * and its model instance resident per run (session); a task carries the session's plain
 * description, so any worker can pick up any task.
 */
import {
  callHook,
  type Dataset,
  type DatasetDefinition,
  errors,
  type LossSum,
  loadDataset,
  type ModelDefinition,
  type ModelInstance,
  NORM_BLOCK,
  type OptimizerDefinition,
  type OptimizerInstance,
  type PluginKind,
  shapeProblem,
} from "@lrsim/core";
import type { PluginRef, ReduceResult, SessionDescriptor, Task } from "./protocol.ts";
import { type ReduceKernel, reduceKernel } from "./reduce-kernel.ts";

interface WorkerSession {
  readonly model: ModelInstance;
  readonly data: Dataset;
  readonly optimizer: OptimizerInstance;
  readonly params: Float32Array;
  readonly grad: Float32Array;
  /** Slot `s` as a Float32Array view of P floats. */
  readonly slot: (s: number) => Float32Array;
  readonly kernel: ReduceKernel;
  readonly memory: SessionDescriptor["memory"];
  readonly results: Float64Array;
  readonly indices: Int32Array;
  readonly evalOrder: { readonly train: Int32Array; readonly test: Int32Array };
  readonly out: LossSum;
}

const sessions = new Map<number, Promise<WorkerSession>>();
const MAX_SESSIONS = 2;

async function importPlugin<D>(kind: PluginKind, ref: PluginRef): Promise<D> {
  const module = (await import(ref.source.module)) as Record<string, unknown>;
  let found = module[ref.source.export];
  if (Array.isArray(found)) found = found.find((d: { name?: string }) => d?.name === ref.name);
  const problem = shapeProblem(kind, found);
  if (problem)
    throw errors.badDefinition(kind, ref.name, `${ref.source.module}#${ref.source.export}: ${problem}`);
  return found as D;
}

/** Views onto the shared optimizer state, handed out in the same order the main thread counted. */
function sharedAllocator(memory: SessionDescriptor["memory"]) {
  let offset = 0;
  let index = 0;
  return (length: number): Float32Array => {
    if (memory.stateSizes[index] !== length)
      throw new Error(
        `optimizer allocation ${index} is ${length} floats here but ${memory.stateSizes[index]} on the main thread`,
      );
    index++;
    const view = new Float32Array(memory.state, offset * 4, length);
    offset += length;
    return view;
  };
}

async function openSession(d: SessionDescriptor): Promise<WorkerSession> {
  const modelDefinition = await importPlugin<ModelDefinition>("model", d.model);
  const datasetDefinition = await importPlugin<DatasetDefinition>("dataset", d.dataset);
  const optimizerDefinition = await importPlugin<OptimizerDefinition>("optimizer", d.optimizer);
  const data = await loadDataset(datasetDefinition, d.dataset.spec, d.dataset.params);
  const model = callHook("model", d.model.name, "create", () =>
    modelDefinition.create(d.model.params as never, data.shape),
  );
  const optimizer = callHook("optimizer", d.optimizer.name, "create", () =>
    optimizerDefinition.create(d.optimizer.params as never, d.parameterCount, sharedAllocator(d.memory)),
  );
  const identity = (n: number) => Int32Array.from({ length: n }, (_, i) => i);
  return {
    model,
    data,
    optimizer,
    params: new Float32Array(d.memory.params),
    grad: new Float32Array(d.memory.arena.buffer, d.memory.gradOffset, d.parameterCount),
    slot: (i) =>
      new Float32Array(
        d.memory.arena.buffer,
        d.memory.slotsOffset + i * d.memory.slotStride,
        d.parameterCount,
      ),
    kernel: reduceKernel(d.memory.arena),
    memory: d.memory,
    results: new Float64Array(d.memory.results),
    indices: new Int32Array(d.memory.indices),
    evalOrder: { train: identity(data.train.size), test: identity(data.test.size) },
    out: { loss: 0, correct: 0 },
  };
}

function session(d: SessionDescriptor): Promise<WorkerSession> {
  let found = sessions.get(d.id);
  if (!found) {
    found = openSession(d);
    sessions.set(d.id, found);
    found.catch(() => sessions.delete(d.id));
    while (sessions.size > MAX_SESSIONS) sessions.delete(sessions.keys().next().value!);
  }
  return found;
}

/** Squared-norm sums of the floats at byte offset `base`, one per NORM_BLOCK block of [from, to). */
function blockNorms(kernel: ReduceKernel, base: number, from: number, to: number): number[] {
  const sums: number[] = [];
  for (let block = from; block < to; block += NORM_BLOCK)
    sums.push(kernel.squaredNorm(base, block, Math.min(to, block + NORM_BLOCK)));
  return sums;
}

function reduce(s: WorkerSession, task: Extract<Task, { op: "reduce" }>): ReduceResult {
  const { grad, kernel, memory } = s;
  const { from, to } = task;
  kernel.accumulate(
    memory.gradOffset,
    memory.slotsOffset,
    memory.slotStride,
    from,
    to,
    task.slots,
    task.first,
  );
  let gradBlocks: number[] = [];
  if (task.finalize) {
    const { batchSize, lr, momentum, step } = task.finalize;
    for (let i = from; i < to; i++) grad[i] = grad[i]! / batchSize;
    if (task.norms) gradBlocks = blockNorms(kernel, memory.gradOffset, from, to);
    s.optimizer.step(s.params, grad, from, to, { lr, momentum, step });
  }
  return { gradBlocks };
}

/** Runs `work` with the model told that the parameters hold still meanwhile. */
function withParams<T>(s: WorkerSession, name: string, work: () => T): T {
  callHook("model", name, "beginChunks", () => s.model.beginChunks?.(s.params));
  try {
    return work();
  } finally {
    s.model.endChunks?.();
  }
}

export default async function run(task: Task): Promise<ReduceResult | null> {
  const s = await session(task.session);
  const modelName = task.session.model.name;
  switch (task.op) {
    case "compute":
      return withParams(s, modelName, () => {
        for (const [slot, start, end] of task.chunks) {
          callHook("model", modelName, "gradient", () =>
            s.model.gradient(s.params, s.data.train, s.indices, start, end, s.slot(slot), s.out),
          );
          s.results[3 * slot] = s.out.loss;
          s.results[3 * slot + 1] = s.out.correct;
          if (task.norms) {
            // This thread's fresh chunk, block by block in order: the in-process backend's sum.
            let norm = 0;
            for (const block of blockNorms(
              s.kernel,
              s.memory.slotsOffset + slot * s.memory.slotStride,
              0,
              s.params.length,
            ))
              norm += block;
            s.results[3 * slot + 2] = norm;
          }
        }
        return null;
      });
    case "evaluate": {
      const data = s.data[task.split];
      const order = s.evalOrder[task.split];
      return withParams(s, modelName, () => {
        for (const [slot, start, end] of task.chunks) {
          callHook("model", modelName, "evaluate", () =>
            s.model.evaluate(s.params, data, order, start, end, s.out),
          );
          s.results[3 * slot] = s.out.loss;
          s.results[3 * slot + 1] = s.out.correct;
        }
        return null;
      });
    }
    case "reduce":
      return reduce(s, task);
  }
}
