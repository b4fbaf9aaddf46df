/**
 * `pnpm bench:pool-kernels [batches] [workers] [trials] [kernel] [optimizer]`: whole MNIST MLP
 * steps with the pool's own arithmetic (the slot reduction, SGD's and Adam's updates) in C
 * against WebAssembly (`GradientPool`'s `poolKernels` option; the two give the same bits), each
 * on its own pool, trials alternated so a slow moment of the machine hits both; medians of
 * samples/s, of the per-trial ratios (native / wasm), and the phase times. Defaults: batches
 * 1024,2048,8000, 1 worker, 7 trials, the native dense kernel (or `wasm`), `sgd` (or e.g.
 * `adam`). `--busy` (last) runs one competing CPU-bound process throughout.
 */
import { createCatalog } from "@lrsim/builtins";
import { planRun, resolveRunConfig } from "@lrsim/core";
import { GradientPool, type PoolBackend } from "@lrsim/parallel";
import { startCpuBurner } from "./cpu-burner.ts";
import { measureSteps } from "./steps.ts";

const catalog = createCatalog();
const args = process.argv.slice(2).filter((a) => a !== "--busy");
const batches = (args[0] ?? "1024,2048,8000").split(",").map(Number);
const workers = Number(args[1] ?? 1);
const trials = Number(args[2] ?? 7);
const kernel = args[3] ?? "native";
const optimizer = args[4] ?? "sgd";
const burner = process.argv.includes("--busy") ? startCpuBurner() : undefined;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const variants = ["native", "wasm"] as const;
// One pool per variant: a pool serves one run at a time.
const pools = variants.map((poolKernels) => new GradientPool({ workers, poolKernels }));
for (const batch of batches) {
  const config = resolveRunConfig({
    model: `mlp(hidden=[128], kernel=${kernel})`,
    dataset: "mnist",
    schedule: "constant(lr=0.01)",
    optimizer,
    batchSize: batch,
  });
  const backends: PoolBackend[] = [];
  for (const pool of pools)
    backends.push((await pool.backend(await planRun(config, catalog))) as PoolBackend);
  const rates = variants.map(() => [] as number[]);
  for (let trial = 0; trial < trials; trial++)
    for (const [k, backend] of backends.entries())
      rates[k]!.push((await measureSteps(backend, batch, batch >= 2048 ? 1 : 0.6, 2)).samplesPerSecond);
  for (const [k, backend] of backends.entries()) {
    const p = backend.phaseTimes();
    const per = (ms: number) => (ms / p.steps).toFixed(2);
    const ratio = median(rates[k]!.map((r, i) => r / rates[1]![i]!));
    console.log(
      `${kernel} kernel, ${optimizer}, batch ${batch}, ${workers} worker(s), ${variants[k]} pool kernels: ${Math.round(median(rates[k]!)).toLocaleString("en-US")} samples/s (${ratio.toFixed(2)}x wasm); per step: chunks ${per(p.computeMs)} + reduce/update ${per(p.reduceMs)} ms of ${per(p.stepMs)}`,
    );
  }
  for (const backend of backends) await backend.close();
}
for (const pool of pools) await pool.close();
burner?.stop();
