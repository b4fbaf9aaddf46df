/**
 * `pnpm bench`: training throughput of the MNIST MLP 784-128-10 (softmax cross-entropy, plain
 * SGD) on this machine, reported as samples/s and as ratios against a baseline measured in the
 * same run: the portable, blocked, single-thread typed-array kernel (`kernel=js`, in-process).
 * Only optimizer steps are timed (no evaluation). Options: --quick (fewer repetitions), --json.
 */
import { availableParallelism } from "node:os";
import { createCatalog } from "@lrsim/builtins";
import { localBackend, planRun, resolveRunConfig, type TrainingBackend } from "@lrsim/core";
import { GradientPool, PoolBackend } from "@lrsim/parallel";

const quick = process.argv.includes("--quick");
const json = process.argv.includes("--json");
const catalog = createCatalog();
const log = (text: string) => {
  if (!json) console.log(text);
};

interface Measurement {
  readonly label: string;
  readonly kernel: string;
  readonly workers: number;
  readonly batch: number;
  readonly samplesPerSecond: number;
  readonly msPerStep: number;
}

async function backendFor(
  kernel: string,
  workers: number,
  pools: Map<number, GradientPool>,
  batch: number,
): Promise<TrainingBackend> {
  const plan = await planRun(
    resolveRunConfig({
      model: `mlp(hidden=[128], kernel=${kernel})`,
      dataset: "mnist",
      schedule: "constant(lr=0.01)",
      batchSize: batch,
    }),
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

/** Times optimizer steps for at least `seconds` after a warm-up; returns samples/s. */
async function measure(
  backend: TrainingBackend,
  batch: number,
  seconds: number,
): Promise<{ samplesPerSecond: number; msPerStep: number }> {
  const n = backend.dataset.train.size;
  const order = Int32Array.from({ length: n }, (_, i) => i);
  let position = 0;
  const step = async (k: number) => {
    if (position + batch > n) position = 0;
    await backend.step(order, position, position + batch, { lr: 0.01, momentum: undefined, step: k });
    position += batch;
  };
  for (let k = 1; k <= 3; k++) await step(k);
  let steps = 0;
  const start = performance.now();
  while (performance.now() - start < seconds * 1000) await step(4 + steps++);
  const elapsed = (performance.now() - start) / 1000;
  return { samplesPerSecond: (steps * batch) / elapsed, msPerStep: (elapsed * 1000) / steps };
}

const pools = new Map<number, GradientPool>();
const results: Measurement[] = [];
const seconds = quick ? 1 : 3;
const run = async (label: string, kernel: string, workers: number, batch: number) => {
  const backend = await backendFor(kernel, workers, pools, batch);
  const m = await measure(backend, batch, kernel === "js" ? seconds * 1.5 : seconds);
  await backend.close();
  results.push({ label, kernel, workers, batch, ...m });
  log(
    `${label.padEnd(44)} batch ${String(batch).padStart(4)}  ${Math.round(m.samplesPerSecond).toLocaleString("en-US").padStart(8)} samples/s  ${m.msPerStep.toFixed(2).padStart(7)} ms/step`,
  );
  return m;
};

log(`MNIST MLP 784-128-10, SGD, ${availableParallelism()} cores, Node ${process.version}\n`);
const baseline = await run("baseline: portable JS kernel, 1 thread", "js", 0, 2048);
const inProcess = await run("wasm SIMD kernel, in-process (--workers 0)", "wasm", 0, 2048);
// Scaling: 1 and 2 workers measured alternately, TRIALS short trials each, so a slow moment of
// the machine hits both; the ratio reported is the median of the per-trial ratios.
const TRIALS = quick ? 3 : 5;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const phasesByBatch = new Map<string, ReturnType<PoolBackend["phaseTimes"]>>();
const byBatch = new Map<number, { one: number; two: number; ratio: number; ratios: number[] }>();
for (const batch of [2048, 1024, 128, 32]) {
  const one = await backendFor("wasm", 1, pools, batch);
  const two = await backendFor("wasm", 2, pools, batch);
  const ones: number[] = [];
  const twos: number[] = [];
  for (let trial = 0; trial < TRIALS; trial++) {
    ones.push((await measure(one, batch, seconds / 5)).samplesPerSecond);
    twos.push((await measure(two, batch, seconds / 5)).samplesPerSecond);
  }
  for (const [workers, backend] of [
    [1, one],
    [2, two],
  ] as const)
    if (backend instanceof PoolBackend) phasesByBatch.set(`${batch}/${workers}`, backend.phaseTimes());
  await one.close();
  await two.close();
  const ratios = ones.map((o, i) => twos[i]! / o);
  const entry = { one: median(ones), two: median(twos), ratio: median(ratios), ratios };
  byBatch.set(batch, entry);
  for (const [label, workers, value] of [
    ["wasm SIMD kernel, 1 worker", 1, entry.one],
    ["wasm SIMD kernel, 2 workers", 2, entry.two],
  ] as const) {
    results.push({
      label,
      kernel: "wasm",
      workers,
      batch,
      samplesPerSecond: value,
      msPerStep: (1000 * batch) / value,
    });
    log(
      `${label.padEnd(44)} batch ${String(batch).padStart(4)}  ${Math.round(value).toLocaleString("en-US").padStart(8)} samples/s  ${((1000 * batch) / value).toFixed(2).padStart(7)} ms/step  (median of ${TRIALS})`,
    );
  }
}

// Per-step overhead: a step whose compute is negligible (a 1-parameter model on 8 samples)
// costs two task round trips plus the sharded reduce: that is the pool's fixed cost per step.
const tinyPlan = await planRun(
  resolveRunConfig({ model: "linear", dataset: "line", schedule: "constant(lr=0.001)", batchSize: 8 }),
  catalog,
);
const overhead: Record<string, number> = {};
for (const workers of [0, 1, 2]) {
  const backend = workers === 0 ? await localBackend(tinyPlan) : await pools.get(workers)!.backend(tinyPlan);
  overhead[`${workers}`] = (await measure(backend, 8, quick ? 0.5 : 1)).msPerStep * 1000;
  await backend.close();
}

// Peak memory for the largest batch: the whole MNIST training set as one batch, 2 workers.
const before = process.memoryUsage().rss;
let peak = before;
const sampler = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
}, 5);
const full = await run("wasm SIMD kernel, 2 workers, whole training set", "wasm", 2, 8000);
clearInterval(sampler);
peak = Math.max(peak, process.memoryUsage().rss);
for (const pool of pools.values()) await pool.close();

