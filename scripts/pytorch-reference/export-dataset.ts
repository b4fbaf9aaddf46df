/**
 * Writes a dataset exactly as lrsim splits it, as raw little-endian float32 files, so a
 * PyTorch script can train on the very same samples:
 *   node --conditions=@lrsim/source --import tsx scripts/pytorch-reference/export-dataset.ts mnist OUT_DIR
 * writes OUT_DIR/{train_x,train_y,test_x,test_y}.f32 and OUT_DIR/shape.json.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createCatalog } from "@lrsim/builtins";
import { bindParams, ChunkReader, canonicalSpec, loadDataset, parseSpec } from "@lrsim/core";

const [spec = "mnist", out = "/tmp/lrsim-export"] = process.argv.slice(2);
const catalog = createCatalog();
const call = parseSpec(spec);
await catalog.prepare("dataset", call);
const definition = catalog.registries.dataset.get(call.name);
const params = bindParams(definition.name, definition.params, call);
const data = await loadDataset(definition, canonicalSpec(definition.name, definition.params, params), params);
mkdirSync(out, { recursive: true });
const write = (name: string, array: Float32Array) =>
  writeFileSync(join(out, `${name}.f32`), Buffer.from(array.buffer, array.byteOffset, array.byteLength));
const { inputs, outputs, task } = data.shape;
for (const split of ["train", "test"] as const) {
  // Decoded as training sees it (image bytes become float32), every sample in order.
  const stored = data[split];
  const all = Int32Array.from({ length: stored.size }, (_, i) => i);
  const width = task === "classification" ? 1 : outputs;
  const chunk = new ChunkReader(inputs, width).read(stored, all, 0, stored.size);
  write(`${split}_x`, chunk.data.x.subarray(0, stored.size * inputs));
  write(`${split}_y`, chunk.data.y.subarray(0, stored.size * width));
}
writeFileSync(
  join(out, "shape.json"),
  JSON.stringify({ ...data.shape, train: data.train.size, test: data.test.size, spec }),
);
console.error(`wrote ${data.train.size} train and ${data.test.size} test samples of ${spec} to ${out}`);
