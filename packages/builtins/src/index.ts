/**
 * @lrsim/builtins — every built-in plugin (schedules, optimizers, models, datasets), each
 * written against the public plugin API exactly as a user's plugin is, and the catalog that
 * registers them for every command and worker.
 *
 * @packageDocumentation
 */
export { createCatalog, createScheduleRegistry } from "./catalog.ts";
export {
  blobs,
  cifar10,
  csv,
  idx,
  line,
  loadAllDigits,
  mnist,
  npy,
  spirals,
  teacher,
} from "./datasets/index.ts";
export { cnn, linear, mlp, softmax } from "./models/index.ts";
export { builtinOptimizers } from "./optimizers/index.ts";
