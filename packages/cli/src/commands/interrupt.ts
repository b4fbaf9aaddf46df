/**
 * Runs `work` with an AbortSignal that SIGINT/SIGTERM (Ctrl-C) trips, so a training run can
 * stop between updates and report `interrupted` instead of dying mid-write. A second Ctrl-C
 * exits at once.
 */
export async function withInterrupt<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    return await work(controller.signal);
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
