import { isAbsolute, resolve } from "node:path";
import { errors } from "../errors.ts";
import type { SpecCall, SpecValue } from "./ast.ts";
import { formatCall, formatNumber, formatString, formatValue } from "./format.ts";
import { parseSpec } from "./parse.ts";
import { suggest } from "./suggest.ts";

/**
 * Parameter schemas: how a plugin (schedule, model, dataset, optimizer) declares the
 * arguments its spec takes. Binding a {@link SpecCall} to a schema checks names, types
 * and ranges with uniform one-line messages, fills defaults, and yields typed values.
 */

/** What a derived default may depend on: the length of the run, in the schedule's own unit. */
export interface DefaultContext {
  /** Number of steps (or epochs) the caller will evaluate, when known. */
  readonly length?: number | undefined;
  /** The run's batch size, for batch-size schedules that start from it. */
  readonly batchSize?: number | undefined;
  /**
   * The training set's size, when a run is planned: the trainer never uses a larger batch, so
   * a schedule that scales the lr with its batch scales it by the batch really used.
   */
  readonly trainSize?: number | undefined;
  /**
   * The folder relative `path` parameters are resolved from: the catalog's (the config file's
   * folder or the working directory). Without it, relative paths are left as written.
   */
  readonly cwd?: string | undefined;
}

/** What every parameter descriptor has. */
interface ParamBase<T> {
  /** One sentence for `lrsim schedules` and the docs. */
  readonly doc: string;
  /** A fixed default, or one derived from the run (return undefined when it cannot be). */
  readonly default?: T | ((context: DefaultContext) => T | undefined);
  /** How to get a value when there is no default, shown in the "missing parameter" error. */
  readonly hint?: string;
  /** Optional parameters may stay unset (`undefined`). */
  readonly optional?: boolean;
  /** Phantom field carrying the value type; never set. */
  readonly __type?: T;
}

export interface NumberParam extends ParamBase<number> {
  readonly type: "number";
  readonly integer?: boolean;
  /** Lower bound; exclusive when `exclusiveMin`. */
  readonly min?: number;
  readonly exclusiveMin?: boolean;
  readonly max?: number;
  readonly exclusiveMax?: boolean;
}

export interface BooleanParam extends ParamBase<boolean> {
  readonly type: "boolean";
}

export interface ChoiceParam<C extends string = string> extends ParamBase<C> {
  readonly type: "choice";
  readonly choices: readonly C[];
}

export interface NumberListParam extends ParamBase<readonly number[]> {
  readonly type: "numbers";
  readonly integer?: boolean;
  readonly min?: number;
  readonly exclusiveMin?: boolean;
  /** Require strictly increasing values (milestones). */
  readonly increasing?: boolean;
  readonly nonEmpty?: boolean;
}

/**
 * A text parameter: a word (`label=digits`) or a quoted string (`path="./my data/train.idx"`).
 * With `path: true` it names a file, and a relative path is resolved from the catalog's folder
 * (where the config file is, else the working directory), so the bound value — and the run's
 * canonical spec — holds an absolute path that means the same file from anywhere.
 */
export interface StringParam extends ParamBase<string> {
  readonly type: "string";
  /** The value is a file path: resolve it relative to the catalog's folder. */
  readonly path?: boolean;
  /** Refuse the empty string. */
  readonly nonEmpty?: boolean;
}

/** A nested spec, kept as syntax: the owner builds it when it knows the context. */
export interface SpecParam extends ParamBase<SpecCall> {
  readonly type: "spec";
}

export interface SpecListParam extends ParamBase<readonly SpecCall[]> {
  readonly type: "specs";
  readonly nonEmpty?: boolean;
  /**
   * The calls the list may hold, by name, each with its own parameters (a network's layers:
   * `conv` with channels, kernel, stride and padding; `relu` with none). When given, every item
   * is bound to its schema while the spec is read — an unknown name or a bad argument is refused
   * before anything runs — and kept in canonical form (required parameters positionally, the
   * others by name when not default), so two lists that mean the same print the same.
   */
  readonly of?: Readonly<Record<string, ParamSchema>>;
  /** What one item is called in messages ("layer"); "entry" when not given. */
  readonly item?: string;
}

