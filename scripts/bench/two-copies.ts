/**
 * `pnpm bench:two-copies [batches] [trials] [kernel]`: what two cores of this machine give two
 * independent copies of the same training, against one copy alone — the ceiling of any
 * data-parallel scheme here, set by the hardware and the hypervisor (a shared L3 cache and
 * memory bus, the clock a core keeps while its neighbour is busy), not by how the pool shares a
 * step. A copy is a run on a pool of its own with 1 worker: exactly what "1 worker" measures,
 * and two of them step at once without ever waiting for each other. The pool's 2 workers on
 * one run take their turn in the same alternation, so "2 workers / 1" sits beside "two copies /
 * one" from the same minutes. Defaults: batches 1024,2048,8000, 7 trials, the native dense
 * kernel (or `wasm`). `--busy` (last) keeps one competing CPU-bound process running throughout.
 */
import type { TrainingBackend } from "@lrsim/core";
import { type GradientPool, PoolBackend } from "@lrsim/parallel";
import { startCpuBurner } from "./cpu-burner.ts";
import { median } from "./median.ts";
import { measureSteps, mnistBackend, phaseLine } from "./steps.ts";

const args = process.argv.slice(2).filter((a) => a !== "--busy");
const batches = (args[0] ?? "1024,2048,8000").split(",").map(Number);
const trials = Number(args[1] ?? 7);
const kernel = args[2] ?? "native";
const model = `mlp(hidden=[128], kernel=${kernel})`;
const burner = process.argv.includes("--busy") ? startCpuBurner() : undefined;

const seconds = (batch: number) => (batch >= 2048 ? 1.5 : 1);
/** Samples/s of each backend, all stepping at once for the same time. */
const atOnce = (backends: readonly TrainingBackend[], batch: number) =>
  Promise.all(backends.map(async (b) => (await measureSteps(b, batch, seconds(batch), 2)).samplesPerSecond));

// mnistBackend keeps one pool per size in a map: the second copy gets a map (and so a 1-worker pool) of its own.
const pools = new Map<number, GradientPool>();
const copyPools = new Map<number, GradientPool>();
for (const batch of batches) {
  const copies = [await mnistBackend(model, 1, pools, batch), await mnistBackend(model, 1, copyPools, batch)];
  const shared = await mnistBackend(model, 2, pools, batch);
  const rates = { one: [] as number[], two: [] as number[], pool: [] as number[] };
  for (let trial = 0; trial < trials; trial++) {
    rates.one.push((await atOnce(copies.slice(0, 1), batch))[0]!);
    rates.two.push((await atOnce(copies, batch)).reduce((a, b) => a + b));
    rates.pool.push((await atOnce([shared], batch))[0]!);
  }
  // Where the one run on 2 workers loses against two runs side by side: its phase times.
  const phases = (backend: TrainingBackend) =>
    backend instanceof PoolBackend ? phaseLine(backend.phaseTimes()) : "";
  const shares = `per step, 1 worker: ${phases(copies[0]!)}; 2 workers: ${phases(shared)}`;
  for (const backend of [...copies, shared]) await backend.close();
  const over = (a: number[]) => a.map((x, i) => x / rates.one[i]!);
  const text = (values: number[]) => Math.round(median(values)).toLocaleString("en-US");
  const trialRatios = (a: number[]) =>
    over(a)
      .map((r) => r.toFixed(2))
      .join(" ");
  console.log(
    `${kernel} kernel, batch ${batch}${burner ? ", busy" : ""}: 1 worker ${text(rates.one)} samples/s; two copies at once ${text(rates.two)} together, ${median(over(rates.two)).toFixed(2)}x (trials ${trialRatios(rates.two)}); one run on 2 workers ${text(rates.pool)}, ${median(over(rates.pool)).toFixed(2)}x (trials ${trialRatios(rates.pool)})\n  ${shares}`,
  );
}
for (const pool of [...pools.values(), ...copyPools.values()]) await pool.close();
burner?.stop();
