import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { openResults } from "@lrsim/store";
import { describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.ts";
import {
  databaseWithRuns,
  expectIntact,
  faultPlugins,
  oneLine,
  runMain,
  scratch,
  TINY,
} from "./helpers/faults.ts";

/** A folder holding an ES-module package.json and a config file. */
function configFolder(name: string, text: string): string {
  const dir = join(scratch(), "project");
  mkdirSync(dir);
  writeFileSync(join(dir, "package.json"), '{ "type": "module" }\n');
  writeFileSync(join(dir, name), text);
  return dir;
}

describe("messages that said the wrong thing", () => {
  it("a database from a newer lrsim says to upgrade, for runs list and merge alike", async () => {
    const { path, dir } = await databaseWithRuns();
    const db = openResults(path);
    db.pragma("user_version = 99");
    db.close();
    const upgrade =
      /results\.db has schema version 99, newer than this lrsim understands \(\d+\); upgrade lrsim$/;
    const listed = await runMain(["runs", "list", "--db", path]);
    expect(listed.code).toBe(1);
    expect(oneLine(listed.stderr)).toMatch(upgrade);
    const merged = await runMain(["merge", path, "-o", join(dir, "all.db")]);
    expect(merged.code).toBe(1);
    expect(oneLine(merged.stderr)).toMatch(upgrade);
    expect(merged.stderr).not.toMatch(/open it once for writing/);
  });

  it("compare --factor 0 and --lr abc name the option, not a spec the user never wrote", async () => {
    const factor = await runMain(["compare", ...TINY, "--factor", "0"]);
    expect(factor.code).toBe(1);
    expect(oneLine(factor.stderr)).toBe(
      "lrsim: --factor must be a number >= 1 (the lr is divided, or the batch multiplied, by it), got 0",
    );
    const lr = await runMain(["compare", ...TINY, "--lr", "abc"]);
    expect(lr.code).toBe(2);
    expect(oneLine(lr.stderr)).toBe(
      'lrsim: --lr must be a number, got "abc" (lrsim compare --help shows the options)',
    );
    for (const r of [factor, lr]) expect(r.stderr).not.toMatch(/multistep|gamma|NaN/);
  });

  it("refusing a huge input quotes a short excerpt, not all of it", async () => {
    const nested = `${"a(".repeat(10_000)}${")".repeat(10_000)}`;
    const digits = `constant(lr=${"9".repeat(100_000)})`;
    for (const spec of [nested, digits]) {
      const r = await runMain(["schedule", spec]);
      expect(r.code).toBe(1);
      const line = oneLine(r.stderr);
      expect(line.length).toBeLessThan(300);
      expect(line).toMatch(/^lrsim: invalid spec "…?.{10,60}…": /);
    }
  });

  // The real CLI: a .ts config is compiled by tsx there (by vite inside vitest).
  it("a .ts config with a syntax error shows the file, line and message", async () => {
    const dir = configFolder("lrsim.config.ts", 'export default {\n  epochs: 3,\n  model: "linear" +,\n};\n');
    const r = await runCli(["run", ...TINY], { cwd: dir });
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toBe(
      `lrsim: ${join(dir, "lrsim.config.ts")}: line 3, column 20: Unexpected ","`,
    );
  });

  it("a misspelt config key is an error with a suggestion", async () => {
    const dir = configFolder("lrsim.config.json", '{ "epochz": 3 }\n');
    const r = await runMain(["run", ...TINY], { cwd: dir });
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toMatch(
      /lrsim\.config\.json: no lrsim command has an option "epochz" \(did you mean "epochs"\?\)/,
    );
  });

  it("a config section that is no command is an error too; a section's unknown key names the command", async () => {
    const section = await runMain(["run", ...TINY], {
      cwd: configFolder("lrsim.config.json", '{ "compaer": { "seeds": 2 } }\n'),
    });
    expect(section.code).toBe(1);
    expect(oneLine(section.stderr)).toMatch(
      /no lrsim command has an option "compaer" \(did you mean "compare"\?\)/,
    );
    const key = await runMain(["run", ...TINY], {
      cwd: configFolder("lrsim.config.json", '{ "run": { "seeds": 2 } }\n'),
    });
    expect(key.code).toBe(1);
    expect(oneLine(key.stderr)).toMatch(/lrsim run has no option "seeds"/);
  });

  it("a plugin that fails during training says so on stderr, the table still on stdout", async () => {
    const { path } = await databaseWithRuns();
    const r = await runMain(
      [
        "run",
        "--model",
        "./throwing-model.js",
        "--dataset",
        "line(n=5)",
        "--batch-size",
        "1",
        "--workers",
        "0",
        "--epochs",
        "2",
        "--db",
        path,
      ],
      {
        cwd: faultPlugins,
      },
    );
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toMatch(
      /^lrsim: the run failed: model "\.\/throwing-model\.js" failed in gradient: the plugin broke on purpose$/,
    );
    expect(r.stdout).toMatch(/^failed: 2 updates/m);
    expectIntact(path);
  });
});
