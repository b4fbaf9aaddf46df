/**
 * How long a worker spins before it sleeps, learned from its recent waits, as an adaptive mutex
 * does. Spinning saves the ~0.1 ms a sleeping thread takes to wake on this VM, but only when
 * the wait ends within the spin: when the thread being waited for is itself waiting for a core
 * (a competing process, more threads than cores) the spinner occupies the very core it needs.
 * Measured on 2 cores shared with other jobs, a step with no work took 1.3 ms with a fixed
 * 1 ms spin at the barrier and 0.27 ms with none (`pnpm bench`'s fixed cost per step).
 */
export class SpinBudget {
  /** Recent waits, smoothed (ms). */
  private typicalMs = 0;

  constructor(private readonly maxMs: number) {}

  /** The spin before the next wait sleeps: the whole budget while recent waits fit in it, else none. */
  get spinMs(): number {
    return this.typicalMs < this.maxMs ? this.maxMs : 0;
  }

  /** Records how long a wait took, spinning and sleeping together (ms). */
  record(waitedMs: number): void {
    this.typicalMs += 0.25 * (Math.min(waitedMs, 10 * this.maxMs) - this.typicalMs);
  }
}
