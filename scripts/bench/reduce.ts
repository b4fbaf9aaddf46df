/**
 * `pnpm bench:reduce`: the worker pool's reductions of chunk slots into the mean gradient — the
 * C one (`packages/core/native/reduce.c`, when built) and the WebAssembly one
 * (`packages/parallel/assembly/reduce.ts`), alternately — for the MNIST MLP's 101,770 parameters on one
 * thread, with 2, 4, 8 and 32 slots (the automatic chunking of batch 128, 256, 1024 or 2048,
 * and 8,000), the slots in cache ("hot": reduced again right away) and pushed out of it
 * ("cold": each slot written, then 48 MB read, as a step's chunks read their samples).
 * `--against FILE.wasm` times another build of the same module alternately with this one, e.g.
 * a previous version's:
 *
 *   git show REV:packages/parallel/assembly/reduce.ts > /tmp/reduce-old.ts
 *   pnpm --filter @lrsim/parallel exec asc /tmp/reduce-old.ts -o /tmp/reduce-old.wasm -O3 --runtime stub --noAssert \
 *     --enable simd --enable threads --importMemory --sharedMemory --initialMemory 1 --maximumMemory 65536
 *   pnpm bench:reduce --against /tmp/reduce-old.wasm
 */
import { readFileSync } from "node:fs";
import { createSharedArena, reduceKernel } from "../../packages/parallel/src/reduce-kernel.ts";
import { median } from "./median.ts";

const P = 101_770;
const SLOTS = [2, 4, 8, 32];
const TRIALS = 31;
const againstAt = process.argv.indexOf("--against");
const against = againstAt > 0 ? process.argv[againstAt + 1] : undefined;

type Accumulate = ReturnType<typeof reduceKernel>["accumulate"];
const stride = Math.ceil((4 * P) / 64) * 64;
const arena = createSharedArena(stride * (Math.max(...SLOTS) + 1));
const kernels: Array<[string, Accumulate]> = [["wasm", reduceKernel(arena, "wasm").accumulate]];
try {
  kernels.unshift(["native", reduceKernel(arena, "native").accumulate]);
} catch (error) {
  console.log(`(${(error as Error).message})`);
}
if (against) {
  const instance = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(against)), {
    env: { memory: arena },
  });
  kernels.push([against, (instance.exports as unknown as { accumulate: Accumulate }).accumulate]);
}
const chunkGradient = new Float32Array(P).map((_, i) => Math.sin(i) * 1e-3);
const samples = new Float32Array((48 * 2 ** 20) / 4);
let sink = 0;
/** Writes every slot as a chunk would, with a step's sample reads in between. */
function writeSlots(count: number): void {
  for (let s = 0; s < count; s++) {
    new Float32Array(arena.buffer, stride * (1 + s), P).set(chunkGradient);
    for (let i = s; i < samples.length; i += 16 * count) sink += samples[i]!;
  }
}

console.log(`reduce + mean of 101,770 parameters, one thread, medians of ${TRIALS} (µs)`);
for (const count of SLOTS) {
  const times = kernels.map(() => ({ hot: [] as number[], cold: [] as number[] }));
  for (let trial = 0; trial < TRIALS; trial++)
    kernels.forEach(([, accumulate], k) => {
      writeSlots(count);
      let start = performance.now();
      accumulate(0, stride, stride, 0, P, count, true, 2048);
      times[k]!.cold.push((performance.now() - start) * 1000);
      start = performance.now();
      accumulate(0, stride, stride, 0, P, count, true, 2048);
      times[k]!.hot.push((performance.now() - start) * 1000);
    });
  for (const [k, [name]] of kernels.entries())
    console.log(
      `${String(count).padStart(2)} slots, ${name}: cold ${median(times[k]!.cold).toFixed(0).padStart(4)}, hot ${median(times[k]!.hot).toFixed(0).padStart(4)}`,
    );
}
if (sink === Number.POSITIVE_INFINITY) console.log(sink); // keeps the sample reads
