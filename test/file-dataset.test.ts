import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot, runCli } from "./helpers/cli.ts";

const project = join(repoRoot, "test/fixtures/file-dataset");

describe("a dataset plugin that reads a file named by a path parameter", () => {
  it("finds the file relative to the config that names it, from a subfolder, in worker threads too", async () => {
    // lrsim.config.json in the project names ./points-dataset.js(path="./data/points.csv").
    const r = await runCli(["run", "--workers", "2", "--json"], { cwd: join(project, "data") });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.status).toBe("completed");
    expect(out.dataset).toBe(`../points-dataset.js(path=${join(project, "data/points.csv")})`);
    expect(out.final.testLoss).toBeLessThan(out.history[0].testLoss / 10);
  });

  it("a quoted path with a file that is not there fails in the plugin's load, naming the file", async () => {
    const r = await runCli(
      ["run", "--workers", "0", "--dataset", './points-dataset.js(path="./data/no such.csv")'],
      {
        cwd: project,
      },
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `lrsim: dataset "./points-dataset.js" failed in load: ENOENT: no such file or directory, open '${join(project, "data/no such.csv")}'`,
    );
  });

  it("a built-in file dataset (gzipped IDX digits) trains on two worker threads from the command line", async () => {
    const r = await runCli([
      "run",
      "--model",
      "softmax",
      "--dataset",
      "idx(dir=examples/data/digits-14px)",
      "--schedule",
      "constant(lr=0.5)",
      "--epochs",
      "4",
      "--workers",
      "2",
      "--json",
    ]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.status).toBe("completed");
    expect(out.dataset).toBe(`idx(dir=${join(repoRoot, "examples/data/digits-14px")})`);
    // The same run as docs/datasets.md's, there on no workers: the same accuracy, bit for bit.
    expect(out.final.testAccuracy).toBe(0.832);
  });
});
