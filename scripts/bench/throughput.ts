/**
 * `pnpm bench`: training throughput of the MNIST MLP 784-128-10 (softmax cross-entropy, plain
 * SGD) on this machine, reported as samples/s and as ratios against a baseline measured in the
 * same run: the portable, blocked, single-thread typed-array kernel (`kernel=js`, in-process).
 * Only optimizer steps are timed (no evaluation). Options: --quick (fewer repetitions), --json,
 * --vs-pytorch (PyTorch on the same network and data, 2 threads, interleaved with lrsim's
 * trials; needs python3 with torch), --busy (the scaling trials again with one competing
 * CPU-bound process on the machine), --kernel native (the scaling trials on the native kernel,
 * C compiled at install for this CPU, instead of the WebAssembly one), --fixed-cost (only the
 * pool's fixed cost per step, a few seconds).
 */
import { availableParallelism } from "node:os";
import {
  denseFlopsPerSample,
  denseKernelVariant,
  nativeDenseAddon,
  nativeKernelsUnavailable,
  type TrainingBackend,
} from "@lrsim/core";
import { type GradientPool, PoolBackend } from "@lrsim/parallel";
import { effectiveClockGHz } from "./clock.ts";
import { startCpuBurner } from "./cpu-burner.ts";
import { fixedCostLine, fixedCostTrials } from "./fixed-cost.ts";
import { median } from "./median.ts";
import { type PytorchPeer, peerUnavailable, startPytorchPeer } from "./pytorch-peer.ts";
import { measureSteps, mnistBackend } from "./steps.ts";

const quick = process.argv.includes("--quick");
const json = process.argv.includes("--json");
const vsPytorch = process.argv.includes("--vs-pytorch");
const busy = process.argv.includes("--busy");
const fixedCostOnly = process.argv.includes("--fixed-cost");
/** The dense kernel of the scaling trials: --kernel native (C compiled for this CPU) or wasm. */
const kernelArg = process.argv.indexOf("--kernel");
const kernel = kernelArg > 0 ? process.argv[kernelArg + 1]! : "wasm";
if (kernel !== "wasm" && kernel !== "native") {
  console.error(`--kernel: wasm or native, not ${kernel}`);
  process.exit(1);
}
const kernelName = kernel === "native" ? "native kernel" : "wasm SIMD kernel";
/** PyTorch's threads: as many as lrsim's workers in the comparison. */
const PEER_THREADS = 2;
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

const backendFor = (kernel: string, workers: number, pools: Map<number, GradientPool>, batch: number) =>
  mnistBackend(`mlp(hidden=[128], kernel=${kernel})`, workers, pools, batch);
/** Optimizer steps for at least `seconds` after three warm-up steps. */
const measure = (backend: TrainingBackend, batch: number, seconds: number) =>
  measureSteps(backend, batch, seconds, 3);

const pools = new Map<number, GradientPool>();
if (fixedCostOnly) {
  // The pool's fixed cost per step alone, on fresh pools (the full run measures it last).
  const trials = await fixedCostTrials(pools, quick ? 0.2 : 0.5);
  for (const pool of pools.values()) await pool.close();
  console.log(json ? JSON.stringify({ stepOverheadTrials: trials }, null, 2) : fixedCostLine(trials));
  process.exit(0);
}
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

log(
  `MNIST MLP 784-128-10, SGD, ${availableParallelism()} cores, Node ${process.version}, WebAssembly dense kernels: ${denseKernelVariant()}, native: ${nativeDenseAddon() ? `${nativeDenseAddon()!.vectorBits}-bit vectors` : "not built"}; scaling trials on the ${kernelName}\n`,
);
// The WebAssembly ceiling: 128-bit SIMD is 4 float32 lanes; a core with two vector multiply (or
// FMA) pipes and two add pipes, as this machine's Zen 5, completes 2 multiply-add pairs per
// cycle = 16 flops. The MLP's training step costs denseFlopsPerSample flops per sample.
const clock = effectiveClockGHz();
const FLOPS_PER_CYCLE = 16;
const ceilingGflops = availableParallelism() * FLOPS_PER_CYCLE * clock;
const mlpFlops = denseFlopsPerSample([784, 128, 10]);
log(
  `effective clock ${clock.toFixed(2)} GHz (dependent integer chain); 128-bit SIMD ceiling at ${FLOPS_PER_CYCLE} flops/cycle/core: ${ceilingGflops.toFixed(0)} GFLOP/s on ${availableParallelism()} cores = ${Math.round((ceilingGflops * 1e9) / mlpFlops).toLocaleString("en-US")} MLP samples/s (${mlpFlops.toLocaleString("en-US")} flops each)\n`,
);
const baseline = await run("baseline: portable JS kernel, 1 thread", "js", 0, 2048);
const inProcess = await run("wasm SIMD kernel, in-process (--workers 0)", "wasm", 0, 2048);
/** The native kernel beside it, in-process, when it was built (kernel=native). */
const nativeInProcess = nativeDenseAddon()
  ? await run("native kernel, in-process (--workers 0)", "native", 0, 2048)
  : undefined;
