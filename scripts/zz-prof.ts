import { bindParams, createRng, parseSpec, type LossSum } from "@lrsim/core";
import { cnn, loadAllDigits } from "@lrsim/builtins";
const shape = { inputs: 784, outputs: 10, task: "classification" as const, image: { channels: 1, height: 28, width: 28 } };
const spec = process.argv[2] ?? "cnn";
const model = cnn.create(bindParams("cnn", cnn.params, parseSpec(spec)) as never, shape);
const d = loadAllDigits();
const data = { size: 10000, x: d.x, y: d.y };
const params = new Float32Array(model.parameterCount);
model.init(params, createRng(1, "init"));
const grad = new Float32Array(params.length);
const out: LossSum = { loss: 0, correct: 0 };
const idx = Int32Array.from({ length: 10000 }, (_, i) => i);
model.beginChunks?.(params);
let n = 0;
const t = performance.now();
while (performance.now() - t < 4000) { const s = (n * 128) % 9000; model.gradient(params, data, idx, s, s + 128, grad, out); n++; }
console.log(spec, ((n * 128) / ((performance.now() - t) / 1000)).toFixed(0), "samples/s");
