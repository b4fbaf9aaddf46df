/**
 * `pnpm bench:ab --a=DIR --b=DIR`: the worker pools of two checkouts of lrsim (each installed
 * with `pnpm install`; `git worktree add DIR COMMIT` makes one), measured alternately in one
 * process — 1 and 2 workers of each, the order of the two flipped every trial — on the MNIST MLP
 * at each batch size, so a slow moment of a shared machine hits both alike. Prints samples/s
 * (medians) and the 2-worker/1-worker ratio (median of the per-trial ratios, trials listed).
 * Options: --busy (one competing CPU-bound process throughout), --batches=32,128,...,
 * --trials=N (default 7), --model=SPEC (default mlp(hidden=[128]); e.g. "mlp(hidden=[128],
 * kernel=native)").
 */
import type * as Builtins from "@lrsim/builtins";
import type * as Core from "@lrsim/core";
import type * as Parallel from "@lrsim/parallel";
import { startCpuBurner } from "./cpu-burner.ts";
import { median } from "./median.ts";

const option = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const dirs = { a: option("a"), b: option("b") };
if (!dirs.a || !dirs.b) {
  console.error("usage: pnpm bench:ab --a=CHECKOUT --b=CHECKOUT [--busy] [--batches=32,128] [--trials=7]");
  process.exit(1);
}
const busy = process.argv.includes("--busy");
const batches = (option("batches") ?? "32,128,1024,2048,8000").split(",").map(Number);
const trials = Number(option("trials") ?? 7);
const model = option("model") ?? "mlp(hidden=[128])";
const SECONDS = 0.6;

type Side = "a" | "b";
/** One checkout's packages (the same API as this checkout's, whose types describe them). */
interface Checkout {
  readonly core: typeof Core;
  readonly parallel: typeof Parallel;
  readonly catalog: ReturnType<typeof Builtins.createCatalog>;
  readonly pools: Map<number, Parallel.GradientPool>;
}
// Each checkout's own packages, from source (no shared module instances between the two).
const sides = Object.fromEntries(
  await Promise.all(
    (["a", "b"] as const).map(async (side) => {
      const root = dirs[side]!;
      const core: typeof Core = await import(`${root}/packages/core/src/index.ts`);
      const builtins: typeof Builtins = await import(`${root}/packages/builtins/src/index.ts`);
      const parallel: typeof Parallel = await import(`${root}/packages/parallel/src/index.ts`);
      const checkout: Checkout = { core, parallel, catalog: builtins.createCatalog(), pools: new Map() };
      return [side, checkout];
    }),
  ),
) as Record<Side, Checkout>;

async function backend(side: Side, workers: number, batch: number): Promise<Core.TrainingBackend> {
  const s = sides[side];
  const plan = await s.core.planRun(
    s.core.resolveRunConfig({
      model,
      dataset: "mnist",
      schedule: "constant(lr=0.01)",
      batchSize: batch,
    }),
    s.catalog,
  );
  if (!s.pools.has(workers)) s.pools.set(workers, new s.parallel.GradientPool({ workers }));
  return s.pools.get(workers)!.backend(plan);
}

/** Samples/s over SECONDS of steps, after three warm-up steps. */
async function measure(b: Core.TrainingBackend, batch: number): Promise<number> {
  const n = b.dataset.train.size;
  const order = Int32Array.from({ length: n }, (_, i) => i);
  let at = 0;
  let k = 1;
  const step = async () => {
    if (at + batch > n) at = 0;
    await b.step(order, at, at + batch, { lr: 0.01, momentum: undefined, step: k++ });
    at += batch;
  };
  for (let i = 0; i < 3; i++) await step();
  let steps = 0;
  const start = performance.now();
  while (performance.now() - start < SECONDS * 1000) {
    await step();
    steps++;
  }
  return (steps * batch) / ((performance.now() - start) / 1000);
}

const rate = (v: number[]) => Math.round(median(v)).toLocaleString("en-US");
const burner = busy ? startCpuBurner() : undefined;
try {
  console.log(`a = ${dirs.a}, b = ${dirs.b}${busy ? ", with one competing CPU-bound process" : ""}`);
  for (const batch of batches) {
    const keys = ["a1", "a2", "b1", "b2"] as const;
    const backends: Record<string, Core.TrainingBackend> = {};
    for (const k of keys) backends[k] = await backend(k[0] as Side, Number(k[1]), batch);
    const r: Record<string, number[]> = { a1: [], a2: [], b1: [], b2: [] };
    for (let trial = 0; trial < trials; trial++)
      for (const k of trial % 2 ? ["b1", "b2", "a1", "a2"] : ["a1", "a2", "b1", "b2"])
        r[k]!.push(await measure(backends[k]!, batch));
    for (const b of Object.values(backends)) await b.close();
    const ratios = (side: Side) => r[`${side}2`]!.map((x, i) => x / r[`${side}1`]![i]!);
    const show = (side: Side) =>
      `${side}: 1 worker ${rate(r[`${side}1`]!)}, 2 workers ${rate(r[`${side}2`]!)}, ratio ${median(ratios(side)).toFixed(2)} (${ratios(
        side,
      )
        .map((x) => x.toFixed(2))
        .join(" ")})`;
    console.log(`batch ${String(batch).padStart(4)}  ${show("a")} | ${show("b")}`);
  }
} finally {
  burner?.stop();
  for (const s of Object.values(sides)) for (const pool of s.pools.values()) await pool.close();
}
