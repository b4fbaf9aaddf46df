/**
 * `pnpm bench:pool-kernels [batches] [workers] [trials] [kernel] [optimizer]`: whole MNIST MLP
 * steps with the pool's own arithmetic (the slot reduction and the built-in optimizers' updates) in C
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
import { alternatedTrials } from "./steps.ts";

const catalog = createCatalog();
const args = process.argv.slice(2).filter((a) => a !== "--busy");
const batches = (args[0] ?? "1024,2048,8000").split(",").map(Number);
const workers = Number(args[1] ?? 1);
const trials = Number(args[2] ?? 7);
const kernel = args[3] ?? "native";
const optimizer = args[4] ?? "sgd";
const burner = process.argv.includes("--busy") ? startCpuBurner() : undefined;

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
  for (const [k, r] of (await alternatedTrials(backends, batch, trials, 1)).entries())
    console.log(
      `${kernel} kernel, ${optimizer}, batch ${batch}, ${workers} worker(s), ${variants[k]} pool kernels: ${Math.round(r.samplesPerSecond).toLocaleString("en-US")} samples/s (${r.ratio.toFixed(2)}x wasm); per step: ${r.phases}`,
    );
  for (const backend of backends) await backend.close();
}
for (const pool of pools) await pool.close();
burner?.stop();
