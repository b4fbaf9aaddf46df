const PARAM_TYPES = new Set(["number", "boolean", "choice", "string", "numbers", "spec", "specs"]);

/** What a schedule plugin must look like; the message says what is missing. */
export function checkScheduleShape(definition: {
  readonly create?: unknown;
  readonly unit?: unknown;
  readonly params?: unknown;
}): string | undefined {
  if (typeof definition.create !== "function")
    return "expected { name, summary, unit, params, create(params, context) }: `create` is not a function";
  if (definition.unit !== "step" && definition.unit !== "epoch") return '`unit` must be "step" or "epoch"';
  if (!definition.params || typeof definition.params !== "object")
    return "`params` must be an object of parameter descriptors";
  for (const [name, p] of Object.entries(definition.params as object)) {
    if (!p || !PARAM_TYPES.has((p as { type?: string }).type ?? ""))
      return `parameter "${name}" has no valid \`type\` (use the param.* helpers)`;
  }
  if ("unit" in (definition.params as object)) return "`unit` is reserved: every schedule takes it";
  return undefined;
}
