/**
 * `pnpm bench:chunks [batches] [workers] [chunk sizes] [trials] [kernel]`: the MNIST MLP's
 * whole-step throughput and phase times with given chunk sizes instead of the automatic one, each
 * on its own pool, trials alternated (a slow moment of the shared machine hits all); medians of
 * samples/s and of the per-trial ratios to the first size. Defaults: batches 2048,8000, 1 worker,
 * chunk sizes 256,512,1024, 7 trials, the wasm kernel (or `native`). `--busy` (last) runs one
 * competing CPU-bound process throughout. Fewer, larger chunks mean fewer gradient slots to reduce (and
 * fewer per-chunk passes over the parameters), but fewer pieces to share among workers.
 */
import { createCatalog } from "@lrsim/builtins";
import { planRun, resolveRunConfig } from "@lrsim/core";
import { GradientPool, type PoolBackend } from "@lrsim/parallel";
import { startCpuBurner } from "./cpu-burner.ts";
import { alternatedTrials } from "./steps.ts";

const catalog = createCatalog();
const list = (at: number, fallback: string) => (process.argv[at] ?? fallback).split(",").map(Number);
const batches = list(2, "2048,8000");
const workers = Number(process.argv[3] ?? 1);
const sizes = list(4, "256,512,1024");
const trials = Number(process.argv[5] ?? 7);
const kernel = process.argv[6] && process.argv[6] !== "--busy" ? process.argv[6] : "wasm";
const burner = process.argv.includes("--busy") ? startCpuBurner() : undefined;

// One pool per size: a pool serves one run at a time.
const pools = sizes.map(() => new GradientPool({ workers }));
for (const batch of batches) {
  const backends: PoolBackend[] = [];
  for (const [k, chunkSize] of sizes.entries()) {
    const config = resolveRunConfig({
      model: `mlp(hidden=[128], kernel=${kernel})`,
      dataset: "mnist",
      schedule: "constant(lr=0.01)",
      batchSize: batch,
      chunkSize,
    });
    backends.push((await pools[k]!.backend(await planRun(config, catalog))) as PoolBackend);
  }
  for (const [k, r] of (await alternatedTrials(backends, batch, trials, 0)).entries())
    console.log(
      `${kernel}, batch ${batch}, ${workers} worker(s), chunks of ${String(sizes[k]).padStart(4)}: ${Math.round(r.samplesPerSecond).toLocaleString("en-US")} samples/s (${r.ratio.toFixed(2)}x ${sizes[0]}); per step: ${r.phases}`,
    );
  for (const backend of backends) await backend.close();
}
for (const pool of pools) await pool.close();
burner?.stop();
