/**
 * The error catalogue. Every error lrsim raises on purpose is an {@link LrsimError} with one
 * of the codes in {@link ERROR_CODES}, made by the factory of that code in {@link errors}
 * (the factory's name is the code in camelCase), so messages stay uniform and the CLI can
 * print them as one line without a stack trace. An LrsimError is always bad input or a
 * plugin's fault, and ends a run `failed`; anything else that escapes is a bug in lrsim and
 * reaches the CLI's "internal error, please report it" path.
 */

/** Every error code lrsim raises, sorted. */
export const ERROR_CODES = [
  "BAD_CONFIG",
  "BAD_DEFINITION",
  "BAD_PLUGIN_OUTPUT",
  "BAD_SQL",
  "DB_OPEN",
  "DB_VERSION",
  "DUPLICATE_DEFINITION",
  "DUPLICATE_PARAM",
  "EMPTY_REPORT",
  "HOOK_FAILED",
  "INVALID_OPTION",
  "INVALID_PARAMS",
  "MISSING_PARAM",
  "NO_CONFIG",
  "NO_DB",
  "NO_SUCH_COMPARISON",
  "NO_SUCH_RANGE_TEST",
  "NO_SUCH_RUN",
  "PARAM_RANGE",
  "PARAM_TYPE",
  "PLUGIN_LOAD",
  "PLUGIN_SHAPE",
  "READ_ONLY",
  "RUN_TOO_SHORT",
  "SPEC_SYNTAX",
  "TOO_MANY_ARGS",
  "UNKNOWN_NAME",
  "UNKNOWN_PARAM",
  "WORKER_DIED",
] as const;

/** A stable, machine-readable error code, e.g. `UNKNOWN_NAME`. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * An option with a bad value, kept as parts so each front end names the option its own way:
 * the programmatic API says `batchSize must be ...`, the CLI `--batch-size must be ...`.
 */
export interface OptionProblem {
  /** The option as the programmatic API spells it (`batchSize`, `end`). */
  readonly option: string;
  /** What the value must be, in words: "a positive integer", "a number above". */
  readonly requirement: string;
  /** The value given, as text. */
  readonly got: string;
  /** Another option the requirement is relative to, and its value (`end` above `start`). */
  readonly than?: { readonly option: string; readonly value: string } | undefined;
}

/** How a front end spells an option name; the API's own spelling by default. */
export type OptionNamer = (option: string) => string;

/** `batchSize must be an integer >= 1, got 0`, with option names spelled by `name`. */
export function describeOptionProblem(problem: OptionProblem, name: OptionNamer = (o) => o): string {
  const than = problem.than ? ` ${name(problem.than.option)} (${problem.than.value})` : "";
  return `${name(problem.option)} must be ${problem.requirement}${than}, got ${problem.got}`;
}

/** What an {@link LrsimError} carries besides its code and message. */
interface LrsimErrorDetails {
  readonly cause?: unknown;
  readonly option?: OptionProblem | undefined;
}

/**
 * One of lrsim's own, user-facing errors. Made only by the factories in {@link errors}; the
 * class is exported for `instanceof` and for its fields.
 */
export class LrsimError extends Error {
  override readonly name = "LrsimError";
  /** The option whose value was wrong, for `INVALID_OPTION` (the CLI renders it as a flag). */
  readonly option: OptionProblem | undefined;
  constructor(
    /** Stable, machine-readable code from {@link ERROR_CODES}. */
    readonly code: ErrorCode,
    message: string,
    details: LrsimErrorDetails = {},
  ) {
    super(message, "cause" in details ? { cause: details.cause } : undefined);
    this.option = details.option;
  }
}

/** True when `error` is one of lrsim's own, user-facing errors. */
export function isLrsimError(error: unknown): error is LrsimError {
  return error instanceof LrsimError;
}

function didYouMean(suggestions: readonly string[]): string {
  if (suggestions.length === 0) return "";
  return ` (did you mean ${suggestions.map((s) => `"${s}"`).join(" or ")}?)`;
}

const reasonOf = (cause: unknown) => (cause instanceof Error ? cause.message.split("\n")[0]! : String(cause));

/**
 * The factories, one per {@link ErrorCode} and named after it, in the codes' order. Each
 * returns an error; callers throw it.
 */