/** One parameter's descriptor, of any type; built with {@link param}. */
export type Param =
  | NumberParam
  | BooleanParam
  | ChoiceParam
  | StringParam
  | NumberListParam
  | SpecParam
  | SpecListParam;
/** A plugin's parameters: name to descriptor, in the order positional arguments fill them. */
export type ParamSchema = Readonly<Record<string, Param>>;

/** The value type a parameter descriptor binds to. */
type ParamValueOf<P> = P extends ParamBase<infer T> ? T : never;
/** Whether a descriptor is declared `optional: true`. */
type IsOptionalParam<P> = P extends { optional: true } ? true : false;

/** The typed values a schema binds to: optional parameters may be `undefined`. */
export type ParamValues<S extends ParamSchema> = {
  readonly [K in keyof S]: IsOptionalParam<S[K]> extends true
    ? ParamValueOf<S[K]> | undefined
    : ParamValueOf<S[K]>;
};

/**
 * Bound values of a schema not known statically: what the catalog, the trainer and the worker
 * protocol pass around. Every definition's hooks accept it, whatever its own schema (hooks are
 * declared as methods, so `ModelDefinition<S>` is a `ModelDefinition` without a cast).
 */
export type BoundParams = ParamValues<ParamSchema>;

/** Factories for parameter descriptors, so schemas read like signatures. */
export const param = {
  /** A real number parameter (optionally bounded). */
  number: (options: Omit<NumberParam, "type">): NumberParam => ({ type: "number", ...options }),
  /** An integer parameter (optionally bounded). */
  integer: (options: Omit<NumberParam, "type" | "integer">): NumberParam => ({
    type: "number",
    integer: true,
    ...options,
  }),
  /** A `true`/`false` parameter. */
  boolean: (options: Omit<BooleanParam, "type">): BooleanParam => ({ type: "boolean", ...options }),
  /** One of a fixed set of words (`mode=triangular2`). */
  choice: <const C extends string>(
    choices: readonly C[],
    options: Omit<ChoiceParam<C>, "type" | "choices">,
  ): ChoiceParam<C> => ({ type: "choice", choices, ...options }),
  /**
   * Text, bare or quoted (`path="./data/train.idx"`); `path: true` resolves a relative path
   * from the catalog's folder (see {@link StringParam}).
   */
  string: (options: Omit<StringParam, "type">): StringParam => ({ type: "string", ...options }),
  /** A list of numbers (`milestones=[30,60]`). */
  numbers: (options: Omit<NumberListParam, "type">): NumberListParam => ({ type: "numbers", ...options }),
  /** A nested schedule spec (`then=cosine(tMax=20)`). */
  spec: (options: Omit<SpecParam, "type">): SpecParam => ({ type: "spec", ...options }),
  /** A list of nested specs: schedules, or with `of` the calls of a fixed vocabulary (a network's layers). */
  specs: (options: Omit<SpecListParam, "type">): SpecListParam => ({ type: "specs", ...options }),
};

/** `value` as an absolute path: relative ones from `cwd`; `file:` URLs and absolute paths as given. */
function resolvePath(cwd: string, value: string): string {
  if (value === "" || value.startsWith("file:") || isAbsolute(value)) return value;
  return resolve(cwd, value);
}

function describe(value: SpecValue): string {
  switch (value.kind) {
    case "number":
      return formatNumber(value.value);
    case "string":
      return `"${value.value}"`;
    default:
      return formatValue(value);
  }
}

/** "a positive number", "an integer >= 1", "a non-negative number <= 1": the requirement in words. */
function requirement(p: NumberParam | NumberListParam): string {
  const noun = p.integer ? "integer" : "number";
  let adjective = "";
  const bounds: string[] = [];
  if (p.min !== undefined) {
    if (p.min === 0) adjective = p.exclusiveMin ? "positive " : "non-negative ";
    else bounds.push(`${p.exclusiveMin ? ">" : ">="} ${formatNumber(p.min)}`);
  }
  if (p.type === "number" && p.max !== undefined)
    bounds.push(`${p.exclusiveMax ? "<" : "<="} ${formatNumber(p.max)}`);
  const phrase = `${adjective}${noun}${bounds.length ? ` ${bounds.join(" and ")}` : ""}`;
  return `${/^[aeiou]/.test(phrase) ? "an" : "a"} ${phrase}`;
}

