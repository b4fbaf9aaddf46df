import { cpSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot, runCli } from "./helpers/cli.ts";

/**
 * A user's project outside the workspace, as `npm install lrsim lrsim-plugin-sine` would leave
 * it: lrsim linked into node_modules, the dataset example installed as a published package, and
 * the model (TypeScript) and schedule (JavaScript) examples as loose files of the project.
 */
function userProject(): string {
  const project = mkdtempSync(join(tmpdir(), "lrsim-user-project-"));
  const modules = join(project, "node_modules");
  mkdirSync(modules);
  symlinkSync(join(repoRoot, "packages/cli"), join(modules, "lrsim"), "dir");
  const notTests = (source: string) => !source.endsWith(".test.ts");
  cpSync(join(repoRoot, "examples/dataset-sine"), join(modules, "lrsim-plugin-sine"), {
    recursive: true,
    filter: notTests,
  });
  cpSync(join(repoRoot, "examples/model-polynomial/polynomial.ts"), join(project, "polynomial.ts"));
  cpSync(join(repoRoot, "examples/schedule-warmup-poly/warmup-poly.js"), join(project, "warmup-poly.js"));
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "my-experiments", type: "module" }));
  return project;
}

describe("the example plugins, from a project outside the workspace, on 2 worker threads", () => {
  const project = userProject();
  const env = { LRSIM_DB: join(project, "results.db") };

  it("lrsim plugins finds the installed lrsim-plugin-sine package", async () => {
    const r = await runCli(["plugins", "--json"], { cwd: project, env });
    expect(r.code, r.stderr).toBe(0);
    const datasets = (
      JSON.parse(r.stdout) as Array<{ kind: string; plugins: Array<{ name: string; source: string }> }>
    ).find((k) => k.kind === "dataset")!.plugins;
    expect(datasets.find((p) => p.name === "sine")?.source).toMatch(
      /node_modules\/lrsim-plugin-sine\/sine\.js$/,
    );
  });

  it("trains the TypeScript model on the packaged dataset under the JavaScript schedule", async () => {
    const r = await runCli(
      [
        "run",
        "--model",
        "./polynomial.ts(degree=5)",
        "--dataset",
        "sine(n=400, noise=0.05)",
        "--schedule",
        "./warmup-poly.js(lr=0.5, power=2)",
        "--optimizer",
        "sgd(momentum=0.9)",
        "--batch-size",
        "32",
        "--epochs",
        "40",
        "--workers",
        "2",
        "--json",
      ],
      { cwd: project, env },
    );
    expect(r.code, r.stderr).toBe(0);
    const run = JSON.parse(r.stdout) as {
      status: string;
      schedule: string;
      model: string;
      history: Array<{ testLoss: number }>;
      final: { testLoss: number };
    };
    expect(run.status).toBe("completed");
    expect(run.model).toBe("./polynomial.ts(degree=5)");
    expect(run.schedule).toMatch(/^\.\/warmup-poly\.js\(lr=0\.5, warmup=\d+, total=\d+, power=2\)$/);
    // sin(pi x) has variance 1/2 on [-1, 1]; a degree-5 fit leaves little more than the noise.
    expect(run.history[0]!.testLoss).toBeGreaterThan(0.3);
    expect(run.final.testLoss).toBeLessThan(0.02);
  });

  it("compares the JavaScript schedule with a built-in one (--schedules with a path)", async () => {
    const r = await runCli(
      [
        "compare",
        "--schedules",
        "./warmup-poly.js(power=2),step",
        "--model",
        "./polynomial.ts",
        "--dataset",
        "sine",
        "--optimizer",
        "sgd",
        "--epochs",
        "10",
        "--batch-size",
        "16",
        "--workers",
        "2",
        "--json",
      ],
      { cwd: project, env },
    );
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { runs: Array<{ schedule: string; status: string }> };
    // The constant-rate control runs first, then the schedules as given.
    expect(out.runs.map((run) => run.status)).toEqual(["completed", "completed", "completed"]);
    expect(out.runs[0]!.schedule).toMatch(/^constant/);
    expect(out.runs[1]!.schedule).toMatch(/^\.\/warmup-poly\.js\(/);
  });
});

describe("lrsim.config.*, found like other tools' config files", () => {
  const project = userProject();
  const env = { LRSIM_DB: join(project, "results.db") };
  const sub = join(project, "experiments", "today");
  mkdirSync(sub, { recursive: true });

  it("takes option defaults from lrsim.config.json in a parent directory, paths relative to it; flags win", async () => {
    writeFileSync(
      join(project, "lrsim.config.json"),
      JSON.stringify({
        model: "./polynomial.ts(degree=2)",
        dataset: "sine",
        workers: 2,
        run: { schedule: "./warmup-poly.js(lr=0.2)", epochs: 3, batchSize: 16 },
      }),
    );
    const r = await runCli(["run", "--epochs", "2", "--json"], { cwd: sub, env });
    expect(r.code, r.stderr).toBe(0);
    const run = JSON.parse(r.stdout) as {
      model: string;
      schedule: string;
      dataset: string;
      epochs: number;
      batchSize: number;
    };
    expect(run.model).toBe("../../polynomial.ts(degree=2)");
    expect(run.schedule).toMatch(/^\.\.\/\.\.\/warmup-poly\.js\(lr=0\.2, /);
    expect([run.dataset, run.epochs, run.batchSize]).toEqual(["sine", 2, 16]);
  });

  it("loads lrsim.config.ts with defineConfig from lrsim, before lrsim.config.json", async () => {
    writeFileSync(
      join(project, "lrsim.config.ts"),
      `import { defineConfig } from "lrsim";\nexport default defineConfig({ model: "./polynomial.ts", dataset: "sine(n=100)", compare: { schedules: "./warmup-poly.js,constant", epochs: 2, workers: 2 } });\n`,
    );
    const r = await runCli(["compare", "--json"], { cwd: project, env });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as {
      runs: Array<{ schedule: string; dataset: string; epochs: number }>;
    };
    expect(out.runs.map((x) => [x.schedule.replace(/\(.*$/, ""), x.dataset, x.epochs])).toEqual([
      ["./warmup-poly.js", "sine(n=100)", 2],
      ["constant", "sine(n=100)", 2],
    ]);
  });

  it("says which file and which key is wrong, in one line", async () => {
    const bad = join(project, "bad.config.json");
    writeFileSync(bad, JSON.stringify({ run: { epochz: 3 } }));
    const r = await runCli(["run", "--config", bad], { cwd: project, env });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`lrsim: ${bad}: lrsim run has no option "epochz" (lrsim run --help lists them)\n`);
    writeFileSync(bad, "{ not json");
    expect((await runCli(["run", "--config", bad], { cwd: project, env })).stderr).toMatch(
      new RegExp(`^lrsim: ${bad}: .*JSON`),
    );
    const none = await runCli(["run", "--no-config", "--model", "linear", "--dataset", "line", "--json"], {
      cwd: project,
      env,
    });
    expect(JSON.parse(none.stdout).schedule).toBe("constant");
  });
});
