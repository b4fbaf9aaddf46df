import { describe, expect, it } from "vitest";
import { claimItem, completeItem } from "../src/claims.ts";
import { CONTROL, CURSOR } from "../src/protocol.ts";

/** A control block and cursor as the main thread opens a command: generation `g`, phase 0, item 0. */
function open(g: number) {
  const control = new Int32Array(new SharedArrayBuffer(4 * CONTROL.length(2)));
  const cursor = new BigInt64Array(new SharedArrayBuffer(8));
  control[CONTROL.generation] = g;
  control[CONTROL.done] = g - 1;
  cursor[0] = CURSOR.pack(g, 0, 0);
  return { control, cursor };
}

describe("claiming a command's items", () => {
  it("hands out each item of a phase once, in order; the last completion opens the next phase, then ends the command", () => {
    const { control, cursor } = open(7);
    const items = (phase: number) => (phase === 0 ? 3 : 2);
    const claimed = [0, 1, 2].map(() => claimItem(cursor, 7, items));
    expect(claimed).toEqual([0, 1, 2].map((item) => ({ kind: "item", phase: 0, item })));
    // Nothing left in phase 0 while its items run: wait for the cursor to move on.
    const waiting = claimItem(cursor, 7, items);
    expect(waiting.kind).toBe("wait");
    expect(completeItem(control, cursor, 7, 0, 3, 1)).toBe("item");
    expect(completeItem(control, cursor, 7, 0, 3, 1)).toBe("item");
    let ended = 0;
    expect(completeItem(control, cursor, 7, 0, 3, 1, () => ended++)).toBe("phase");
    expect(ended).toBe(1);
    expect(Atomics.load(cursor, 0)).not.toBe(waiting.kind === "wait" ? waiting.seen : 0n);
    expect(claimItem(cursor, 7, items)).toEqual({ kind: "item", phase: 1, item: 0 });
    expect(claimItem(cursor, 7, items)).toEqual({ kind: "item", phase: 1, item: 1 });
    expect(control[CONTROL.done]).toBe(6);
    expect(completeItem(control, cursor, 7, 1, 2, 1)).toBe("item");
    expect(completeItem(control, cursor, 7, 1, 2, 1)).toBe("command");
    expect(control[CONTROL.done]).toBe(7);
    expect(control[CONTROL.completed]).toBe(0);
    expect(claimItem(cursor, 7, items)).toEqual({ kind: "over" });
  });

  it("a worker that wakes after its command ended takes nothing of the next one, whatever it read", () => {
    const { cursor } = open(8);
    const before = Atomics.load(cursor, 0);
    // Woken for command 7, it reads the fields of command 8 (rewritten meanwhile): its claim fails.
    expect(claimItem(cursor, 7, () => 100)).toEqual({ kind: "over" });
    expect(Atomics.load(cursor, 0)).toBe(before);
    // The generation is compared in full, not modulo the item bits.
    expect(claimItem(cursor, 8 + 2 ** 24, () => 100)).toEqual({ kind: "over" });
    expect(claimItem(cursor, 8, () => 100)).toEqual({ kind: "item", phase: 0, item: 0 });
  });

  it("keeps generations apart across the 32-bit wrap of the control block's counter", () => {
    const g = -(2 ** 31); // the generation after 2^31 - 1, as the int32 control block holds it
    const { control, cursor } = open(g);
    expect(claimItem(cursor, 2 ** 31 - 1, () => 1)).toEqual({ kind: "over" });
    expect(claimItem(cursor, g, () => 1)).toEqual({ kind: "item", phase: 0, item: 0 });
    expect(completeItem(control, cursor, g, 0, 1, 0)).toBe("command");
    expect(control[CONTROL.done]).toBe(g);
  });
});
