import type { CliIo } from "../io.ts";

/**
 * The live status of a sweep on stderr: one line per run in progress and the sweep's total
 * (done, ETA), redrawn in place at most every 200 ms when stderr is a terminal; events (a run
 * recorded, a Redis problem) are printed above it as permanent lines, and are all that piped
 * output and CI logs get.
 */
export class StatusLines {
  private readonly lines = new Map<string, string>();
  private totalLine = "";
  private drawn = 0;
  private lastDraw = 0;

  constructor(private readonly io: CliIo) {}

  /** The line of run `key`. */
  set(key: string, line: string): void {
    this.lines.set(key, line);
    this.draw(false);
  }

  /** Run `key` is no longer in progress. */
  delete(key: string): void {
    this.lines.delete(key);
  }

  /** Every run line at once (the coordinator's view of the queue). */
  replaceAll(entries: readonly (readonly [string, string])[]): void {
    this.lines.clear();
    for (const [key, line] of entries) this.lines.set(key, line);
    this.draw(false);
  }

  /** The sweep's total line, last (drawn at once: it changes only when a run is recorded or the queue looked at). */
  total(line: string): void {
    this.totalLine = line;
    this.draw(true);
  }

  /** A permanent line above the live ones. */
  log(line: string): void {
    if (!this.io.isErrTTY) {
      this.io.err(line);
      return;
    }
    // Over the live lines (cursor up, clear to the end), then the live lines again below it.
    const up = this.drawn > 0 ? `\x1b[${this.drawn}A\r\x1b[0J` : "";
    this.drawn = 0;
    this.io.err(`${up}${line}\n`);
    this.draw(true);
  }

  /** Leaves the last state on screen. */
  close(): void {
    if (this.io.isErrTTY && this.drawn > 0) this.draw(true);
  }

  private draw(force: boolean): void {
    if (!this.io.isErrTTY) return;
    const now = performance.now();
    if (!force && now - this.lastDraw < 200) return;
    this.lastDraw = now;
    const width = (process.stderr.columns || 100) - 1;
    const all = [...this.lines.values(), ...(this.totalLine ? [this.totalLine] : [])];
    // Nothing live to show: the last frame stays until there is (every write ends in a newline).
    if (all.length === 0) return;
    const up = this.drawn > 0 ? `\x1b[${this.drawn}A` : "";
    this.io.err(`${up}\r\x1b[0J${all.map((line) => `${line.slice(0, width)}\n`).join("")}`);
    this.drawn = all.length;
  }
}