const two2048 = byBatch.get(2048)!.two;
const summary = {
  machine: { cores: availableParallelism(), node: process.version },
  baselineSamplesPerSecond: baseline.samplesPerSecond,
  inProcessWasmSamplesPerSecond: inProcess.samplesPerSecond,
  twoWorkersAt2048: two2048,
  ratioToBaseline: two2048 / baseline.samplesPerSecond,
  scaling: Object.fromEntries([...byBatch].map(([b, v]) => [b, { median: v.ratio, trials: v.ratios }])),
  stepOverheadMicroseconds: overhead,
  /** Per step round, ms: each phase as the mean over workers; `outside` = the handshake (dispatch, wake-up). */
  stepPhases: Object.fromEntries(
    [...phasesByBatch].map(([key, p]) => {
      const per = (ms: number) => (p.steps > 0 ? ms / p.steps : 0);
      const [compute, wait, reduce, step] = [p.computeMs, p.waitMs, p.reduceMs, p.stepMs].map(per) as [
        number,
        number,
        number,
        number,
      ];
      return [key, { steps: p.steps, compute, wait, reduce, outside: step - compute - wait - reduce, step }];
    }),
  ),
  fullBatch: {
    batch: 8000,
    samplesPerSecond: full.samplesPerSecond,
    peakRssMiB: peak / 2 ** 20,
    rssBeforeMiB: before / 2 ** 20,
  },
  results,
};
if (json) console.log(JSON.stringify(summary, null, 2));
else {
  log("");
  log(
    `2 workers at batch 2048: ${Math.round(two2048).toLocaleString("en-US")} samples/s = ${summary.ratioToBaseline.toFixed(1)}x the baseline (targets: >= 40,000 and >= 8x)`,
  );
  for (const [b, r] of Object.entries(summary.scaling))
    log(
      `2 workers / 1 worker at batch ${b.padStart(4)}: ${r.median.toFixed(2)}x  (trials: ${r.trials.map((x) => x.toFixed(2)).join(", ")})`,
    );
  for (const [key, p] of Object.entries(summary.stepPhases)) {
    if (p.steps === 0) continue;
    const [batch, workers] = key.split("/");
    log(
      `step, batch ${batch!.padStart(4)}, ${workers} worker${workers === "1" ? " " : "s"}: compute ${p.compute.toFixed(2)} + barrier wait ${p.wait.toFixed(2)} + reduce/update ${p.reduce.toFixed(2)} + handshake ${p.outside.toFixed(2)} = ${p.step.toFixed(2)} ms (mean over ${p.steps} steps)`,
    );
  }
  log(
    `fixed cost per step (tiny model): in-process ${overhead["0"]!.toFixed(0)} µs, 1 worker ${overhead["1"]!.toFixed(0)} µs, 2 workers ${overhead["2"]!.toFixed(0)} µs`,
  );
  log(
    `peak RSS with the whole training set (8,000) as one batch on 2 workers: ${summary.fullBatch.peakRssMiB.toFixed(0)} MiB`,
  );
}
