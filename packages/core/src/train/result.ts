import type { FinalMetrics, RunResult, RunStatus, RunSummary } from "./types.ts";

/**
 * Puts a {@link RunResult} together from what every run has, its last evaluation and how it
 * ended — for the trainer, and for readers rebuilding a run from the results database. Only a
 * failed run may lack an evaluation; `error` is the failure's message or what diverged.
 */
export function runResultOf(
  summary: RunSummary,
  final: FinalMetrics | null,
  status: RunStatus,
  error: string | null,
): RunResult {
  // Keys in the order `lrsim run --json` has always printed them.
  const { history, ...head } = summary;
  if (status === "failed") return { status, ...head, final, history, error: error ?? "" };
  if (!final) throw new Error(`a ${status} run has no evaluation`);
  if (status === "diverged") return { status, ...head, final, history, error: error ?? "" };
  return { status, ...head, final, history, error: null };
}

/** The final metrics of a history: its last row's, or null when it is empty. */
export function finalOf(history: RunSummary["history"]): FinalMetrics | null {
  const last = history.at(-1);
  return last
    ? { trainLoss: last.trainLoss, testLoss: last.testLoss, testAccuracy: last.testAccuracy }
    : null;
}
