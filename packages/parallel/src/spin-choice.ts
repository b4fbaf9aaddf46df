/**
 * Whether the main thread should spin for its command to end before it sleeps, chosen by
 * measuring both. When a core is free, spinning saves the main thread's wake-up (40–50 µs on
 * this VM, whose idle virtual CPU halts): 1.16–1.22x the samples/s of one-chunk steps (batch 32)
 * with the native kernel. When another process has that core, a spinning main thread takes time
 * from the worker it waits for and loses its turn when it has real work: always spinning
 * measured 0.81x. Neither the load average nor the spins' own outcome tells the two apart (the
 * spin still ends with the command, only later), so the choice is the one that measured faster,
 * from one command's posting to the next's: blocks of BLOCK commands alternate spin, sleep, spin, sleep, the one with
 * the lower median time per sample (a median, so one stall the OS causes does not decide) is
 * kept for a while, and the comparison starts over. The while doubles each time the same choice
 * wins again, from 32 blocks up to 1,024 (16,384 commands), and starts at 32 when the other wins:
 * exploring the worse choice costs (a spin beside a competing process, 0.5 ms), so a settled
 * machine pays for it rarely.
 */
const BLOCK = 16;
const EXPLORE_BLOCKS = 4;
const FIRST_EXPLOIT_BLOCKS = 32;
const MAX_EXPLOIT_BLOCKS = 1024;

export class SpinChoice {
  /** Blocks done in this round: exploring below EXPLORE_BLOCKS, then exploiting. */
  private block = 0;
  private commands = 0;
  /** Ms per sample of the commands waited for while exploring: [spinning, sleeping]. */
  private times: [number[], number[]] = [[], []];
  /** The faster at the last comparison (none before the first). */
  private best: boolean | undefined;
  /** Blocks the current choice is kept for before the next comparison. */
  private exploitBlocks = FIRST_EXPLOIT_BLOCKS;

  /** Whether the next command's wait spins. */
  get spin(): boolean {
    return this.block < EXPLORE_BLOCKS ? this.block % 2 === 0 : this.best === true;
  }

  /**
   * Records a command waited for as {@link spin} said: `msPerSample` from posting it to posting
   * the next one (its wait and what the main thread did before the next).
   */
  record(msPerSample: number): void {
    if (this.block < EXPLORE_BLOCKS) this.times[this.block % 2]!.push(msPerSample);
    if (++this.commands < BLOCK) return;
    this.commands = 0;
    this.block++;
    if (this.block === EXPLORE_BLOCKS) {
      const best = median(this.times[0]) <= median(this.times[1]);
      this.exploitBlocks =
        best === this.best ? Math.min(MAX_EXPLOIT_BLOCKS, 2 * this.exploitBlocks) : FIRST_EXPLOIT_BLOCKS;
      this.best = best;
      this.times = [[], []];
    } else if (this.block === EXPLORE_BLOCKS + this.exploitBlocks) this.block = 0;
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
