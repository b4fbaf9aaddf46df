import { describe, expect, it } from "vitest";
import { SpinChoice } from "../src/spin-choice.ts";

/** Runs `commands` commands through `choice`, each taking `spinMs` or `sleepMs` per sample as chosen. */
function drive(choice: SpinChoice, commands: number, spinMs: number, sleepMs: number): boolean[] {
  const chosen: boolean[] = [];
  for (let k = 0; k < commands; k++) {
    const spin = choice.spin;
    chosen.push(spin);
    choice.record(spin ? spinMs : sleepMs);
  }
  return chosen;
}

describe("the main thread's choice between spinning and sleeping", () => {
  it("tries both, then keeps the faster", () => {
    const choice = new SpinChoice();
    const first = drive(choice, 64, 2, 1); // sleeping faster (a competing process has the core)
    expect(first.filter(Boolean)).toHaveLength(32); // explored: 2 blocks of 16 each way
    expect(drive(choice, 32 * 16, 2, 1).every((spin) => !spin)).toBe(true);
  });

  it("keeps the same choice longer each time it wins again, and compares anew when the machine changes", () => {
    const choice = new SpinChoice();
    // spinning faster (a free core): after exploring, spins for 32 blocks, then 64, then 128
    let commands = 0;
    for (const exploit of [32, 64, 128]) {
      const run = drive(choice, 64 + exploit * 16, 1, 2);
      commands += run.length;
      expect(
        run.slice(64).every((spin) => spin),
        `after ${commands} commands`,
      ).toBe(true);
    }
    // now sleeping is faster: the next comparison switches, and the window starts at 32 again
    const switched = drive(choice, 64 + 32 * 16, 1.5, 1);
    expect(switched.slice(64).every((spin) => !spin)).toBe(true);
    expect(choice.spin).toBe(true); // exploring again after 32 blocks, not 256
  });

  it("is decided by medians, not by one stall", () => {
    const choice = new SpinChoice();
    for (let k = 0; k < 64; k++) {
      const spin = choice.spin;
      // spinning is faster, but one spin-block command stalls for a long time
      choice.record(spin ? (k === 3 ? 1000 : 1) : 2);
    }
    expect(choice.spin).toBe(true);
  });
});
