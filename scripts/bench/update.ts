/**
 * `pnpm bench:update`: microseconds per optimizer update of the MNIST MLP's 101,770 parameters,
 * for each element-wise built-in optimizer, as the worker pool runs it (parameters, gradient and
 * state in one registered shared WebAssembly memory: the C kernels of
 * `packages/core/native/update.c` when the native build loads, and the WebAssembly SIMD ones of
 * `packages/core/assembly/update.ts`) and as an in-process run does
 * (plain arrays: the JavaScript loops). They are measured alternately, medians of TRIALS
 * trials of REPEAT updates each, on one thread. Then, for each optimizer, the "reduce + update"
 * phase of real training steps (batch 128, 1 worker: two slots to reduce, then the update), as
 * `PoolBackend.phaseTimes()` reports it. Options: --json.
 */
import { createCatalog } from "@lrsim/builtins";
import {
  createOptimizer,
  nativeDenseAddon,
  planRun,
  resolveRunConfig,
  useUpdateKernelsOn,
} from "@lrsim/core";
import { GradientPool, type PoolBackend } from "@lrsim/parallel";
import { median } from "./median.ts";
import { measureSteps } from "./steps.ts";

const json = process.argv.includes("--json");
const OPTIMIZERS = [
  "sgd",
  "sgd(momentum=0.9)",
  "adam",
  "adamw",
  "adam(amsgrad=true)",
  "rmsprop",
  "rmsprop(centered=true, momentum=0.9)",
  "adagrad",
  "adadelta",
];
const TRIALS = 15;
const REPEAT = 20;
const catalog = createCatalog();

const mlpPlan = (optimizer: string, batchSize = 128) =>
  planRun(
    resolveRunConfig({
      model: "mlp(hidden=[128])",
      dataset: "mnist",
      schedule: "constant(lr=0.001)",
      optimizer,
      batchSize,
    }),
    catalog,
  );

/** An optimizer on arrays from `allocate`, with parameters and gradient from `array`. */
async function setup(optimizer: string, array: (n: number) => Float32Array) {
  const plan = await mlpPlan(optimizer);
  const size = plan.createModel().parameterCount;
  const params = array(size);
  const grad = array(size);
  for (let i = 0; i < size; i++) {
    params[i] = Math.sin(i) * 0.05;
    grad[i] = Math.cos(i) * 1e-3;
  }
  const instance = createOptimizer(plan, size, array);
  let step = 0;
  return {
    size,
    /** µs per update over REPEAT updates. */
    time: () => {
      const start = performance.now();
      for (let k = 0; k < REPEAT; k++)
        instance.step(
          params,
          grad,
          0,
          size,
          { lr: 0.001, momentum: undefined, step: ++step },
          new Float64Array(0),
        );
      return ((performance.now() - start) * 1000) / REPEAT;
    },
  };
}

/** Hands out consecutive views of one shared memory registered for the SIMD kernels (`use`'s). */
function sharedArrays(bytes: number, use: "native" | "wasm") {
  const memory = new WebAssembly.Memory({
    initial: Math.ceil(bytes / 65536),
    maximum: Math.ceil(bytes / 65536),
    shared: true,
  });
  useUpdateKernelsOn(memory, use);
  let offset = 0;
  return (n: number) => {
    const view = new Float32Array(memory.buffer, offset, n);
    offset += Math.ceil((4 * n) / 64) * 64;
    return view;
  };
}

const rows: Array<{
  optimizer: string;
  nativeMicroseconds: number | undefined;
  simdMicroseconds: number;
  loopMicroseconds: number;
  stepPhaseMs?: number;
}> = [];
const native = nativeDenseAddon() !== null;
for (const optimizer of OPTIMIZERS) {
  const fast = native ? await setup(optimizer, sharedArrays(8 * 4 * 110_000, "native")) : undefined;
  const simd = await setup(optimizer, sharedArrays(8 * 4 * 110_000, "wasm"));
  const loop = await setup(optimizer, (n) => new Float32Array(n));
  const nativeTimes: number[] = [];
  const simdTimes: number[] = [];
  const loopTimes: number[] = [];
  for (let trial = 0; trial < TRIALS; trial++) {
    if (fast) nativeTimes.push(fast.time());
    simdTimes.push(simd.time());
    loopTimes.push(loop.time());
  }
  const row = {
    optimizer,
    nativeMicroseconds: fast ? median(nativeTimes) : undefined,
    simdMicroseconds: median(simdTimes),
    loopMicroseconds: median(loopTimes),
  };
  rows.push(row);
  if (!json)
    console.log(
      `${optimizer.padEnd(38)} ${simd.size.toLocaleString("en-US")} parameters: pool's memory ${row.nativeMicroseconds === undefined ? "" : `native ${row.nativeMicroseconds.toFixed(0).padStart(5)} µs, `}wasm ${row.simdMicroseconds.toFixed(0).padStart(5)} µs, plain arrays ${row.loopMicroseconds.toFixed(0).padStart(5)} µs  (medians of ${TRIALS} x ${REPEAT} updates)`,
    );
}
const pool = new GradientPool({ workers: 1 });
for (const row of rows) {
  const backend = (await pool.backend(await mlpPlan(row.optimizer))) as PoolBackend;
  await measureSteps(backend, 128, 1.5, 3);
  const phases = backend.phaseTimes();
  await backend.close();
  row.stepPhaseMs = phases.reduceMs / phases.steps;
  if (!json)
    console.log(
      `${row.optimizer.padEnd(38)} reduce + update per training step (batch 128, 1 worker): ${row.stepPhaseMs.toFixed(3)} ms`,
    );
}
await pool.close();
if (json) console.log(JSON.stringify(rows, null, 2));
