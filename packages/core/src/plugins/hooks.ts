import { errors, isLrsimError } from "../errors.ts";

/**
 * Every call into a plugin goes through here, so an error thrown inside a plugin comes out
 * naming the plugin kind, its name and the hook ("model "mlp" failed in create: ..."), with
 * the original error as `cause`.
 */
export function callHook<T>(kind: string, name: string, hook: string, call: () => T): T {
  try {
    return call();
  } catch (error) {
    if (isLrsimError(error)) throw error;
    throw errors.hookFailed(kind, name, hook, error);
  }
}

/** The async twin of {@link callHook}, for hooks that may return a promise (dataset `load`). */
export async function callHookAsync<T>(
  kind: string,
  name: string,
  hook: string,
  call: () => T | Promise<T>,
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (isLrsimError(error)) throw error;
    throw errors.hookFailed(kind, name, hook, error);
  }
}
