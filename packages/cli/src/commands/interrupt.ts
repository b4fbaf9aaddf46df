/**
 * Signals closer together than this are one stop: a supervisor such as coreutils `timeout`
 * signals the process and then its whole process group, so lrsim receives the same stop twice
 * within microseconds. A person's second Ctrl-C ("it is not stopping") comes much later than
 * 50 ms, even a quick double press.
 */
const SAME_STOP_MS = 50;

/**
 * Calls `onStop(n)` for the n-th stop asked by SIGINT/SIGTERM (Ctrl-C), counting signals less
 * than 50 ms apart as one; returns the function that stops listening.
 */
export function onStopSignals(onStop: (stop: number) => void): () => void {
  let stops = 0;
  let lastAt = Number.NEGATIVE_INFINITY;
  const onSignal = () => {
    const now = performance.now();
    const fresh = now - lastAt > SAME_STOP_MS;
    lastAt = now;
    if (fresh) onStop(++stops);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return () => {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  };
}

/**
 * Runs `work` with an AbortSignal that SIGINT/SIGTERM (Ctrl-C) trips, so a training run can
 * stop between updates and report `interrupted` instead of dying mid-write. A second Ctrl-C
 * (not the same signal sent to the process group too) exits at once.
 */
export async function withInterrupt<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const stopListening = onStopSignals((stop) => {
    if (stop === 1) controller.abort();
    else process.exit(130);
  });
  try {
    return await work(controller.signal);
  } finally {
    stopListening();
  }
}
