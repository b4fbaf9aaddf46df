import { bindParams, createRng, parseSpec, type LossSum } from "@lrsim/core";
import { mlp } from "@lrsim/builtins";
const n = 2048, inputs = 784;
const x = new Float32Array(n * inputs).map((_, i) => ((i * 7919) % 255) / 255);
const y = new Float32Array(n).map((_, i) => i % 10);
const data = { x, y, size: n } as never;
const build = (k: string) => mlp.create(bindParams("mlp", mlp.params, parseSpec(`mlp(hidden=[128], kernel=${k})`)) as never, { inputs, outputs: 10, task: "classification" });
const nets = { wasm: build("wasm"), native: build("native") };
const params = new Float32Array(nets.wasm.parameterCount);
nets.wasm.init(params, createRng(1, "init"));
const idx = Int32Array.from({ length: n }, (_, i) => i);
const g = new Float32Array(params.length);
const out: LossSum = { loss: 0, correct: 0 };
for (let round = 0; round < 5; round++) for (const [name, net] of Object.entries(nets)) {
  const t0 = performance.now(); let reps = 0;
  while (performance.now() - t0 < 400) { net.gradient(params, data, idx, 0, 256, g, out); reps++; }
  console.log(name, Math.round((reps * 256) / ((performance.now() - t0) / 1000)), "samples/s");
}
