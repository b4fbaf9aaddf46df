/**
 * Backup chunks: a worker with nothing left to claim computes an overdue chunk again, into a
 * spare slot of its own, and whichever copy is published first counts. On a busy machine the OS
 * can take a worker's core in the middle of a chunk for several milliseconds; without a backup
 * the step waits for that chunk, so 2 workers beside one competing process ran slower than 1
 * (0.95x at batch 128). A chunk's result depends only on the chunk, so either copy has the same
 * bits and runs stay identical at any worker count.
 *
 * Slots are physical: the round's chunk `c` is in slot `table[c]`, and each worker owns one spare
 * slot besides. A backup that wins swaps its spare into the table and takes the chunk's old slot
 * as its new spare — which the loser may still be writing, so every writer announces the slot it
 * writes (`writing`), and a worker backs up only into a spare nobody announced. A loser learns
 * it lost when it publishes: `doneGen[c]` holds the generation of the last command that
 * published chunk `c`, and a publish is a compare-and-exchange that succeeds only while that is
 * older than the publisher's command. Generations wrap (int32), so "older" is the sign of the
 * wrapped difference.
 */

/** Offsets of the Int32 chunk-state block for `slots` chunk slots and `workers` workers. */
export function chunkStateLayout(slots: number, workers: number) {
  return {
    /** Physical slot of chunk c: [0, slots). */
    table: 0,
    /** Generation whose primary claimed chunk c and stamped its start in `claimedAt`. */
    claimGen: slots,
    /** Generation that last published chunk c. */
    doneGen: 2 * slots,
    /** Generation in which chunk c's one backup was taken. */
    backupGen: 3 * slots,
    /** Each worker's spare physical slot. */
    spareOf: 4 * slots,
    /** Each worker's announced slot while it writes one (slot + 1; 0 when not writing). */
    writing: 4 * slots + workers,
    length: 4 * slots + 2 * workers,
  } as const;
}

type Layout = ReturnType<typeof chunkStateLayout>;

/** Physical slots a session needs: one per chunk slot and one spare per worker. */
export const physicalSlots = (slots: number, workers: number) => slots + workers;

/** Puts chunk c in slot c and worker w's spare in slot `slots + w` (a fresh session). */
export function initChunkState(state: Int32Array, slots: number, workers: number): void {
  const at = chunkStateLayout(slots, workers);
  for (let c = 0; c < slots; c++) state[at.table + c] = c;
  for (let w = 0; w < workers; w++) state[at.spareOf + w] = slots + w;
}

/** Whether generation `a` came before `b` (int32 generations that wrap). */
const before = (a: number, b: number) => ((a - b) | 0) < 0;

/** One worker's view of the chunk-state block: the claims, announcements and publishes above. */
export class ChunkSlots {
  private readonly at: Layout;

  constructor(
    private readonly state: Int32Array,
    private readonly claimedAt: Float64Array,
    slots: number,
    private readonly workers: number,
    private readonly worker: number,
  ) {
    this.at = chunkStateLayout(slots, workers);
  }

  /**
   * The slot the primary of chunk `item` (just claimed in command `generation`) writes: it
   * announces the slot, then stamps the claim, so no backup can start — and no swap move the
   * slot away — before the announcement is visible.
   */
  beginPrimary(item: number, generation: number): number {
    const slot = Atomics.load(this.state, this.at.table + item);
    Atomics.store(this.state, this.at.writing + this.worker, slot + 1);
    this.claimedAt[item] = performance.now() + performance.timeOrigin;
    Atomics.store(this.state, this.at.claimGen + item, generation);
    return slot;
  }

  /**
   * Chunk `item` of command `generation` if it may be backed up now: claimed by its primary
   * before `overdueAt` (ms since the epoch), not yet published, no backup taken. Then takes the
   * backup and returns this worker's spare slot to write, or -1.
   */
  beginBackup(item: number, generation: number, overdueAt: number): number {
    const s = this.state;
    if (Atomics.load(s, this.at.claimGen + item) !== generation) return -1;
    if (this.claimedAt[item]! > overdueAt) return -1;
    const done = Atomics.load(s, this.at.doneGen + item);
    if (!before(done, generation)) return -1;
    const spare = Atomics.load(s, this.at.spareOf + this.worker);
    for (let w = 0; w < this.workers; w++)
      if (w !== this.worker && Atomics.load(s, this.at.writing + w) === spare + 1) return -1;
    const taken = Atomics.load(s, this.at.backupGen + item);
    if (!before(taken, generation)) return -1;
    if (Atomics.compareExchange(s, this.at.backupGen + item, taken, generation) !== taken) return -1;
    Atomics.store(s, this.at.writing + this.worker, spare + 1);
    return spare;
  }

  /** Ends this worker's write without publishing it (its chunk was published by another copy). */
  endWrite(): void {
    Atomics.store(this.state, this.at.writing + this.worker, 0);
  }

  /**
   * Ends this worker's write of chunk `item` into `slot` and publishes it for command
   * `generation`: true when this copy counts (then a backup's spare takes the chunk's place in
   * the table, and the chunk's old slot becomes this worker's spare), false when another copy
   * was published first or the command is over.
   */
  publish(item: number, generation: number, slot: number): boolean {
    const s = this.state;
    this.endWrite();
    for (;;) {
      const done = Atomics.load(s, this.at.doneGen + item);
      if (!before(done, generation)) return false;
      if (Atomics.compareExchange(s, this.at.doneGen + item, done, generation) === done) break;
    }
    const old = Atomics.load(s, this.at.table + item);
    if (old !== slot) {
      Atomics.store(s, this.at.table + item, slot);
      Atomics.store(s, this.at.spareOf + this.worker, old);
    }
    return true;
  }

  /** Whether chunk `item` was published in command `generation` (or a later one). */
  published(item: number, generation: number): boolean {
    return !before(Atomics.load(this.state, this.at.doneGen + item), generation);
  }

  /** The physical slot holding chunk `item` (stable once the command's chunks are all published). */
  slotOf(item: number): number {
    return Atomics.load(this.state, this.at.table + item);
  }

  /** When chunk `item`'s primary claimed it (ms since the epoch), if claimed in `generation`; else NaN. */
  claimedIn(item: number, generation: number): number {
    return Atomics.load(this.state, this.at.claimGen + item) === generation
      ? this.claimedAt[item]!
      : Number.NaN;
  }
}

/**
 * Calls `run(first, slot, count)` for each stretch of chunks 0..chunks-1 whose slots are
 * consecutive (chunk `first` in `slot`, the next `count - 1` after it), in chunk order: the
 * reduction adds each stretch with one call, and the sum keeps its order.
 */
export function forEachSlotRun(
  chunks: number,
  slotOf: (chunk: number) => number,
  run: (first: number, slot: number, count: number) => void,
): void {
  let first = 0;
  while (first < chunks) {
    const slot = slotOf(first);
    let count = 1;
    while (first + count < chunks && slotOf(first + count) === slot + count) count++;
    run(first, slot, count);
    first += count;
  }
}
