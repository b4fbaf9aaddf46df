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
  "BAD_DATA_FILE",
  "BAD_DEFINITION",
  "BAD_JOB",
  "BAD_OUTPUT",
  "BAD_PLUGIN_OUTPUT",
  "BAD_SCHEDULE_VALUE",
  "BAD_SQL",
  "DB_BUSY",
  "DB_FULL",
  "DB_IS_DIRECTORY",
  "DB_NO_FOLDER",
  "DB_OPEN",
  "DB_READ_ONLY",
  "DB_VERSION",
  "DUPLICATE_DEFINITION",
  "DUPLICATE_PARAM",
  "EMPTY_REPORT",
  "HOOK_FAILED",
  "INTERRUPTED",
  "INVALID_OPTION",
  "INVALID_PARAMS",
  "LIVE_RUN",
  "MISSING_PARAM",
  "NOT_A_DB",
  "NO_CONFIG",
  "NO_DB",
  "NO_SUCH_COMPARISON",
  "NO_SUCH_RANGE_TEST",
  "NO_SUCH_RUN",
  "NO_SUCH_SWEEP",
  "PARAM_RANGE",
  "PARAM_TYPE",
  "PLUGIN_LOAD",
  "PLUGIN_PATH_REFUSED",
  "PLUGIN_SHAPE",
  "QUERY_FAILED",
  "READ_ONLY",
  "REDIS_UNREACHABLE",
  "RUN_TOO_SHORT",
  "SPEC_SYNTAX",
  "TOO_LARGE",
  "TOO_MANY_ARGS",
  "UNKNOWN_CONFIG_KEY",
  "UNKNOWN_NAME",
  "UNKNOWN_PARAM",
  "USAGE",
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

/** Longest piece of user input an error message quotes; longer input is cut to an excerpt. */
const MAX_QUOTED = 60;

/**
 * A short excerpt of `text` around `column` (1-based), so refusing a 200 KB spec does not
 * echo all of it: at most `MAX_QUOTED` characters, "…" marking what was cut.
 */
export function excerpt(text: string, column = 1): string {
  if (text.length <= MAX_QUOTED) return text;
  const half = Math.floor(MAX_QUOTED / 2);
  const start = Math.max(0, Math.min(column - 1 - half, text.length - MAX_QUOTED));
  const end = start + MAX_QUOTED;
  return `${start > 0 ? "…" : ""}${text.slice(start, end)}${end < text.length ? "…" : ""}`;
}

function didYouMean(suggestions: readonly string[]): string {
  if (suggestions.length === 0) return "";
  return ` (did you mean ${suggestions.map((s) => `"${s}"`).join(" or ")}?)`;
}

const reasonOf = (cause: unknown) => (cause instanceof Error ? cause.message.split("\n")[0]! : String(cause));

/**
 * The factories, one per `ErrorCode` and named after it, in the codes' order. Each
 * returns an error; callers throw it.
 */
