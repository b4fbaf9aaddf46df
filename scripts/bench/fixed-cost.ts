/**
 * The pool's fixed cost per step, as `pnpm bench` reports it (and `pnpm bench --fixed-cost`
 * alone): steps whose compute is negligible (a 2-parameter model on 8 samples) cost the
 * handshake plus the sharded reduce. Five trials each, alternating worker counts, all returned,
 * since a spike says as much as the median.
 */
import { createCatalog } from "@lrsim/builtins";
import { localBackend, planRun, resolveRunConfig } from "@lrsim/core";
import { GradientPool } from "@lrsim/parallel";
import { median } from "./median.ts";
import { measureSteps } from "./steps.ts";

/** Trials in µs per step, by configuration: in-process, 1 worker, 2 workers (one chunk), 2 workers both taking part. */
export type FixedCostTrials = Record<"0" | "1" | "2" | "2, both taking part", number[]>;

/** Runs the trials on the pools of 1 and 2 workers in `pools` (started here when missing). */
export async function fixedCostTrials(
  pools: Map<number, GradientPool>,
  seconds: number,
): Promise<FixedCostTrials> {
  const catalog = createCatalog();
  const tinyPlan = (chunkSize: number | "auto") =>
    planRun(
      resolveRunConfig({
        model: "linear",
        dataset: "line",
        schedule: "constant(lr=0.001)",
        batchSize: 8,
        chunkSize,
      }),
      catalog,
    );
  // One chunk: only worker 0 takes part, whatever the pool's size. Two chunks of 4: with 2
  // workers both are posted the command, so this measures the handshake of two threads.
  const oneChunk = await tinyPlan("auto");
  const twoChunks = await tinyPlan(4);
  for (const workers of [1, 2]) if (!pools.has(workers)) pools.set(workers, new GradientPool({ workers }));
  const trials: FixedCostTrials = { "0": [], "1": [], "2": [], "2, both taking part": [] };
  for (let trial = 0; trial < 5; trial++)
    for (const [key, workers, plan] of [
      ["0", 0, oneChunk],
      ["1", 1, oneChunk],
      ["2", 2, oneChunk],
      ["2, both taking part", 2, twoChunks],
    ] as const) {
      const backend = workers === 0 ? await localBackend(plan) : await pools.get(workers)!.backend(plan);
      trials[key].push((await measureSteps(backend, 8, seconds, 3)).msPerStep * 1000);
      await backend.close();
    }
  return trials;
}

/** The line `pnpm bench` prints for them. */
export function fixedCostLine(trials: FixedCostTrials): string {
  const us = (values: number[]) => `${median(values).toFixed(0)} µs`;
  const all = (values: number[]) => values.map((x) => x.toFixed(0)).join(", ");
  return `fixed cost per step (tiny model), median of 5: in-process ${us(trials["0"])}, 1 worker ${us(trials["1"])}, 2 workers ${us(trials["2"])} (trials: ${all(trials["2"])}), 2 workers both taking part ${us(trials["2, both taking part"])} (trials: ${all(trials["2, both taking part"])})`;
}
