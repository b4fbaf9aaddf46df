import { isLrsimError } from "@lrsim/core";

/**
 * How a worker treats an error thrown while it takes up a job:
 * - `deterministic`: the same job would fail the same way on any attempt (a bad spec, a
 *   plugin this host lacks or may not load, a plugin's own error, job data that fails
 *   validation). It fails once, with its cause recorded on the run; no retry storm.
 * - `transient`: the world, not the job, was at fault (the network under a dataset plugin that
 *   fetches its data, a worker thread that died, Redis gone mid-write). BullMQ retries it with
 *   exponential backoff, up to the job's attempts.
 */
export type FailureClass = "deterministic" | "transient";

/**
 * Node's error codes for faults of the network or the operating system that the next attempt
 * may not meet: a connection reset, refused or timed out, a name lookup that failed for now,
 * a host or network unreachable, a file busy, too many open files.
 */
const TRANSIENT_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENETDOWN",
  "EBUSY",
  "EMFILE",
  "ENFILE",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
]);

/** The system error code of `error` or of any error in its `cause` chain, if one is transient. */
function transientCode(error: unknown): string | undefined {
  for (let e = error, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && TRANSIENT_CODES.has(code)) return code;
  }
  return undefined;
}

/**
 * Classifies an error thrown while a job is validated, checked and planned, or while it
 * trains. lrsim's own errors (the error catalogue: bad input, a missing or refused plugin, a
 * plugin that threw) are deterministic, unless what a plugin hit was a transient system fault
 * (a dataset plugin's download reset by the network: `HOOK_FAILED` caused by `ECONNRESET`).
 * Anything else is not the job's fault (a worker thread that died, Redis lost mid-job) and is
 * transient: retried, and recorded as failed only when every attempt has failed.
 */
export function classifyFailure(error: unknown): FailureClass {
  if (transientCode(error) !== undefined) return "transient";
  return isLrsimError(error) ? "deterministic" : "transient";
}
