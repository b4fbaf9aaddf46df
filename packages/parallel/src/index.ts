/**
 * @lrsim/parallel — data-parallel gradients on a piscina worker pool, through shared memory,
 * bit-for-bit identical at any worker count.
 *
 * @packageDocumentation
 */
export { GradientPool, type GradientPoolOptions } from "./gradient-pool.ts";
export { PoolBackend } from "./pool-backend.ts";
export type {
  ChunkJob,
  Finalize,
  PluginRef,
  ReduceResult,
  ReduceWork,
  ServeTask,
  SessionDescriptor,
  SharedMemory,
  Task,
} from "./protocol.ts";
