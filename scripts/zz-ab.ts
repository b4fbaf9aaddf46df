import { readFileSync } from "node:fs";
import { createRng, type LossSum } from "@lrsim/core";
import { ConvNetwork, planConvNet } from "@lrsim/core/plugin-api";
import { instantiateConvKernels } from "../packages/core/src/nn/conv-kernels.ts";
import { loadAllDigits } from "@lrsim/builtins";
const shape = { inputs: 784, outputs: 10, task: "classification" as const, image: { channels: 1, height: 28, width: 28 } };
const layers = process.env.LAYERS ?? "conv(6, 5, padding=2), relu, maxpool(2), conv(16, 5), relu, maxpool(2), dense(120), relu, dense(84), relu";
const files = process.argv.slice(2);
const models = files.map((f) => { const m = new WebAssembly.Module(readFileSync(f)); return new ConvNetwork(planConvNet(layers, shape), shape, (b) => instantiateConvKernels(m, b)); });
const d = loadAllDigits();
const data = { size: 10000, x: d.x, y: d.y };
const params = new Float32Array(models[0]!.parameterCount);
models[0]!.init(params, createRng(1, "init"));
const grad = new Float32Array(params.length);
const out: LossSum = { loss: 0, correct: 0 };
const idx = Int32Array.from({ length: 10000 }, (_, i) => i);
const rates: number[][] = models.map(() => []);
for (let trial = 0; trial < 7; trial++)
  models.forEach((model, j) => {
    model.beginChunks(params);
    let n = 0; const t = performance.now();
    while (performance.now() - t < 700) { const s = (n * 128) % 9000; model.gradient(params, data, idx, s, s + 128, grad, out); n++; }
    rates[j]!.push((n * 128) / ((performance.now() - t) / 1000));
  });
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
files.forEach((f, j) => console.log(f, median(rates[j]!).toFixed(0), "samples/s; ratio to first", (median(rates[j]!.map((r, i) => r / rates[0]![i]!))).toFixed(3)));
