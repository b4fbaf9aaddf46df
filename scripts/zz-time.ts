import { bindParams, createRng, parseSpec, type LossSum } from "@lrsim/core";
import { cnn, loadAllDigits } from "@lrsim/builtins";
const shape = { inputs: 784, outputs: 10, task: "classification" as const, image: { channels: 1, height: 28, width: 28 } };
const model = cnn.create(bindParams("cnn", cnn.params, parseSpec("cnn")) as never, shape) as any;
const k = { ...model.k, memory: model.k.memory }; model.k = k; const times = new Map<string, number>();
for (const name of Object.keys(k)) { if (typeof k[name] !== "function") continue; const f = k[name]; k[name] = (...a: number[]) => { const t = performance.now(); f(...a); const key = name + (name.startsWith("gemm") ? `(${a.slice(-3).join("x")})` : name === "im2col" ? `(${a[3]})` : ""); times.set(key, (times.get(key) ?? 0) + performance.now() - t); }; }
const d = loadAllDigits();
const data = { size: 10000, x: d.x, y: d.y };
const params = new Float32Array(model.parameterCount);
model.init(params, createRng(1, "init"));
const grad = new Float32Array(params.length);
const out: LossSum = { loss: 0, correct: 0 };
const idx = Int32Array.from({ length: 10000 }, (_, i) => i);
model.beginChunks(params);
let n = 0; const t = performance.now();
while (performance.now() - t < 4000) { const s = (n * 128) % 9000; model.gradient(params, data, idx, s, s + 128, grad, out); n++; }
const total = performance.now() - t;
console.log(((n * 128) / (total / 1000)).toFixed(0), "samples/s");
for (const [key, v] of [...times].sort((a, b) => b[1] - a[1])) console.log(key.padEnd(28), (100 * v / total).toFixed(1) + "%", (1000 * v / (n * 128)).toFixed(2) + " µs/sample");
