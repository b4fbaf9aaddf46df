/**
 * `pnpm bench:cnn`: training throughput of the default `cnn` (LeNet-5 with ReLU and max pooling,
 * on the 28x28 MNIST digits; softmax cross-entropy, plain SGD) in samples/s: the portable JS
 * kernel and the WebAssembly SIMD kernel in-process, then 1 and 2 workers at batch 128 and
 * 1024 — and the same network, loss and optimizer step in PyTorch (Debian's python3-torch,
 * `scripts/bench/cnn_pytorch.py`) on 1 and 2 threads, side by side. Only optimizer steps are
 * timed. Options: --quick (shorter trials), --json, --no-pytorch.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import type { TrainingBackend } from "@lrsim/core";
import type { GradientPool } from "@lrsim/parallel";
import { median } from "./median.ts";
import { measureSteps, mnistBackend } from "./steps.ts";

const quick = process.argv.includes("--quick");
const json = process.argv.includes("--json");
const withPytorch = !process.argv.includes("--no-pytorch");
const log = (text: string) => {
  if (!json) console.log(text);
};
const BATCHES = [128, 1024] as const;
const TRIALS = quick ? 3 : 5;
const seconds = quick ? 1 : 2;
const pools = new Map<number, GradientPool>();

const backendFor = (kernel: string, workers: number, batch: number) =>
  mnistBackend(`cnn(kernel=${kernel})`, workers, pools, batch);
/** Samples/s of optimizer steps for at least `duration` seconds after two warm-up steps. */
const measure = async (backend: TrainingBackend, batch: number, duration: number) =>
  (await measureSteps(backend, batch, duration, 2)).samplesPerSecond;

const row = (label: string, batch: number, value: number, note = "") =>
  log(
    `${label.padEnd(40)} batch ${String(batch).padStart(4)}  ${Math.round(value).toLocaleString("en-US").padStart(7)} samples/s${note}`,
  );

log(`MNIST cnn (LeNet-5: conv 6@5x5 pad 2, maxpool 2, conv 16@5x5, maxpool 2, 120, 84, 10), SGD`);
log(
  `${availableParallelism()} cores, Node ${process.version}, load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}\n`,
);

const inProcess: Record<string, number> = {};
for (const kernel of ["js", "wasm"]) {
  const backend = await backendFor(kernel, 0, 128);
  inProcess[kernel] = await measure(backend, 128, seconds);
  await backend.close();
  row(`${kernel} kernel, in-process (--workers 0)`, 128, inProcess[kernel]!);
}

// 1 and 2 workers measured alternately, TRIALS short trials each, so a slow moment of the
// shared machine hits both; medians reported.
const lrsim: Record<string, { one: number; two: number }> = {};
for (const batch of BATCHES) {
  const one = await backendFor("wasm", 1, batch);
  const two = await backendFor("wasm", 2, batch);
  const ones: number[] = [];
  const twos: number[] = [];
  for (let trial = 0; trial < TRIALS; trial++) {
    ones.push(await measure(one, batch, seconds / 2));
    twos.push(await measure(two, batch, seconds / 2));
  }
  await one.close();
  await two.close();
  lrsim[batch] = { one: median(ones), two: median(twos) };
  row("lrsim wasm, 1 worker", batch, lrsim[batch].one, `  (median of ${TRIALS})`);
  row("lrsim wasm, 2 workers", batch, lrsim[batch].two, `  (median of ${TRIALS})`);
}
for (const pool of pools.values()) await pool.close();

let pytorch: Record<string, { one: number; two: number }> | undefined;
const python = "/usr/bin/python3";
if (withPytorch && existsSync(python)) {
  const script = fileURLToPath(new URL("./cnn_pytorch.py", import.meta.url));
  const result = spawnSync(python, [script, ...(quick ? ["--quick"] : [])], { encoding: "utf8" });
  if (result.status === 0) {
    const parsed = JSON.parse(result.stdout) as {
      torch: string;
      results: Array<{ threads: number; batch: number; samplesPerSecond: number }>;
    };
    pytorch = {};
    for (const batch of BATCHES) {
      const at = (threads: number) =>
        parsed.results.find((r) => r.threads === threads && r.batch === batch)!.samplesPerSecond;
      pytorch[batch] = { one: at(1), two: at(2) };
      row(`PyTorch ${parsed.torch}, 1 thread`, batch, pytorch[batch].one);
      row(`PyTorch ${parsed.torch}, 2 threads`, batch, pytorch[batch].two);
    }
  } else log(`PyTorch not measured: ${result.stderr.trim().split("\n").at(-1)}`);
} else if (withPytorch) log("PyTorch not measured: /usr/bin/python3 is missing");

if (pytorch) {
  log("");
  for (const batch of BATCHES)
    log(
      `batch ${String(batch).padStart(4)}: lrsim / PyTorch = ${(lrsim[batch]!.one / pytorch[batch]!.one).toFixed(2)}x on 1 thread, ${(lrsim[batch]!.two / pytorch[batch]!.two).toFixed(2)}x on 2`,
    );
}
if (json)
  console.log(
    JSON.stringify(
      {
        machine: { cores: availableParallelism(), node: process.version, loadavg: loadavg() },
        inProcess,
        lrsim,
        pytorch,
      },
      null,
      2,
    ),
  );
