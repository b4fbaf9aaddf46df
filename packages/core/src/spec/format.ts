import type { SpecCall, SpecValue } from "./ast.ts";

const BARE_WORD = /^[^\s()[\],="']+$/;
const LOOKS_SPECIAL = /^([+-]?(\d|\.\d)|true$|false$|[+-]?(inf|infinity|nan)$)/i;

/** Shortest text that parses back to exactly the same double. */
export function formatNumber(value: number): string {
  return String(value);
}

/** A string as a bare word when it reads back as the same string, else double-quoted. */
export function formatString(value: string): string {
  if (BARE_WORD.test(value) && !LOOKS_SPECIAL.test(value)) return value;
  return `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

/** Prints a syntax tree back as spec text; `parseSpec(formatValue(x))` gives `x` again. */
export function formatValue(value: SpecValue): string {
  switch (value.kind) {
    case "number":
      return formatNumber(value.value);
    case "boolean":
      return String(value.value);
    case "string":
      return value.quoted ? `"${value.value.replace(/["\\]/g, (c) => `\\${c}`)}"` : value.value;
    case "list":
      return `[${value.items.map(formatValue).join(",")}]`;
    case "call":
      return formatCall(value);
  }
}

/** `name(key=value, ...)`, or just `name` when there are no arguments. */
export function formatCall(call: SpecCall): string {
  if (call.args.length === 0) return call.name;
  const args = call.args.map((a) => (a.key === undefined ? "" : `${a.key}=`) + formatValue(a.value));
  return `${call.name}(${args.join(", ")})`;
}
