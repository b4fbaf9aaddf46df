/**
 * How many workers a step round of `chunks` chunks wakes. As many as it has chunks (up to the
 * pool's size) by default. But when, for rounds of that many chunks, a worker keeps arriving so
 * late that the others computed every chunk and then waited for it at the barrier (the OS gave
 * it no core in time: another process on the machine), waking it only made steps longer; such
 * rounds then run on worker 0 alone, probing with all of them every eighth round. Which workers
 * take part never changes a result (chunks keep their slots, the reduction its order), so this
 * adapts freely.
 */
export class PartySize {
  /** Per chunk count: the smoothed share of recent rounds a late worker held up, and a round counter. */
  private readonly late = new Map<number, { share: number; rounds: number }>();

  constructor(private readonly workers: number) {}

  /** Workers to wake for a round of `chunks` chunks. */
  choose(chunks: number): number {
    const all = Math.min(this.workers, chunks);
    const late = this.late.get(chunks);
    if (all <= 1 || !late || late.share < 0.5) return all;
    return ++late.rounds % 8 === 0 ? all : 1;
  }

  /**
   * Learns from a round that woke `computeMs.length` workers: each one's time computing chunks
   * and waiting at the barrier. A worker that computed nothing while one that did waited at the
   * barrier longer than a tenth of the busiest one's compute time held the round up.
   */
  record(chunks: number, computeMs: readonly number[], waitMs: readonly number[]): void {
    if (computeMs.length <= 1) return;
    const busiest = Math.max(...computeMs);
    const idle = (w: number) => computeMs[w]! < 0.1 * busiest;
    // A worker that computed nothing waits at the barrier itself; the hold-up shows in the wait
    // of those that did compute.
    const heldUp =
      computeMs.some((_, w) => idle(w)) && waitMs.some((ms, w) => !idle(w) && ms > 0.1 * busiest);
    const late = this.late.get(chunks) ?? { share: 0, rounds: 0 };
    late.share += 0.25 * ((heldUp ? 1 : 0) - late.share);
    this.late.set(chunks, late);
  }
}
