import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { openResults } from "@lrsim/store";
import { expect } from "vitest";
import { run } from "../../packages/cli/src/api/run.ts";
import { main } from "../../packages/cli/src/main.ts";

/** The plugins of the fault tests (a stuck gradient, a schedule returning batch -5, ...). */
export const faultPlugins = fileURLToPath(new URL("../fixtures/faults/", import.meta.url));

/** A fresh scratch folder. */
export function scratch(): string {
  return mkdtempSync(join(tmpdir(), "lrsim-fault-"));
}

/** The tiniest real run: a line fit on 5 points, in-process. */
export const TINY = ["--model", "linear", "--dataset", "line(n=5)", "--batch-size", "5", "--workers", "0"];

/** A results database holding two completed runs, as earlier work the faults must not lose. */
export async function databaseWithRuns(dir = scratch()): Promise<{ path: string; dir: string }> {
  const path = join(dir, "results.db");
  for (const lr of [0.01, 0.02])
    await run({
      schedule: `constant(lr=${lr})`,
      model: "linear",
      dataset: "line(n=5)",
      batchSize: 5,
      epochs: 2,
      workers: 0,
      db: path,
    });
  return { path, dir };
}

/** Asserts the database passes SQLite's integrity check and still holds runs 1 and 2, completed, with their rows. */
export function expectIntact(path: string, earlier: readonly number[] = [1, 2]): void {
  const db = openResults(path, { readonly: true });
  try {
    expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
    const rows = db.prepare("SELECT id, status FROM runs ORDER BY id").all() as Array<{
      id: number;
      status: string;
    }>;
    for (const id of earlier) expect(rows.find((r) => r.id === id)?.status, `run ${id}`).toBe("completed");
    for (const id of earlier) {
      const { n } = db.prepare("SELECT count(*) n FROM evaluations WHERE run_id = ?").get(id) as {
        n: number;
      };
      expect(n, `evaluations of run ${id}`).toBeGreaterThan(0);
    }
  } finally {
    db.close();
  }
}

/** The one line an error printed: exactly one line on stderr, returned. */
export function oneLine(stderr: string): string {
  const lines = stderr.trimEnd().split("\n");
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).not.toMatch(/internal error/);
  return lines[0]!;
}

/**
 * Runs the CLI's `main` in this process (no child, no startup cost) with its own streams, for
 * faults that need no real process (no signals, no exit races). Same exit codes and output.
 */
export async function runMain(
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const line = (text: string) => (text.endsWith("\n") ? text : `${text}\n`);
  const code = await main(args, {
    out: (text) => {
      stdout += line(text);
    },
    err: (text) => {
      stderr += line(text);
    },
    isTTY: false,
    isErrTTY: false,
    env: { ...process.env, NO_COLOR: "1", LRSIM_DB: join(scratch(), "unused.db"), ...options.env },
    cwd: options.cwd ?? scratch(),
  });
  return { code, stdout, stderr };
}
