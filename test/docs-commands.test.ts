import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { documentedFiles, runExample, shellWords } from "../scripts/docs/examples.ts";
import { repoRoot } from "./helpers/cli.ts";

/**
 * Every command in a ```sh block of the README and the guides, accounted for: lrsim commands
 * are run (in a scratch folder with a database holding a few runs, so `runs show 3` and
 * `merge laptop.db server.db` have something to work on); `pnpm install`/`pnpm test` are what
 * `.ci/run` runs; `npm i lrsim` and `npx lrsim ...` are what test/installed-package.test.ts
 * does with the packed tarball in a project of its own; other `pnpm <script>` commands must be
 * scripts of package.json (benchmarks and generators are timed or slow, and run outside the
 * test suite).
 */
const SH_BLOCK = /```(?:sh|bash|shell)\n([\s\S]*?)```/g;

function documentedCommands(): Array<{ file: string; command: string }> {
  const commands: Array<{ file: string; command: string }> = [];
  for (const file of documentedFiles())
    for (const [, body] of readFileSync(file, "utf8").matchAll(SH_BLOCK))
      for (const line of body!.split("\n")) {
        const code = line.replace(/\s+#.*$/, "").trim();
        if (code) for (const part of code.split("&&")) commands.push({ file, command: part.trim() });
      }
  return commands;
}

const scripts = (
  JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { scripts: Record<string, string> }
).scripts;
const ciRun = readFileSync(join(repoRoot, ".ci/run"), "utf8");
const installTest = readFileSync(join(repoRoot, "test/installed-package.test.ts"), "utf8");

describe("every command in the README and the guides' sh blocks", () => {
  const scratch = mkdtempSync(join(tmpdir(), "lrsim-doc-commands-"));
  const db = join(scratch, "lrsim.db");
  const tiny = 'run --model softmax --dataset "blobs(n=200)" --epochs 1 --workers 0';
  const commands = documentedCommands();

  it("are found (the README's two commands among them)", () => {
    expect(commands.map((c) => c.command)).toEqual(
      expect.arrayContaining(["pnpm lrsim compare --schedules step,onecycle,batchramp", "pnpm test"]),
    );
    expect(ciRun).toContain("npm i -g pnpm@10 && pnpm install && pnpm test");
  });

  it("work: lrsim commands run, the others are CI's or package.json scripts", async () => {
    for (const name of ["lrsim.db", "laptop.db", "server.db"])
      for (let i = 0; i < 3; i++)
        await runExample(`lrsim ${tiny}`, { cwd: scratch, db: join(scratch, name) });
    for (const { file, command } of commands) {
      const npx = /^npx lrsim (.*)$/.exec(command);
      if (npx) {
        const args = shellWords(npx[1]!).map((word) => JSON.stringify(word));
        expect(installTest, `${file}: ${command} is run by the install test`).toContain(
          `npxLrsim([${args.join(", ")}])`,
        );
        continue;
      }
      const lrsim = /^(?:pnpm (?:-s )?)?lrsim (.*)$/.exec(command);
      if (lrsim) {
        const output = await runExample(`lrsim ${lrsim[1]}`, { cwd: scratch, db });
        expect(output, `${file}: ${command}`).not.toMatch(/\(exit \d+\)\n$/);
        continue;
      }
      if (command === "npm i lrsim") {
        expect(
          installTest,
          `${file}: ${command} is what the install test does with the packed tarball`,
        ).toMatch(/sh\("npm", \["install", .*lrsim/);
        continue;
      }
      if (command === "npm i -g pnpm@10" || command === "pnpm install" || command === "pnpm test") {
        expect(ciRun, `${file}: ${command} is run by .ci/run`).toContain(command);
        continue;
      }
      const script = /^pnpm (?:run )?(?:-s )?([\w:-]+)/.exec(command)?.[1];
      expect(
        script && scripts[script],
        `${file}: "${command}" is neither lrsim nor a package.json script`,
      ).toBeTruthy();
    }
    expect(shellWords('lrsim query "SELECT 1" --csv')).toEqual(["lrsim", "query", "SELECT 1", "--csv"]);
    // The README's headline comparison is among them: ~10 s idle, past 60 s on 2 busy cores.
  }, 240_000);
});
