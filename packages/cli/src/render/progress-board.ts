import type { CliIo } from "../io.ts";

/** Width of the bar itself, in cells. */
const BAR = 20;

/** A bar of `fraction` (0..1) in eighth-cell steps. */
export function progressBar(fraction: number): string {
  const clamped = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0));
  const eighths = Math.round(clamped * BAR * 8);
  const full = Math.floor(eighths / 8);
  const partial = eighths % 8;
  return `${"█".repeat(full)}${partial > 0 ? " ▏▎▍▌▋▊▉"[partial] : ""}`.padEnd(BAR, "·");
}

/**
 * One progress bar per run on stderr (`lrsim compare`): each line says where its run is —
 * queued, a bar with epoch, loss, accuracy and ETA while it trains, its result when done. The
 * board is redrawn in place (cursor up, rewrite) at most every 100 ms, and only when stderr is
 * a terminal: piped output and CI logs get nothing.
 */
export class ProgressBoard {
  private readonly lines: string[];
  private drawn = 0;
  private lastDraw = 0;

  constructor(
    private readonly io: CliIo,
    private readonly labels: readonly string[],
  ) {
    const width = Math.max(...labels.map((l) => l.length));
    this.labels = labels.map((l) => l.padEnd(width));
    this.lines = this.labels.map((l) => `${l}  queued`);
  }

  /** Run `index` has done `fraction` of its work; `detail` follows the bar. */
  update(index: number, fraction: number, detail: string, force = false): void {
    this.lines[index] = `${this.labels[index]}  ${progressBar(fraction)} ${detail}`;
    this.draw(force);
  }

  /** Run `index` has ended; `result` replaces its bar. */
  finish(index: number, result: string): void {
    this.lines[index] = `${this.labels[index]}  ${result}`;
    this.draw(true);
  }

  /** The last state stays on screen, followed by a newline, so later output starts clean. */
  close(): void {
    if (this.drawn > 0) this.draw(true);
  }

  private draw(force: boolean): void {
    if (!this.io.isErrTTY) return;
    const now = performance.now();
    if (!force && now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const width = (process.stderr.columns || 100) - 1;
    const up = this.drawn > 0 ? `\x1b[${this.drawn}A` : "";
    const body = this.lines.map((line) => `\r\x1b[2K${line.slice(0, width)}\n`).join("");
    this.io.err(up + body);
    this.drawn = this.lines.length;
  }
}
