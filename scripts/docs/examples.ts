/**
 * Keeps the command examples in README.md and docs/*.md true. Every fenced block tagged
 * `console` whose first line is `$ lrsim ...` is run through the real CLI (in-process) and
 * the lines after the command are replaced by its output.
 *
 *   pnpm docs:examples          rewrite the docs with fresh output
 *   pnpm docs:examples --check  exit 1 and list the blocks whose output has drifted
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { CliIo } from "../../packages/cli/src/io.ts";
import { main } from "../../packages/cli/src/main.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
/** Documented runs are recorded in a scratch database, not the repository's ./lrsim.db. */
const scratchDb = join(mkdtempSync(join(tmpdir(), "lrsim-docs-")), "lrsim.db");
const BLOCK = /```console\n\$ (lrsim [^\n]*)\n([\s\S]*?)```/g;

/** Splits a command line like a POSIX shell would for simple quoting ('...' and "..."). */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let current = "";
  let quote: string | undefined;
  let started = false;
  for (const char of line) {
    if (quote) {
      if (char === quote) quote = undefined;
      else current += char;
    } else if (char === '"' || char === "'") {
      quote = char;
      started = true;
    } else if (char === " ") {
      if (started) words.push(current);
      current = "";
      started = false;
    } else {
      current += char;
      started = true;
    }
  }
  if (started) words.push(current);
  return words;
}

/**
 * Runs one documented command and returns what a reader would see (stdout, then stderr), with
 * the repository's folder written `/path/to/lrsim/`.
 * `where` overrides the directory and database (default: the repository root and a scratch file).
 */
export async function runExample(
  commandLine: string,
  where: { cwd?: string; db?: string } = {},
): Promise<string> {
  const out: string[] = [];
  const io: CliIo = {
    out: (t) => out.push(t.endsWith("\n") ? t : `${t}\n`),
    err: (t) => out.push(t.endsWith("\n") ? t : `${t}\n`),
    isTTY: false,
    isErrTTY: false,
    // Documented output is what a pipe gets: no colour, 80 columns.
    env: {
      ...process.env,
      NO_COLOR: "1",
      FORCE_COLOR: undefined,
      COLUMNS: undefined,
      LRSIM_DB: where.db ?? scratchDb,
    },
    cwd: where.cwd ?? root,
  };
  const code = await main(shellWords(commandLine).slice(1), io);
  if (code !== 0) out.push(`(exit ${code})\n`);
  // Path parameters print as absolute paths; the checkout's own folder reads the same anywhere.
  return out.join("").replaceAll(root, "/path/to/lrsim/");
}

export function documentedFiles(): string[] {
  const docs = readdirSync(join(root, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => join(root, "docs", f));
  return [join(root, "README.md"), ...docs];
}

/**
 * Durations ("12.3s") and file sizes ("(250 KB)") differ from run to run; they are compared as
 * placeholders. A duration that gains a digit widens its table column, so runs of spaces and of
 * a rule's dashes are compared as one.
 */
export function normalize(output: string): string {
  return output
    .replace(/\b\d+(\.\d+)?s\b/g, "#s")
    .replace(/\(\d+ KB\)/g, "(# KB)")
    .replace(/ +/g, " ")
    .replace(/-{2,}/g, "--");
}

export interface Drift {
  readonly file: string;
  readonly command: string;
  readonly documented: string;
  readonly actual: string;
}

/** Re-runs every example in `file`; returns the refreshed text and the blocks that differed. */
export async function refresh(file: string): Promise<{ text: string; drifts: Drift[] }> {
  const text = readFileSync(file, "utf8");
  const drifts: Drift[] = [];
  let result = "";
  let last = 0;
  for (const match of text.matchAll(BLOCK)) {
    const [whole, command, documented] = match as unknown as [string, string, string];
    const actual = await runExample(command);
    const drifted = normalize(actual) !== normalize(documented);
    if (drifted) drifts.push({ file, command, documented, actual });
    result +=
      text.slice(last, match.index) +
      "```console\n$ " +
      command +
      "\n" +
      (drifted ? actual : documented) +
      "```";
    last = match.index! + whole.length;
  }
  return { text: result + text.slice(last), drifts };
}

async function cli(): Promise<void> {
  const check = process.argv.includes("--check");
  let drifted = 0;
  for (const file of documentedFiles()) {
    const { text, drifts } = await refresh(file);
    drifted += drifts.length;
    if (check) for (const d of drifts) console.error(`${d.file}: output of "${d.command}" has drifted`);
    else if (drifts.length) writeFileSync(file, text);
  }
  if (check && drifted) process.exitCode = 1;
  else console.error(check ? "docs examples are up to date" : `refreshed ${drifted} example block(s)`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await cli();