function checkNumber(owner: string, name: string, p: NumberParam | NumberListParam, v: number): void {
  if (!Number.isFinite(v)) throw errors.paramRange(owner, name, "a finite number", formatNumber(v));
  if (p.integer && !Number.isInteger(v)) throw errors.paramType(owner, name, "an integer", formatNumber(v));
  const low = p.min !== undefined && (p.exclusiveMin ? v <= p.min : v < p.min);
  const high = p.type === "number" && p.max !== undefined && (p.exclusiveMax ? v >= p.max : v > p.max);
  if (low || high) throw errors.paramRange(owner, name, requirement(p), formatNumber(v));
}

function asSpec(owner: string, name: string, value: SpecValue): SpecCall {
  if (value.kind === "call") return value;
  if (value.kind === "string" && !value.quoted) return { kind: "call", name: value.value, args: [] };
  throw errors.paramType(owner, name, "a spec such as cosine(tMax=10)", describe(value));
}

/** Converts one syntax value to the parameter's type, or throws a one-line error. */
function coerce(
  owner: string,
  name: string,
  p: Param,
  value: SpecValue,
  context: DefaultContext = {},
): unknown {
  switch (p.type) {
    case "string": {
      if (value.kind !== "string")
        throw errors.paramType(
          owner,
          name,
          p.path ? 'a path such as "./data/train.idx"' : 'a string such as "text"',
          describe(value),
        );
      if (p.nonEmpty && value.value === "") throw errors.paramRange(owner, name, "a non-empty string", '""');
      return p.path && context.cwd !== undefined ? resolvePath(context.cwd, value.value) : value.value;
    }
    case "number": {
      if (value.kind !== "number")
        throw errors.paramType(owner, name, p.integer ? "an integer" : "a number", describe(value));
      checkNumber(owner, name, p, value.value);
      return value.value;
    }
    case "boolean":
      if (value.kind !== "boolean") throw errors.paramType(owner, name, "true or false", describe(value));
      return value.value;
    case "choice":
      if (value.kind !== "string" || !p.choices.includes(value.value))
        throw errors.paramType(owner, name, `one of ${p.choices.join("|")}`, describe(value));
      return value.value;
    case "numbers": {
      const items = value.kind === "list" ? value.items : value.kind === "number" ? [value] : undefined;
      if (!items || items.some((i) => i.kind !== "number"))
        throw errors.paramType(
          owner,
          name,
          `a list of ${p.integer ? "integers" : "numbers"} like [3,11]`,
          describe(value),
        );
      const numbers = items.map((i) => (i as { value: number }).value);
      for (const n of numbers) checkNumber(owner, name, p, n);
      if (p.nonEmpty && numbers.length === 0) throw errors.paramRange(owner, name, "a non-empty list", "[]");
      if (p.increasing && numbers.some((n, i) => i > 0 && n <= numbers[i - 1]!))
        throw errors.paramRange(owner, name, "strictly increasing", describe(value));
      return numbers;
    }
    case "spec":
      return asSpec(owner, name, value);
    case "specs": {
      const items = value.kind === "list" ? value.items : [value];
      const vocabulary = p.of;
      const specs = items.map((i) => {
        const call = asSpec(owner, name, i);
        return vocabulary ? bindItem(owner, p.item ?? "entry", vocabulary, call, context) : call;
      });
      if (p.nonEmpty && specs.length === 0)
        throw errors.paramRange(owner, name, "a non-empty list of specs", "[]");
      return specs;
    }
  }
}

/**
 * One item of a list with a vocabulary ({@link SpecListParam.of}): its name must be in the
 * vocabulary and its arguments must bind to that schema; returns it in canonical form.
 */
function bindItem(
  owner: string,
  item: string,
  vocabulary: Readonly<Record<string, ParamSchema>>,
  call: SpecCall,
  context: DefaultContext,
): SpecCall {
  const schema = vocabulary[call.name];
  if (!schema) {
    const known = Object.keys(vocabulary);
    throw errors.unknownName(`${owner} ${item}`, call.name, known, suggest(call.name, known));
  }
  const values = bindParams(`${owner} ${call.name}`, schema, call, context);
  return parseSpec(canonicalCall(call.name, schema, values));
}