if (nativeInProcess)
  log(
    `native / wasm in-process at batch 2048: ${(nativeInProcess.samplesPerSecond / inProcess.samplesPerSecond).toFixed(2)}x`,
  );
else if (kernel === "native") {
  console.error(`--kernel native: ${nativeKernelsUnavailable()}`);
  process.exit(1);
}

let peer: PytorchPeer | undefined;
if (vsPytorch) {
  const why = peerUnavailable();
  if (why) {
    console.error(`--vs-pytorch: ${why}`);
    process.exit(1);
  }
  const data = (await backendFor("wasm", 0, pools, 32)).dataset;
  peer = await startPytorchPeer(data, PEER_THREADS);
  log(
    `PyTorch ${peer.info.torch}, ${peer.info.threads} threads, BLAS: ${peer.info.blas.join(", ") || "none found"}`,
  );
}

// Scaling: 1 and 2 workers (and the PyTorch peer) measured alternately, TRIALS short trials
// each, so a slow moment of the machine hits all; ratios are the median of per-trial ratios.
const TRIALS = quick ? 3 : 5;
type Condition = "idle" | "busy";
interface ScalingEntry {
  one: number;
  two: number;
  ratio: number;
  ratios: number[];
  pytorch?: { samplesPerSecond: number; twoWorkersRatio: number; ratios: number[] };
}
const phasesByBatch = new Map<string, ReturnType<PoolBackend["phaseTimes"]>>();
const scaling: Record<Condition, Map<number, ScalingEntry>> = { idle: new Map(), busy: new Map() };
const rate = (value: number) => Math.round(value).toLocaleString("en-US").padStart(8);

/** 1 worker, 2 workers and (idle, with --vs-pytorch) the peer, alternately, at each batch size. */
async function scalingTrials(condition: Condition, batches: readonly number[]): Promise<void> {
  for (const batch of batches) {
    const one = await backendFor(kernel, 1, pools, batch);
    const two = await backendFor(kernel, 2, pools, batch);
    const ones: number[] = [];
    const twos: number[] = [];
    const torches: number[] = [];
    const trialSeconds = Math.max(seconds / 5, batch >= 2048 ? 0.8 : 0);
    for (let trial = 0; trial < TRIALS; trial++) {
      ones.push((await measure(one, batch, trialSeconds)).samplesPerSecond);
      twos.push((await measure(two, batch, trialSeconds)).samplesPerSecond);
      if (peer && condition === "idle")
        torches.push((await peer.measure(batch, trialSeconds)).samplesPerSecond);
    }
    if (condition === "idle")
      for (const [workers, backend] of [
        [1, one],
        [2, two],
      ] as const)
        if (backend instanceof PoolBackend) phasesByBatch.set(`${batch}/${workers}`, backend.phaseTimes());
    await one.close();
    await two.close();
    const ratios = ones.map((o, i) => twos[i]! / o);
    const entry: ScalingEntry = { one: median(ones), two: median(twos), ratio: median(ratios), ratios };
    if (torches.length > 0) {
      const vs = twos.map((t, i) => t / torches[i]!);
      entry.pytorch = { samplesPerSecond: median(torches), twoWorkersRatio: median(vs), ratios: vs };
    }
    scaling[condition].set(batch, entry);
    const suffix = condition === "busy" ? ", busy" : "";
    for (const [label, workers, value] of [
      [`${kernelName}, 1 worker${suffix}`, 1, entry.one],
      [`${kernelName}, 2 workers${suffix}`, 2, entry.two],
    ] as const) {
      if (condition === "idle")
        results.push({
          label,
          kernel,
          workers,
          batch,
          samplesPerSecond: value,
          msPerStep: (1000 * batch) / value,
        });
      log(
        `${label.padEnd(44)} batch ${String(batch).padStart(4)}  ${rate(value)} samples/s  ${((1000 * batch) / value).toFixed(2).padStart(7)} ms/step  (median of ${TRIALS})`,
      );
    }
    if (entry.pytorch)
      log(
        `${`PyTorch ${peer!.info.torch}, ${PEER_THREADS} threads`.padEnd(44)} batch ${String(batch).padStart(4)}  ${rate(entry.pytorch.samplesPerSecond)} samples/s  ${((1000 * batch) / entry.pytorch.samplesPerSecond).toFixed(2).padStart(7)} ms/step  (median of ${TRIALS})`,
      );
  }
}

const BATCHES = [32, 128, 1024, 2048, 8000];
await scalingTrials("idle", BATCHES);
peer?.close();
if (busy) {
  log("\nwith one competing CPU-bound process:");
  const burner = startCpuBurner();
  try {
    await scalingTrials("busy", BATCHES);
  } finally {
    burner.stop();
  }
}