export const errors = {
  /** A config file that does not load, or holds something other than option defaults. */
  badConfig: (file: string, problem: string, cause?: unknown) =>
    new LrsimError("BAD_CONFIG", `${file}: ${problem}`, cause === undefined ? {} : { cause }),
  /** A plugin definition of the wrong shape. */
  badDefinition: (kind: string, name: string, problem: string) =>
    new LrsimError("BAD_DEFINITION", `${kind} "${name}" is not a valid ${kind} definition: ${problem}`),
  /**
   * A plugin hook returned or wrote something malformed: `${plugin} ${problem} from ${hook}`,
   * then `detail` (which starts with its own separator) when there is more to say.
   */
  badPluginOutput: (plugin: string, hook: string, problem: string, detail = "") =>
    new LrsimError("BAD_PLUGIN_OUTPUT", `${plugin} ${problem} from ${hook}${detail}`),
  /** A query that SQLite cannot prepare. */
  badSql: (cause: unknown) =>
    new LrsimError("BAD_SQL", `the query is not valid SQL: ${reasonOf(cause)}`, { cause }),
  /** A results database that cannot be opened (a directory, no permission, not SQLite). */
  dbOpen: (path: string, cause: unknown) =>
    new LrsimError(
      "DB_OPEN",
      `cannot open the results database ${path}: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    ),
  /** A results database of a schema version this lrsim cannot use as it is; `problem` says how to fix it. */
  dbVersion: (path: string, version: number, problem: string) =>
    new LrsimError("DB_VERSION", `${path} has schema version ${version}, ${problem}`),
  /** A second plugin registered under a taken name. */
  duplicateDefinition: (kind: string, name: string) =>
    new LrsimError("DUPLICATE_DEFINITION", `a ${kind} named "${name}" is already registered`),
  /** A parameter given twice (by name, or by position and name). */
  duplicateParam: (owner: string, param: string) =>
    new LrsimError("DUPLICATE_PARAM", `${owner}: parameter "${param}" is given twice`),
  /** A report asked of a database that has nothing to report. */
  emptyReport: () =>
    new LrsimError(
      "EMPTY_REPORT",
      "nothing to report: this database has no comparison and no range test (lrsim compare or lrsim find-lr records them)",
    ),
  /** A plugin hook threw; `plugin` is its label (see `pluginLabel`). */
  hookFailed: (plugin: string, hook: string, cause: unknown) =>
    new LrsimError(
      "HOOK_FAILED",
      `${plugin} failed in ${hook}: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    ),
  /**
   * An option with a bad value, named as the programmatic API spells it (`batchSize`); the
   * CLI prints it as its flag (`--batch-size`). `than` names the option a bound comes from.
   */
  invalidOption: (option: string, requirement: string, got: string, than?: OptionProblem["than"]) => {
    const problem: OptionProblem = { option, requirement, got, than };
    return new LrsimError("INVALID_OPTION", describeOptionProblem(problem), { option: problem });
  },
  /** Parameters that are fine one by one but not together. */
  invalidParams: (owner: string, problem: string) => new LrsimError("INVALID_PARAMS", `${owner}: ${problem}`),
  /** A required parameter that is neither given nor derivable from the run. */
  missingParam: (owner: string, param: string, hint: string) =>
    new LrsimError("MISSING_PARAM", `${owner}: missing parameter "${param}" (${hint})`),
  /** `--config FILE` names a file that is not there. */
  noConfig: (file: string) => new LrsimError("NO_CONFIG", `no config file at ${file}`),
  /** A results database to read that does not exist; `hint` (with its separator) says where runs went. */
  noDb: (path: string, hint = "") => new LrsimError("NO_DB", `no results database at ${path}${hint}`),
  /** A comparison id that is not in the database. */
  noSuchComparison: (id: number) =>
    new LrsimError("NO_SUCH_COMPARISON", `no comparison with id ${id} in this database`),
  /** A range-test id that is not in the database. */
  noSuchRangeTest: (id: number) =>
    new LrsimError("NO_SUCH_RANGE_TEST", `no range test with id ${id} in this database`),
  /** A run id that is not in the database. */
  noSuchRun: (id: number) =>
    new LrsimError("NO_SUCH_RUN", `no run with id ${id} in this database (lrsim runs lists them)`),
  /** A parameter value outside its allowed range. */
  paramRange: (owner: string, param: string, requirement: string, got: string) =>
    new LrsimError("PARAM_RANGE", `${owner}: ${param} must be ${requirement}, got ${got}`),
  /** A parameter value of the wrong type. */
  paramType: (owner: string, param: string, expected: string, got: string) =>
    new LrsimError("PARAM_TYPE", `${owner}: ${param} must be ${expected}, got ${got}`),
  /** A plugin module that cannot be imported. */
  pluginLoad: (kind: string, name: string, url: string, cause: unknown) =>
    new LrsimError(
      "PLUGIN_LOAD",
      `${kind} plugin "${name}" could not be loaded from ${url}: ${reasonOf(cause)}`,
      {
        cause,
      },
    ),
  /** A plugin module that exports no definition of the kind asked for. */
  pluginShape: (kind: string, name: string, url: string, problem: string, expected: string) =>
    new LrsimError(
      "PLUGIN_SHAPE",
      // Most problems already say what was expected; say it once.
      `${kind} plugin "${name}" (${url}) does not export a ${kind} definition: ${problem}${problem.includes(expected) ? "" : `; expected ${expected}`}`,
    ),
  /** A statement given to `lrsim query` that would write. */
  readOnly: () =>
    new LrsimError(
      "READ_ONLY",
      "lrsim query only reads; this statement would change the database (use lrsim runs rm, or any SQLite client)",
    ),
  /** A run too short to hold the distinct milestones a schedule derives from its length. */
  runTooShort: (length: number, needed: number, what: string) =>
    new LrsimError(
      "RUN_TOO_SHORT",
      `a run of length ${length} cannot hold ${what}; make it at least ${needed} long (--epochs, --steps), or give milestones=[...]`,
    ),
  /** A spec that does not parse, with the column of the problem. */
  specSyntax: (spec: string, column: number, problem: string) =>
    new LrsimError("SPEC_SYNTAX", `invalid spec "${spec}": ${problem} at column ${column}`),
  /** More positional arguments than the plugin has parameters. */
  tooManyArgs: (owner: string, max: number) =>
    new LrsimError("TOO_MANY_ARGS", `${owner}: takes at most ${max} positional arguments`),
  /**
   * A plugin name that is not registered, with close matches; `packageName` when no
   * `lrsim-plugin-*` package of that name is installed either.
   */
  unknownName: (
    kind: string,
    name: string,
    known: readonly string[],
    suggestions: readonly string[],
    packageName?: string,
  ) =>
    new LrsimError(
      "UNKNOWN_NAME",
      `unknown ${kind} "${name}"${didYouMean(suggestions)}; known: ${known.join(", ")}${
        packageName ? `; no package ${packageName} is installed either` : ""
      }`,
    ),
  /** A parameter the plugin does not have, with close matches. */
  unknownParam: (owner: string, param: string, known: readonly string[], suggestions: readonly string[]) =>
    new LrsimError(
      "UNKNOWN_PARAM",
      `${owner}: unknown parameter "${param}"${didYouMean(suggestions)}; parameters: ${known.join(", ")}`,
    ),
  /** A worker thread that exited mid-run (a crash, out of memory, a plugin's `process.exit`). */
  workerDied: (exitCode: string, model: string, cause: unknown) =>
    new LrsimError(
      "WORKER_DIED",
      `a worker thread exited (code ${exitCode}) while computing gradients for model "${model}"; the pool replaced it`,
      { cause },
    ),
} as const satisfies { readonly [K in CamelCode]: (...args: never[]) => LrsimError };

