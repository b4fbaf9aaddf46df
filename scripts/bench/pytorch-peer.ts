/**
 * The peer of `pnpm bench --vs-pytorch`: PyTorch (Debian's python3-torch) training the same
 * network on the same samples, in a Python process that stays up for the whole benchmark and
 * measures one configuration per request (scripts/bench/pytorch_peer.py), so its measurements
 * interleave with lrsim's and a slow moment of the machine hits both.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface, type Interface } from "node:readline";
import { ChunkReader, type Dataset } from "@lrsim/core";

const PYTHON = "/usr/bin/python3";
const SCRIPT = new URL("./pytorch_peer.py", import.meta.url).pathname;

/** What the Python side reports about itself once it has loaded the data. */
export interface PeerInfo {
  readonly torch: string;
  readonly threads: number;
  /** The BLAS libraries mapped into the process after a first step. */
  readonly blas: readonly string[];
}

/** A running PyTorch peer; `measure` times steps at one batch size, `close` ends the process. */
export interface PytorchPeer {
  readonly info: PeerInfo;
  measure(batch: number, seconds: number): Promise<{ samplesPerSecond: number; msPerStep: number }>;
  close(): void;
}

/** Why the peer cannot run here (no python3, or no torch), or undefined when it can. */
export function peerUnavailable(): string | undefined {
  const probe = spawnSync(PYTHON, ["-c", "import torch"], { encoding: "utf8" });
  if (probe.error) return `${PYTHON} not found (apt-get install python3-torch libopenblas0-openmp)`;
  if (probe.status !== 0)
    return `${PYTHON} cannot import torch (apt-get install python3-torch libopenblas0-openmp)`;
  return undefined;
}

/** Writes the training split as raw float32 files and starts the peer on `threads` threads. */
export async function startPytorchPeer(data: Dataset, threads: number): Promise<PytorchPeer> {
  const dir = mkdtempSync(join(tmpdir(), "lrsim-bench-"));
  const write = (name: string, array: Float32Array) =>
    writeFileSync(join(dir, `${name}.f32`), Buffer.from(array.buffer, array.byteOffset, array.byteLength));
  // Decoded as training sees it (image bytes become float32), every sample in order.
  const { inputs, outputs, task } = data.shape;
  const width = task === "classification" ? 1 : outputs;
  const size = data.train.size;
  const all = Int32Array.from({ length: size }, (_, i) => i);
  const chunk = new ChunkReader(inputs, width).read(data.train, all, 0, size);
  write("train_x", chunk.data.x.subarray(0, size * inputs));
  write("train_y", chunk.data.y.subarray(0, size * width));
  writeFileSync(join(dir, "shape.json"), JSON.stringify({ ...data.shape, train: data.train.size }));
  const child: ChildProcess = spawn(PYTHON, [SCRIPT, dir, String(threads)], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const lines: Interface = createInterface({ input: child.stdout! });
  const iterator = lines[Symbol.asyncIterator]();
  const next = async (): Promise<Record<string, unknown>> => {
    const { value, done } = await iterator.next();
    if (done) throw new Error(`the PyTorch peer (${SCRIPT}) exited early, code ${child.exitCode}`);
    return JSON.parse(value as string) as Record<string, unknown>;
  };
  const info = (await next()) as unknown as PeerInfo;
  return {
    info,
    async measure(batch, seconds) {
      child.stdin!.write(`measure ${batch} ${seconds}\n`);
      const reply = await next();
      return { samplesPerSecond: reply.samplesPerSecond as number, msPerStep: reply.msPerStep as number };
    },
    close() {
      child.stdin!.end("quit\n");
      lines.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