const overheadTrials = await fixedCostTrials(pools, quick ? 0.2 : 0.5);
const overhead = Object.fromEntries(Object.entries(overheadTrials).map(([k, v]) => [k, median(v)]));

// Peak memory for the largest batch: the whole MNIST training set as one batch, 2 workers.
const before = process.memoryUsage().rss;
let peak = before;
const sampler = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
}, 5);
const full = await run(`${kernelName}, 2 workers, whole training set`, kernel, 2, 8000);
clearInterval(sampler);
peak = Math.max(peak, process.memoryUsage().rss);
for (const pool of pools.values()) await pool.close();

const two2048 = scaling.idle.get(2048)!.two;
const scalingSummary = (entries: Map<number, ScalingEntry>) =>
  Object.fromEntries(
    [...entries].map(([b, v]) => [
      b,
      {
        oneWorker: v.one,
        twoWorkers: v.two,
        median: v.ratio,
        trials: v.ratios,
        ...(v.pytorch
          ? {
              pytorch: v.pytorch.samplesPerSecond,
              twoWorkersVsPytorch: v.pytorch.twoWorkersRatio,
              pytorchTrials: v.pytorch.ratios,
            }
          : {}),
      },
    ]),
  );
const summary = {
  machine: {
    cores: availableParallelism(),
    node: process.version,
    denseKernels: denseKernelVariant(),
    effectiveClockGHz: clock,
    simdCeilingGflops: ceilingGflops,
    simdCeilingMlpSamplesPerSecond: (ceilingGflops * 1e9) / mlpFlops,
  },
  baselineSamplesPerSecond: baseline.samplesPerSecond,
  inProcessWasmSamplesPerSecond: inProcess.samplesPerSecond,
  inProcessNativeSamplesPerSecond: nativeInProcess?.samplesPerSecond,
  scalingKernel: kernel,
  twoWorkersAt2048: two2048,
  ratioToBaseline: two2048 / baseline.samplesPerSecond,
  pytorch: peer ? { ...peer.info } : undefined,
  scaling: scalingSummary(scaling.idle),
  busyScaling: busy ? scalingSummary(scaling.busy) : undefined,
  stepOverheadMicroseconds: overhead,
  stepOverheadTrials: overheadTrials,
  /**
   * Per step round, ms: `compute` from posting the command until the last chunk was done
   * (wake-ups included), `reduce` from then until the last parameter block was done (reduce and
   * update), `handshake` the rest of the round until the main thread resumed; `startLag` and
   * `endWait` summed over the workers that computed chunks: from the post to each one's first
   * chunk, and from each one's last chunk to the end of the chunk phase.
   */
  stepPhases: Object.fromEntries(
    [...phasesByBatch].map(([key, p]) => {
      const per = (ms: number) => (p.steps > 0 ? ms / p.steps : 0);
      const [compute, reduce, step, startLag, endWait] = [
        p.computeMs,
        p.reduceMs,
        p.stepMs,
        p.startLagMs,
        p.endWaitMs,
      ].map(per) as [number, number, number, number, number];
      return [
        key,
        { steps: p.steps, compute, reduce, handshake: step - compute - reduce, step, startLag, endWait },
      ];
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
  for (const [condition, entries] of [
    ["", summary.scaling],
    [", busy", summary.busyScaling ?? {}],
  ] as const)
    for (const [b, r] of Object.entries(entries))
      log(
        `2 workers / 1 worker at batch ${b.padStart(4)}${condition}: ${r.median.toFixed(2)}x  (trials: ${r.trials.map((x) => x.toFixed(2)).join(", ")})`,
      );
  for (const [b, r] of Object.entries(summary.scaling))
    if (r.twoWorkersVsPytorch !== undefined)
      log(
        `lrsim 2 workers / PyTorch ${PEER_THREADS} threads at batch ${b.padStart(4)}: ${r.twoWorkersVsPytorch.toFixed(2)}x  (trials: ${r.pytorchTrials!.map((x) => x.toFixed(2)).join(", ")})`,
      );
  for (const [key, p] of Object.entries(summary.stepPhases)) {
    if (p.steps === 0) continue;
    const [batch, workers] = key.split("/");
    log(
      `step, batch ${batch!.padStart(4)}, ${workers} worker${workers === "1" ? " " : "s"}: chunks (from posting) ${p.compute.toFixed(2)} + reduce/update ${p.reduce.toFixed(2)} + handshake back ${p.handshake.toFixed(2)} = ${p.step.toFixed(2)} ms (mean over ${p.steps} steps); workers idle ${p.startLag.toFixed(2)} ms before their first chunk and ${p.endWait.toFixed(2)} after their last (summed over workers)`,
    );
  }
  log(fixedCostLine(overheadTrials));
  log(
    `peak RSS with the whole training set (8,000) as one batch on 2 workers: ${summary.fullBatch.peakRssMiB.toFixed(0)} MiB`,
  );
}
