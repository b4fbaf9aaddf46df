/**
 * The main thread's wait for a word of shared memory to move on from `value` (a command's done
 * count): a promise, so the event loop keeps running meanwhile, or undefined when it has moved
 * on already.
 *
 * Never with a timeout. V8 implements the timeout of `Atomics.waitAsync` as a delayed task on
 * the embedder's platform, and Node keeps every such task in a plain list until its time comes —
 * also when the wait was notified long before — and removes each one then by a linear search of
 * that list (`PerIsolatePlatformData::DeleteFromScheduledTasks`, Node 20). A pool stepping
 * tens of thousands of times per second with a 1-second timeout had as many tasks pending, and a
 * second later their expiry kept the main thread busy for 0.02–1.3 s at a time: the stalls of
 * the empty two-worker step in `pnpm bench`, which its event loop measured as busy, not idle,
 * while the workers had long finished. A notify cannot be missed without a timeout either:
 * `waitAsync` compares the value under the same lock `Atomics.notify` takes.
 */
export function untilChanged(array: Int32Array, index: number, value: number): Promise<unknown> | undefined {
  const waiting = Atomics.waitAsync(array, index, value);
  return waiting.async ? waiting.value : undefined;
}
