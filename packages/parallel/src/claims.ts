import { CONTROL, CURSOR } from "./protocol.ts";

/**
 * What a worker's claim found: an item of the command to run, nothing left in the current phase
 * (wait for the cursor to move past `seen`: items others claimed are still running), or the
 * command over — or not this worker's any more (it woke after its command had ended).
 */
export type Claim =
  | { readonly kind: "item"; readonly phase: number; readonly item: number }
  | { readonly kind: "wait"; readonly seen: bigint }
  | { readonly kind: "over" };

const OVER: Claim = { kind: "over" };

/**
 * Claims the next item of command `generation`'s current phase (see {@link CURSOR}), where
 * `items(phase)` is how many the phase has. The claim is a compare-and-exchange of the whole
 * cursor, so it succeeds only while the cursor still shows this command and phase: a worker
 * that read a command's fields and then slept through the command's end takes nothing of the
 * next one, even if those fields were already rewritten (`items` may then be wrong; the claim
 * fails anyway). A successful claim holds the command open — its last phase cannot end while
 * an item is running — so the control block's fields hold still until {@link completeItem}.
 */
export function claimItem(
  cursor: BigInt64Array,
  generation: number,
  items: (phase: number) => number,
): Claim {
  const tag = generation >>> 0;
  for (;;) {
    const seen = Atomics.load(cursor, 0);
    if (CURSOR.generation(seen) !== tag) return OVER;
    const phase = CURSOR.phase(seen);
    if (phase === CURSOR.end) return OVER;
    const item = CURSOR.item(seen);
    if (item >= items(phase)) return { kind: "wait", seen };
    if (Atomics.compareExchange(cursor, 0, seen, seen + 1n) === seen) return { kind: "item", phase, item };
  }
}

/**
 * Counts a claimed item of `phase` (of `items`) done. Whoever completes the phase's last item
 * resets the count and opens the next phase, or, after `lastPhase`, closes the cursor and
 * stores the generation in `CONTROL.done` for the main thread, waking whoever waits on either;
 * `phaseEnded` runs first (still inside the command, so what it writes is read with it).
 * Returns what the item completed.
 */
export function completeItem(
  control: Int32Array,
  cursor: BigInt64Array,
  generation: number,
  phase: number,
  items: number,
  lastPhase: number,
  phaseEnded?: () => void,
): "item" | "phase" | "command" {
  if (Atomics.add(control, CONTROL.completed, 1) + 1 !== items) return "item";
  phaseEnded?.();
  // No one else counts before the next phase opens: every item of this one is done.
  Atomics.store(control, CONTROL.completed, 0);
  const last = phase === lastPhase;
  Atomics.store(cursor, 0, CURSOR.pack(generation, last ? CURSOR.end : phase + 1, 0));
  Atomics.notify(cursor, 0);
  if (!last) return "phase";
  Atomics.store(control, CONTROL.done, generation);
  Atomics.notify(control, CONTROL.done);
  return "command";
}
