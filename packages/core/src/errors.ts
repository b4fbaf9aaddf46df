/**
 * Every error lrsim raises on purpose is an {@link LrsimError} made by one of the small
 * factories below, so messages stay uniform and the CLI can print them as one line
 * without a stack trace. Anything else that escapes is a bug.
 */
export class LrsimError extends Error {
  override readonly name = "LrsimError";
  constructor(
    /** Stable, machine-readable code, e.g. `UNKNOWN_SCHEDULE`. */
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
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

/** The factories for every error code. Each returns an error; callers throw it. */
export const errors = {
  /** A spec that does not parse, with the column of the problem. */
  specSyntax: (spec: string, column: number, problem: string) =>
    new LrsimError("SPEC_SYNTAX", `invalid spec "${spec}": ${problem} at column ${column}`),
  /** A plugin name that is not registered, with close matches. */
  unknownName: (kind: string, name: string, known: readonly string[], suggestions: readonly string[]) =>
    new LrsimError(
      "UNKNOWN_NAME",
      `unknown ${kind} "${name}"${didYouMean(suggestions)}; known: ${known.join(", ")}`,
    ),
  /** A parameter the plugin does not have, with close matches. */
  unknownParam: (owner: string, param: string, known: readonly string[], suggestions: readonly string[]) =>
    new LrsimError(
      "UNKNOWN_PARAM",
      `${owner}: unknown parameter "${param}"${didYouMean(suggestions)}; parameters: ${known.join(", ")}`,
    ),
  /** More positional arguments than the plugin has parameters. */
  tooManyArgs: (owner: string, max: number) =>
    new LrsimError("TOO_MANY_ARGS", `${owner}: takes at most ${max} positional arguments`),
  /** A parameter given twice (by name, or by position and name). */
  duplicateParam: (owner: string, param: string) =>
    new LrsimError("DUPLICATE_PARAM", `${owner}: parameter "${param}" is given twice`),
  /** A required parameter that is neither given nor derivable from the run. */
  missingParam: (owner: string, param: string, hint: string) =>
    new LrsimError("MISSING_PARAM", `${owner}: missing parameter "${param}" (${hint})`),
  /** A parameter value of the wrong type. */
  paramType: (owner: string, param: string, expected: string, got: string) =>
    new LrsimError("PARAM_TYPE", `${owner}: ${param} must be ${expected}, got ${got}`),
  /** A parameter value outside its allowed range. */
  paramRange: (owner: string, param: string, requirement: string, got: string) =>
    new LrsimError("PARAM_RANGE", `${owner}: ${param} must be ${requirement}, got ${got}`),
  /** Parameters that are fine one by one but not together. */
  invalidParams: (owner: string, problem: string) => new LrsimError("INVALID_PARAMS", `${owner}: ${problem}`),
  /** A command-line option with a bad value. */
  invalidOption: (option: string, requirement: string, got: string) =>
    new LrsimError("INVALID_OPTION", `${option} must be ${requirement}, got ${got}`),
  /** A second plugin registered under a taken name. */
  duplicateDefinition: (kind: string, name: string) =>
    new LrsimError("DUPLICATE_DEFINITION", `a ${kind} named "${name}" is already registered`),
  /** A plugin definition of the wrong shape. */
  badDefinition: (kind: string, name: string, problem: string) =>
    new LrsimError("BAD_DEFINITION", `${kind} "${name}" is not a valid ${kind} definition: ${problem}`),
  /** A plugin hook threw; `plugin` is its label (see `pluginLabel`). */
  hookFailed: (plugin: string, hook: string, cause: unknown) =>
    new LrsimError(
      "HOOK_FAILED",
      `${plugin} failed in ${hook}: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    ),
  /** A plugin hook returned or wrote something malformed. */
  badPluginOutput: (plugin: string, hook: string, problem: string) =>
    new LrsimError("BAD_PLUGIN_OUTPUT", `${plugin} ${problem} from ${hook}`),
} as const;
