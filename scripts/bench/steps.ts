/**
 * What every training benchmark needs: a backend for a model on the MNIST digits (in-process or
 * on a shared pool of `workers` threads) and a timer of its optimizer steps, so the MLP and cnn
 * benchmarks measure the same way.
 */
import { createCatalog } from "@lrsim/builtins";
import { localBackend, planRun, resolveRunConfig, type TrainingBackend } from "@lrsim/core";
import { GradientPool, type PhaseTimes, type PoolBackend } from "@lrsim/parallel";
import { median } from "./median.ts";

const catalog = createCatalog();

/** A backend training `model` on MNIST at `batch`: in-process for 0 workers, else on the pool of that size in `pools` (started once). */
export async function mnistBackend(
  model: string,
  workers: number,
  pools: Map<number, GradientPool>,
  batch: number,
): Promise<TrainingBackend> {
  const plan = await planRun(
    resolveRunConfig({ model, dataset: "mnist", schedule: "constant(lr=0.01)", batchSize: batch }),
    catalog,
  );
  if (workers === 0) return localBackend(plan);
  let pool = pools.get(workers);
  if (!pool) {
    pool = new GradientPool({ workers });
    pools.set(workers, pool);
  }
  return pool.backend(plan);
}

/** Times optimizer steps for at least `seconds` after `warmup` untimed ones; samples/s and ms/step. */
export async function measureSteps(
  backend: TrainingBackend,
  batch: number,
  seconds: number,
  warmup: number,
): Promise<{ samplesPerSecond: number; msPerStep: number }> {
  const n = backend.dataset.train.size;
  const order = Int32Array.from({ length: n }, (_, i) => i);
  let position = 0;
  const step = async (k: number) => {
    if (position + batch > n) position = 0;
    await backend.step(order, position, position + batch, { lr: 0.01, momentum: undefined, step: k });
    position += batch;
  };
  for (let k = 1; k <= warmup; k++) await step(k);
  let steps = 0;
  const start = performance.now();
  while (performance.now() - start < seconds * 1000) await step(warmup + 1 + steps++);
  const elapsed = (performance.now() - start) / 1000;
  return { samplesPerSecond: (steps * batch) / elapsed, msPerStep: (elapsed * 1000) / steps };
}

/**
 * Pool backends on the same batch, measured in `trials` alternated trials (a slow moment of the
 * machine hits all); per backend, in order: the median samples/s, the median of its per-trial
 * ratios to backend `base`, and its phase times per step as text.
 */
export async function alternatedTrials(
  backends: readonly PoolBackend[],
  batch: number,
  trials: number,
  base: number,
): Promise<Array<{ samplesPerSecond: number; ratio: number; phases: string }>> {
  const rates = backends.map(() => [] as number[]);
  for (let trial = 0; trial < trials; trial++)
    for (const [k, backend] of backends.entries())
      rates[k]!.push((await measureSteps(backend, batch, batch >= 2048 ? 1 : 0.6, 2)).samplesPerSecond);
  return backends.map((backend, k) => {
    return {
      samplesPerSecond: median(rates[k]!),
      ratio: median(rates[k]!.map((r, i) => r / rates[base]![i]!)),
      phases: phaseLine(backend.phaseTimes()),
    };
  });
}

/** A pool run's phase times per step, as one line of text. */
export function phaseLine(p: PhaseTimes): string {
  const per = (ms: number) => (ms / p.steps).toFixed(2);
  return `chunks ${per(p.computeMs)} + reduce/update ${per(p.reduceMs)} ms of ${per(p.stepMs)}; workers idle ${per(p.startLagMs)} ms before their first chunk, ${per(p.endWaitMs)} after their last`;
}
