import type { CliIo } from "../io.ts";

/**
 * A one-line progress display on stderr, redrawn at most every 100 ms, and only when stderr
 * is a terminal: piped output and CI logs stay clean.
 */
export class ProgressLine {
  private last = 0;
  private shown = false;

  constructor(private readonly io: CliIo) {}

  update(text: string, force = false): void {
    if (!this.io.isErrTTY) return;
    const now = performance.now();
    if (!force && now - this.last < 100) return;
    this.last = now;
    this.shown = true;
    const width = process.stderr.columns || 100; // 0 when the terminal does not say
    process.stderr.write(`\r\x1b[2K${text.slice(0, width - 1)}`);
  }

  /** Erases the line so the next output starts clean. */
  clear(): void {
    if (this.shown) process.stderr.write("\r\x1b[2K");
    this.shown = false;
  }
}
