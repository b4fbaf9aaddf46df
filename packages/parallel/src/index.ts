/**
 * @lrsim/parallel — data-parallel gradients on a piscina worker pool, through shared memory,
 * bit-for-bit identical at any worker count.
 *
 * @packageDocumentation
 */
export { GradientPool } from "./gradient-pool.ts";
export { type PhaseTimes, PoolBackend } from "./pool-backend.ts";
