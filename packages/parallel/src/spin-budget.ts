/**
 * Whether a worker spins before it sleeps, learned from how its recent spins ended, as an
 * adaptive mutex does. Spinning saves the 0.05–0.3 ms a sleeping thread takes to wake on this
 * VM, but only when the wait ends within the spin: when the thread being waited for is itself
 * waiting for a core (a competing process, more threads than cores) the spinner occupies the
 * very core it needs. Measured on 2 cores shared with other jobs, a step with no work took
 * 1.3 ms with a fixed 1 ms spin at the barrier and 0.27 ms with none (`pnpm bench`'s fixed
 * cost per step).
 *
 * Only spins teach it anything (a sleeping wait also measures the wake-up), so while spinning is
 * off every eighth wait spins anyway, as a probe: a rule that learned from sleeping waits locked
 * itself out of spinning for good once the wake-ups alone exceeded the budget.
 */
export class SpinBudget {
  /** Share of recent spins that ended with the wait (smoothed), from 1: spin at first. */
  private successRate = 1;
  private waitsWithoutSpin = 0;

  constructor(private readonly maxMs: number) {}

  /** How long the next wait spins before it sleeps (ms): the budget, or 0. */
  get spinMs(): number {
    if (this.successRate >= 0.5) return this.maxMs;
    if (++this.waitsWithoutSpin % 8 === 0) return this.maxMs;
    return 0;
  }

  /** Records a wait that spun for `spunMs` (0: it did not spin) and took `waitedMs` in all. */
  record(spunMs: number, waitedMs: number): void {
    if (spunMs === 0) return;
    this.successRate += 0.25 * ((waitedMs <= spunMs ? 1 : 0) - this.successRate);
  }
}
