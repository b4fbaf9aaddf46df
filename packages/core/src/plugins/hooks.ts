import { errors, isLrsimError, type LrsimError } from "../errors.ts";
import type { OptimizerInstance } from "../optim/types.ts";
import type { LossSum } from "./data.ts";

/** Where a plugin came from, as far as messages care: a user's plugin has a file. */
export interface PluginOrigin {
  readonly file?: string | undefined;
}

/**
 * How messages name a plugin: `model "mlp"`, and for a user's plugin whose name is not already
 * its path, the file too: `model "poly" (/home/me/lrsim-plugin-poly/index.js)`.
 */
export function pluginLabel(kind: string, name: string, origin?: PluginOrigin): string {
  const pathLike = name.startsWith(".") || name.startsWith("/") || name.startsWith("file:");
  return `${kind} "${name}"${origin?.file && !pathLike ? ` (${origin.file})` : ""}`;
}

/**
 * Every call into a plugin goes through here, so an error thrown inside a plugin comes out
 * naming the plugin kind, its name and the hook ("model "mlp" failed in create: ..."), with
 * the original error as `cause`.
 */
export function callHook<T>(
  kind: string,
  name: string,
  hook: string,
  call: () => T,
  origin?: PluginOrigin,
): T {
  try {
    return call();
  } catch (error) {
    if (isLrsimError(error)) throw error;
    throw errors.hookFailed(pluginLabel(kind, name, origin), hook, error);
  }
}

/** The async twin of {@link callHook}, for hooks that may return a promise (dataset `load`). */
export async function callHookAsync<T>(
  kind: string,
  name: string,
  hook: string,
  call: () => T | Promise<T>,
  origin?: PluginOrigin,
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (isLrsimError(error)) throw error;
    throw errors.hookFailed(pluginLabel(kind, name, origin), hook, error);
  }
}

/** What `out.loss` holds before a model's hook runs: a hook that leaves it there never set it. */
const UNSET_LOSS = Number.NEGATIVE_INFINITY;

/** Marks `out` as not yet written, so {@link checkLossSum} can tell whether the hook wrote it. */
function resetLossSum(out: LossSum): void {
  out.loss = UNSET_LOSS;
  out.correct = -1;
}

/**
 * Checks what a model's `gradient` or `evaluate` wrote into `out` for a chunk of `count`
 * samples: a loss it actually set (NaN is allowed: a diverging run is the trainer's to call),
 * and a count of correct predictions between 0 and `count`. Cheap: once per chunk.
 */
function checkLossSum(out: LossSum, count: number, plugin: string, hook: string): void {
  if (typeof out.loss !== "number" || out.loss === UNSET_LOSS)
    throw errors.badPluginOutput(plugin, hook, `did not set out.loss (the chunk's summed loss, a number)`);
  const c = out.correct;
  if (!Number.isInteger(c) || c < 0 || c > count)
    throw errors.badPluginOutput(
      plugin,
      hook,
      c === -1
        ? "did not set out.correct (0 for regression)"
        : `set out.correct to ${c}, outside 0..${count} for a chunk of ${count} samples`,
    );
}

/** A model as its loss hooks are called: its name, where it came from, and how errors name it. */
export interface ModelHookTarget {
  readonly name: string;
  readonly origin: PluginOrigin | undefined;
  /** {@link pluginLabel} of the model, computed once. */
  readonly label: string;
}

/**
 * Calls a model's `gradient` or `evaluate` on a chunk of `count` samples the way every backend
 * does: `out` marked unwritten, the call through {@link callHook}, then `checkLossSum`.
 */
export function callLossHook(
  model: ModelHookTarget,
  hook: "gradient" | "evaluate",
  out: LossSum,
  count: number,
  call: () => void,
): void {
  resetLossSum(out);
  callHook("model", model.name, hook, call, model.origin);
  checkLossSum(out, count, model.label, hook);
}

/**
 * The message for a gradient with NaN or infinite entries although the loss was finite — a
 * bug in the model's `gradient`, not a diverging run (whose loss goes non-finite first).
 */
export function nonFiniteGradient(plugin: string, loss: number, update: number): LrsimError {
  return errors.badPluginOutput(
    plugin,
    "gradient",
    "returned a gradient with NaN or infinite entries",
    ` at update ${update}, although its loss was finite (${loss.toPrecision(4)}): the gradient of a finite loss is finite, so the hook has a bug`,
  );
}

/**
 * An optimizer whose hooks go through the same rule as {@link callHook}: what its `step` or
 * `statistics.gather` throws comes out naming the optimizer and the hook, so a user's optimizer
 * that fails mid-run ends the run `failed` instead of surfacing as a bug in lrsim. Also checks
 * the shape of `statistics` once, up front. The wrapper costs one call per slice and update.
 */
export function guardOptimizer(
  optimizer: OptimizerInstance,
  name: string,
  origin?: PluginOrigin,
): OptimizerInstance {
  const label = pluginLabel("optimizer", name, origin);
  const fail = (hook: string, error: unknown): never => {
    if (isLrsimError(error)) throw error;
    throw errors.hookFailed(label, hook, error);
  };
  const { statistics } = optimizer;
  if (
    statistics !== undefined &&
    !(
      Number.isInteger(statistics.length) &&
      statistics.length >= 0 &&
      typeof statistics.gather === "function"
    )
  )
    fail(
      "create",
      new Error(
        "`statistics` must be { length: a whole number >= 0, gather(params, grad, from, to, hyper, sums) }",
      ),
    );
  return {
    step(params, grad, from, to, hyper, totals) {
      try {
        optimizer.step(params, grad, from, to, hyper, totals);
      } catch (error) {
        fail("step", error);
      }
    },
    ...(statistics && {
      statistics: {
        length: statistics.length,
        gather(params, grad, from, to, hyper, sums) {
          try {
            statistics.gather(params, grad, from, to, hyper, sums);
          } catch (error) {
            fail("statistics.gather", error);
          }
        },
      },
    }),
  };
}