/** `UNKNOWN_NAME` -> `unknownName`: the name of a code's factory. */
type CamelCode = {
  [C in ErrorCode]: C extends `${infer Head}_${infer Tail}`
    ? `${Lowercase<Head>}${CamelTail<Tail>}`
    : Lowercase<C>;
}[ErrorCode];
type CamelTail<S extends string> = S extends `${infer Head}_${infer Tail}`
  ? `${Capitalize<Lowercase<Head>>}${CamelTail<Tail>}`
  : Capitalize<Lowercase<S>>;

/**
 * An error as it crosses a thread boundary. Structured clone keeps an Error's message but not
 * its class or fields, so a worker sends this instead and the main thread rebuilds the error
 * with {@link errorFromWire}: an LrsimError keeps its code and option, anything else stays a
 * plain Error (a bug, which must not be mistaken for a plugin's failure).
 */
export type WireError =
  | {
      readonly lrsim: true;
      readonly code: ErrorCode;
      readonly message: string;
      readonly option?: OptionProblem | undefined;
      readonly stack?: string | undefined;
    }
  | {
      readonly lrsim: false;
      readonly name: string;
      readonly message: string;
      readonly stack?: string | undefined;
    };

/** Plain data for `error`, for postMessage or a task's result (see {@link WireError}). */
export function errorToWire(error: unknown): WireError {
  if (isLrsimError(error))
    return {
      lrsim: true,
      code: error.code,
      message: error.message,
      option: error.option,
      stack: error.stack,
    };
  if (error instanceof Error)
    return { lrsim: false, name: error.name, message: error.message, stack: error.stack };
  return { lrsim: false, name: "Error", message: String(error) };
}

/** Rebuilds an error sent by {@link errorToWire}: the same code, option, message and stack. */
export function errorFromWire(wire: WireError): Error {
  const error =
    wire.lrsim === true
      ? new LrsimError(wire.code, wire.message, { option: wire.option })
      : Object.assign(new Error(wire.message), { name: wire.name });
  if (wire.stack) error.stack = wire.stack;
  return error;
}
