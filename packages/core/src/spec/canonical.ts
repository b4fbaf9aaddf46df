import { formatParamValue, isDefault, type ParamSchema } from "./params.ts";

/**
 * The canonical spec of bound values: parameters in declaration order, those equal to their
 * fixed default left out, values derived from the run written out. `show` can override how a
 * value is printed (nested schedules print their own canonical spec).
 */
export function canonicalSpec(
  name: string,
  schema: ParamSchema,
  values: Readonly<Record<string, unknown>>,
  show: (value: unknown) => string = formatParamValue,
): string {
  const args: string[] = [];
  for (const [key, p] of Object.entries(schema)) {
    const value = values[key];
    if (value !== undefined && !isDefault(p, value)) args.push(`${key}=${show(value)}`);
  }
  return args.length ? `${name}(${args.join(", ")})` : name;
}