export const errors = {
  /** A config file that does not load, or holds something other than option defaults. */
  badConfig: (file: string, problem: string, cause?: unknown) =>
    new LrsimError("BAD_CONFIG", `${file}: ${problem}`, cause === undefined ? {} : { cause }),
  /**
   * A data file a dataset cannot use (missing, truncated, of the wrong format, disagreeing
   * with its partner file): `${file}: ${problem}`, the problem saying what to fix.
   */
  badDataFile: (file: string, problem: string) => new LrsimError("BAD_DATA_FILE", `${file}: ${problem}`),
  /** A plugin definition of the wrong shape. */
  badDefinition: (kind: string, name: string, problem: string) =>
    new LrsimError("BAD_DEFINITION", `${kind} "${name}" is not a valid ${kind} definition: ${problem}`),
  /** A queued job whose data is not a sweep run lrsim can train (a foreign or tampered job). */
  badJob: (id: string, problem: string) =>
    new LrsimError("BAD_JOB", `job ${id} is not an lrsim sweep run: ${problem}`),
  /** A file lrsim would write is a place it must not write to. */
  badOutput: (path: string, problem: string) =>
    new LrsimError("BAD_OUTPUT", `cannot write ${path}: ${problem}`),
  /**
   * A plugin hook returned or wrote something malformed: `${plugin} ${problem} from ${hook}`,
   * then `detail` (which starts with its own separator) when there is more to say.
   */
  badPluginOutput: (plugin: string, hook: string, problem: string, detail = "") =>
    new LrsimError("BAD_PLUGIN_OUTPUT", `${plugin} ${problem} from ${hook}${detail}`),
  /** A schedule returned a value training cannot use. */
  badScheduleValue: (plugin: string, clock: string, what: string, value: unknown) =>
    new LrsimError(
      "BAD_SCHEDULE_VALUE",
      `${plugin} returned ${what} ${excerpt(String(value))} at ${clock}; a schedule must return a finite lr >= 0, and a batchSize >= 1 and a finite momentum if it sets them`,
    ),
  /** A query that SQLite cannot prepare. */
  badSql: (cause: unknown) =>
    new LrsimError("BAD_SQL", `the query is not valid SQL: ${reasonOf(cause)}`, { cause }),
  /** Another connection held a lock on the database for longer than the busy timeout. */
  dbBusy: (path: string, holder: string, timeoutMs: number, cause?: unknown) =>
    new LrsimError(
      "DB_BUSY",
      `${path} stayed locked for the ${timeoutMs / 1000} s busy timeout (held by ${holder}); end that transaction or process and run again`,
      { cause },
    ),
  /** The disk holding the database is full. `detail` says what was kept. */
  dbFull: (path: string, detail = "", cause?: unknown) =>
    new LrsimError("DB_FULL", `the disk holding ${path} is full${detail}; free some space and run again`, {
      cause,
    }),
  /** `--db` (or `LRSIM_DB`) names a directory. */
  dbIsDirectory: (path: string) =>
    new LrsimError("DB_IS_DIRECTORY", `${path} is a directory; --db (or LRSIM_DB) must name a database file`),
  /** The database's folder does not exist. */
  dbNoFolder: (path: string, folder: string) =>
    new LrsimError(
      "DB_NO_FOLDER",
      `cannot open the results database ${path}: the folder ${folder} does not exist; create it first`,
    ),
  /** A results database that cannot be opened (a directory, no permission, not SQLite). */
  dbOpen: (path: string, cause: unknown) =>
    new LrsimError(
      "DB_OPEN",
      `cannot open the results database ${path}: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    ),
  /** The database (or its folder) cannot be written. */
  dbReadOnly: (path: string, cause?: unknown) =>
    new LrsimError(
      "DB_READ_ONLY",
      `cannot write to ${path}: the file or its folder is read-only; fix the permissions or pass another --db`,
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
  /** The user stopped the command (Ctrl-C, SIGTERM) before it began its work: exit 130. */
  interrupted: (doing: string) => new LrsimError("INTERRUPTED", `interrupted while ${doing}`),
  /**
   * An option with a bad value, named as the programmatic API spells it (`batchSize`); the
   * CLI prints it as its flag (`--batch-size`). `than` names the option a bound comes from.
   */
  invalidOption: (option: string, requirement: string, got: string, than?: OptionProblem["than"]) => {
    const problem: OptionProblem = { option, requirement, got: excerpt(got), than };
    return new LrsimError("INVALID_OPTION", describeOptionProblem(problem), { option: problem });
  },
  /** Parameters that are fine one by one but not together. */
  invalidParams: (owner: string, problem: string) => new LrsimError("INVALID_PARAMS", `${owner}: ${problem}`),
  /** `lrsim runs rm` (or a resume) on a run whose process is still training it; `then` is what to do once it stopped. */
  liveRun: (id: number, pid: number, host: string, then = "remove it") =>
    new LrsimError(
      "LIVE_RUN",
      `run ${id} is still training (pid ${pid} on ${host}); stop it first (Ctrl-C ends it as interrupted), then ${then}`,
    ),
  /** A required parameter that is neither given nor derivable from the run. */
  missingParam: (owner: string, param: string, hint: string) =>
    new LrsimError("MISSING_PARAM", `${owner}: missing parameter "${param}" (${hint})`),
  /** The file exists but is not SQLite (or is truncated or damaged). */
  notADb: (path: string, reason: string, cause?: unknown) =>
    new LrsimError(
      "NOT_A_DB",
      `${path} is not a usable results database (SQLite: ${reason}); pass another --db, or move the file away to start a new one`,
      { cause },
    ),
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
  /** A sweep id that is not in the database. */
  noSuchSweep: (id: number) =>
    new LrsimError(
      "NO_SUCH_SWEEP",
      `no sweep with id ${id} in this database (lrsim query "SELECT * FROM sweeps" lists them)`,
    ),
  /** A parameter value outside its allowed range. */
  paramRange: (owner: string, param: string, requirement: string, got: string) =>
    new LrsimError("PARAM_RANGE", `${owner}: ${param} must be ${requirement}, got ${excerpt(got)}`),
  /** A parameter value of the wrong type. */
  paramType: (owner: string, param: string, expected: string, got: string) =>
    new LrsimError("PARAM_TYPE", `${owner}: ${param} must be ${expected}, got ${excerpt(got)}`),
  /** A plugin module that cannot be imported. */
  pluginLoad: (kind: string, name: string, url: string, cause: unknown) =>
    new LrsimError(
      "PLUGIN_LOAD",
      `${kind} plugin "${name}" could not be loaded from ${url}: ${reasonOf(cause)}`,
      {
        cause,
      },
    ),
  /** A job names a plugin by path on a worker that only loads built-in plugins and installed packages. */
  pluginPathRefused: (name: string) =>
    new LrsimError(
      "PLUGIN_PATH_REFUSED",
      `this worker does not load plugins by path (${excerpt(name)}): install the plugin as a package on this host, or start the worker with --allow-plugin-paths`,
    ),
  /** A plugin module that exports no definition of the kind asked for. */
  pluginShape: (kind: string, name: string, url: string, problem: string, expected: string) =>
    new LrsimError(
      "PLUGIN_SHAPE",
      // Most problems already say what was expected; say it once.
      `${kind} plugin "${name}" (${url}) does not export a ${kind} definition: ${problem}${problem.includes(expected) ? "" : `; expected ${expected}`}`,
    ),
  /** A read-only query SQLite refused while running it (load_extension is "not authorized"). */
  queryFailed: (reason: string, cause?: unknown) =>
    new LrsimError(
      "QUERY_FAILED",
      `the query failed: ${reason}${/not authorized/.test(reason) ? " (lrsim query does not load extensions; use the sqlite3 shell)" : ""}`,
      { cause },
    ),
  /** A statement given to `lrsim query` that would write. */
  readOnly: () =>
    new LrsimError(
      "READ_ONLY",
      "lrsim query only reads; this statement would change the database (use lrsim runs rm, or any SQLite client)",
    ),
  /** The Redis server of a sweep does not answer; `url` has its password masked. */
  redisUnreachable: (url: string, reason: string) =>
    new LrsimError("REDIS_UNREACHABLE", `cannot reach Redis at ${url}: ${reason}`),
  /** A run too short to hold the distinct milestones a schedule derives from its length. */
  runTooShort: (length: number, needed: number, what: string) =>
    new LrsimError(
      "RUN_TOO_SHORT",
      `a run of length ${length} cannot hold ${what}; make it at least ${needed} long (--epochs, --steps), or give milestones=[...]`,
    ),
  /** A spec that does not parse, with the column of the problem. */
  specSyntax: (spec: string, column: number, problem: string) =>
    new LrsimError(
      "SPEC_SYNTAX",
      `invalid spec "${excerpt(spec, column)}": ${problem} at column ${column}${spec.length > MAX_QUOTED ? ` of ${spec.length}` : ""}`,
    ),
  /** A count from the user larger than lrsim can hold. */
  tooLarge: (option: string, max: number, got: string) =>
    new LrsimError(
      "TOO_LARGE",
      `${option} must be at most ${max.toLocaleString("en-US")}, got ${excerpt(got)}`,
    ),
  /** More positional arguments than the plugin has parameters. */
  tooManyArgs: (owner: string, max: number) =>
    new LrsimError("TOO_MANY_ARGS", `${owner}: takes at most ${max} positional arguments`),
  /** A config-file key that no command has as an option (and no command section). */
  unknownConfigKey: (file: string, key: string, suggestion: string | undefined) =>
    new LrsimError(
      "UNKNOWN_CONFIG_KEY",
      `${file}: no lrsim command has an option "${key}"${suggestion ? ` (did you mean "${suggestion}"?)` : ""}; top-level keys are option names (batchSize, epochs, ...) or command sections (run: {...})`,
    ),
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
  /** A command-line usage error found after parsing (a count of 0, a value that is not a number): exit 2. */
  usage: (message: string) => new LrsimError("USAGE", message),
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
 * plain Error (a bug, which must not be mistaken for a plugin's failure) with its system
 * `code` if it had one. The `cause` chain comes along, so a plugin's error caused by a network
 * fault (`HOOK_FAILED` caused by `ECONNRESET`) can still be told transient on the main thread.
 */
export type WireError =
  | {
      readonly lrsim: true;
      readonly code: ErrorCode;
      readonly message: string;
      readonly option?: OptionProblem | undefined;
      readonly stack?: string | undefined;
      readonly cause?: WireError | undefined;
    }
  | {
      readonly lrsim: false;
      readonly name: string;
      readonly message: string;
      /** A system error's code (`ECONNRESET`), when it had a string one. */
      readonly code?: string | undefined;
      readonly stack?: string | undefined;
      readonly cause?: WireError | undefined;
    };

/** Causes kept at most, so a cyclic or runaway chain cannot grow a message without end. */
const WIRE_CAUSE_DEPTH = 8;

/** Plain data for `error`, for postMessage or a task's result (see {@link WireError}). */
export function errorToWire(error: unknown): WireError {
  return wireOf(error, 0);
}

function wireOf(error: unknown, depth: number): WireError {
  const cause =
    error instanceof Error && error.cause !== undefined && depth < WIRE_CAUSE_DEPTH
      ? wireOf(error.cause, depth + 1)
      : undefined;
  if (isLrsimError(error))
    return {
      lrsim: true,
      code: error.code,
      message: error.message,
      option: error.option,
      stack: error.stack,
      cause,
    };
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return {
      lrsim: false,
      name: error.name,
      message: error.message,
      code: typeof code === "string" ? code : undefined,
      stack: error.stack,
      cause,
    };
  }
  return { lrsim: false, name: "Error", message: String(error) };
}

/** Rebuilds an error sent by {@link errorToWire}: the same code, option, message, stack and causes. */
export function errorFromWire(wire: WireError): Error {
  const cause = wire.cause === undefined ? undefined : errorFromWire(wire.cause);
  const error =
    wire.lrsim === true
      ? new LrsimError(wire.code, wire.message, {
          option: wire.option,
          ...(cause === undefined ? {} : { cause }),
        })
      : Object.assign(new Error(wire.message, cause === undefined ? undefined : { cause }), {
          name: wire.name,
          ...(wire.code === undefined ? {} : { code: wire.code }),
        });
  if (wire.stack) error.stack = wire.stack;
  return error;
}
