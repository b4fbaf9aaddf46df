import { describe, expect, it } from "vitest";
import type { CliIo } from "../src/io.ts";
import { ProgressBoard, progressBar } from "../src/render/progress-board.ts";

/** ESC [ n A: the cursor moves up n lines. */
const CURSOR_UP = new RegExp(`${String.fromCharCode(27)}\\[\\d+A`);

function terminal(isErrTTY: boolean): CliIo & { written: string[] } {
  const written: string[] = [];
  return {
    written,
    out: () => undefined,
    err: (t) => written.push(t),
    isTTY: isErrTTY,
    isErrTTY,
    env: {},
    cwd: "/",
  };
}

describe("progress board", () => {
  it("draws bars in eighths of a cell", () => {
    expect(progressBar(0)).toBe("·".repeat(20));
    expect(progressBar(0.5)).toBe(`${"█".repeat(10)}${"·".repeat(10)}`);
    expect(progressBar(1 / 160)).toBe(`▏${"·".repeat(19)}`);
    expect(progressBar(1)).toBe("█".repeat(20));
    expect(progressBar(Number.NaN)).toBe("·".repeat(20));
  });

  it("keeps one line per run and redraws them in place", () => {
    const io = terminal(true);
    const board = new ProgressBoard(io, ["1. step", "2. onecycle"]);
    board.update(0, 0.5, "epoch 10/20", true);
    board.finish(0, "completed");
    board.update(1, 0.25, "epoch 5/20", true);
    board.close();
    const screens = io.written.map((w) => w.replace(CURSOR_UP, "").split("\n").filter(Boolean));
    expect(io.written[0]).not.toMatch(CURSOR_UP); // the first draw moves nothing up
    for (const w of io.written.slice(1)) expect(w.startsWith("\x1b[2A")).toBe(true);
    expect(screens[1]).toEqual(["\r\x1b[2K1. step      completed", "\r\x1b[2K2. onecycle  queued"]);
    expect(screens.at(-1)?.[1]).toBe(`\r\x1b[2K2. onecycle  ${"█".repeat(5)}${"·".repeat(15)} epoch 5/20`);
  });

  it("prints nothing when stderr is not a terminal", () => {
    const io = terminal(false);
    const board = new ProgressBoard(io, ["1. step"]);
    board.update(0, 0.5, "epoch 1/2", true);
    board.finish(0, "completed");
    board.close();
    expect(io.written).toEqual([]);
  });
});