/**
 * The shortest spec of bound values that reads like a call: the leading parameters that have
 * no default, positionally, then every other parameter that differs from its fixed default, by
 * name — `conv(16, 5)`, `conv(16, 5, padding=2)`, `maxpool(2)`, `relu`.
 */
function canonicalCall(name: string, schema: ParamSchema, values: Readonly<Record<string, unknown>>): string {
  const args: string[] = [];
  let positional = true;
  for (const [key, p] of Object.entries(schema)) {
    const value = values[key];
    positional &&= p.default === undefined && !p.optional && value !== undefined;
    if (positional) args.push(formatParamValue(value));
    else if (value !== undefined && !isDefault(p, value)) args.push(`${key}=${formatParamValue(value)}`);
  }
  return args.length ? `${name}(${args.join(", ")})` : name;
}

/**
 * Binds a call's positional and named arguments to a schema, coerces and range-checks
 * each, then fills fixed and derived defaults. Unknown names get a "did you mean".
 */
export function bindParams<S extends ParamSchema>(
  owner: string,
  schema: S,
  call: SpecCall,
  context: DefaultContext = {},
): ParamValues<S> {
  const names = Object.keys(schema);
  const bound: Record<string, unknown> = {};
  let positional = 0;
  let seenNamed = false;
  for (const arg of call.args) {
    let name: string;
    if (arg.key === undefined) {
      if (seenNamed) throw errors.invalidParams(owner, "positional arguments must come before named ones");
      if (positional >= names.length) throw errors.tooManyArgs(owner, names.length);
      name = names[positional++]!;
    } else {
      seenNamed = true;
      name = arg.key;
      if (!(name in schema)) throw errors.unknownParam(owner, name, names, suggest(name, names));
    }
    if (name in bound) throw errors.duplicateParam(owner, name);
    bound[name] = coerce(owner, name, schema[name]!, arg.value, context);
  }
  for (const name of names) {
    if (name in bound) continue;
    const p = schema[name]!;
    const fallback = typeof p.default === "function" ? p.default(context) : p.default;
    if (fallback !== undefined)
      bound[name] =
        p.type === "string" && p.path && context.cwd !== undefined && typeof fallback === "string"
          ? resolvePath(context.cwd, fallback)
          : fallback;
    else if (!p.optional) throw errors.missingParam(owner, name, p.hint ?? `give ${name}=...`);
  }
  return bound as ParamValues<S>;
}

/** Text for one bound value, as it would be written in a spec. */
export function formatParamValue(value: unknown): string {
  if (typeof value === "number") return formatNumber(value);
  if (typeof value === "string") return formatString(value);
  if (typeof value === "boolean") return String(value);
  if (Array.isArray(value))
    return `[${value.map(formatParamValue).join(value.some((v) => typeof v === "object") ? ", " : ",")}]`;
  if (value && typeof value === "object" && (value as SpecCall).kind === "call")
    return formatCall(value as SpecCall);
  throw new TypeError(`cannot format parameter value ${String(value)}`);
}

/** True when a bound value equals the parameter's fixed default (so a canonical spec may omit it). */
export function isDefault(p: Param, value: unknown): boolean {
  if (p.default === undefined || typeof p.default === "function") return false;
  return formatParamValue(p.default) === formatParamValue(value);
}

/** How a parameter reads in `lrsim schedules`: `gamma=0.1`, `lr`, `maxBatch?`. */
export function signatureOf(name: string, p: Param): string {
  if (p.default !== undefined && typeof p.default !== "function")
    return `${name}=${formatParamValue(p.default)}`;
  if (p.optional) return `${name}?`;
  return name;
}

/** The parameter's type in words, for listings. */
export function typeOf(p: Param): string {
  switch (p.type) {
    case "number":
      return requirement(p).replace(/^an? /, "");
    case "boolean":
      return "boolean";
    case "choice":
      return p.choices.join("|");
    case "string":
      return p.path ? "path" : "string";
    case "numbers":
      return `list of ${p.integer ? "integers" : "numbers"}${p.increasing ? ", increasing" : ""}`;
    case "spec":
      return "spec";
    case "specs":
      return p.of
        ? `list of ${p.item ? `${p.item}s` : "entries"}: ${Object.keys(p.of).join("|")}`
        : "list of specs";
  }
}
