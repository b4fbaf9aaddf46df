/**
 * `pnpm bench:store`: what recording a run in the results database costs, as a share of the
 * run's own time — the same run with and without a RunWriter attached, best of three each.
 * Two cases: the README's MNIST run (batch 128), and a worst case of tiny, very fast updates.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCatalog } from "@lrsim/builtins";
import { type RunOptions, Trainer } from "@lrsim/core";
import { GradientPool } from "@lrsim/parallel";
import { openResults, RunWriter } from "@lrsim/store";

const pool = new GradientPool({ workers: 2 });
const db = openResults(join(mkdtempSync(join(tmpdir(), "lrsim-bench-")), "bench.db"));

async function time(options: RunOptions, record: boolean): Promise<{ ms: number; updates: number }> {
  const trainer = new Trainer(createCatalog(), pool.backend);
  if (record) new RunWriter(db, { workers: 2, lrsimVersion: "bench" }).attach(trainer);
  const started = performance.now();
  const result = await trainer.run(options);
  return { ms: performance.now() - started, updates: result.updates };
}

const cases: Array<[string, RunOptions]> = [
  [
    "MNIST MLP, batch 128, 5 epochs",
    {
      schedule: "step(lr=0.1, stepSize=5, gamma=0.5)",
      model: "mlp",
      dataset: "mnist",
      batchSize: 128,
      epochs: 5,
    },
  ],
  [
    "worst case: softmax on blobs, batch 4",
    { schedule: "constant(lr=0.05)", model: "softmax", dataset: "blobs(n=5000)", batchSize: 4, epochs: 3 },
  ],
];
for (const [label, options] of cases) {
  const best = async (record: boolean) => {
    let fastest = Number.POSITIVE_INFINITY;
    let updates = 0;
    for (let i = 0; i < 3; i++) {
      const r = await time(options, record);
      fastest = Math.min(fastest, r.ms);
      updates = r.updates;
    }
    return { fastest, updates };
  };
  const without = await best(false);
  const withDb = await best(true);
  const overhead = (withDb.fastest - without.fastest) / without.fastest;
  console.log(
    `${label}: ${without.updates} updates; ${without.fastest.toFixed(0)} ms without the database, ${withDb.fastest.toFixed(0)} ms with it: ${(overhead * 100).toFixed(1)}% (${(((withDb.fastest - without.fastest) * 1000) / without.updates).toFixed(1)} µs per update)`,
  );
}
db.close();
await pool.close();
