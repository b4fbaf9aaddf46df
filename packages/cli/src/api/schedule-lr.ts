import { errors, formatCall, type PluginCatalog, parseSpec } from "@lrsim/core";

/** The parameters that set a schedule's learning rate, in the order they are looked for. */
const LR_PARAMS = ["lr", "maxLr"] as const;

/**
 * Sets a schedule's learning rate from `--lr` (`lrsim run --lr 0.05`, like `compare --lr`): its
 * `lr` parameter, or `maxLr` for a one-cycle schedule. An lr written in the spec wins, as in
 * compare's protocol. A schedule with neither parameter (a composite such as `warmup(...)`)
 * is refused, naming the fix: set the lr inside the spec.
 */
export async function withScheduleLr(spec: string, lr: number, catalog: PluginCatalog): Promise<string> {
  if (!Number.isFinite(lr) || lr <= 0) throw errors.invalidOption("lr", "a positive number", String(lr));
  const call = parseSpec(spec);
  if (call.args.some((a) => a.key === undefined)) return spec;
  const definition = await catalog.resolve("schedule", call.name);
  const params = Object.keys(definition.params ?? {});
  const key = LR_PARAMS.find((p) => params.includes(p));
  if (key === undefined)
    throw errors.invalidOption(
      "lr",
      `used with a schedule that has an lr or maxLr parameter (set ${call.name}'s learning rates in its spec)`,
      call.name,
    );
  if (call.args.some((a) => a.key === key)) return spec;
  return formatCall({ ...call, args: [{ key, value: { kind: "number", value: lr } }, ...call.args] });
}
