import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureDebianPackage } from "./helpers/apt.ts";
import { repoRoot } from "./helpers/cli.ts";
import {
  cliPackage,
  installedManifests,
  linksIn,
  packLrsim,
  type ShResult,
  sh,
  shOk,
  userEnv,
} from "./helpers/install.ts";

/**
 * lrsim as a user gets it: the package that would be published is packed, and `npm install`
 * puts it (with an example plugin package) into an empty project in a temporary folder outside
 * the workspace, compiling better-sqlite3 as npm does for anyone. Everything below runs the
 * installed copy from that project, with a user's environment (no workspace on PATH).
 */

/** What `npm pack --dry-run --json` says about a package. */
interface PackReport {
  readonly size: number;
  readonly unpackedSize: number;
  readonly files: ReadonlyArray<{ readonly path: string }>;
}

const scratch = mkdtempSync(join(tmpdir(), "lrsim-install-"));
/** The user's project: a package.json and, after npm install, node_modules. */
const project = join(scratch, "my-experiments");
/** A folder of loose plugin and config files with no node_modules anywhere above it. */
const loose = join(scratch, "loose");
const db = join(scratch, "results.db");
const env = userEnv({ LRSIM_DB: db });
const lrsimBin = join(project, "node_modules/.bin/lrsim");

let dryRun: PackReport;
let install: ShResult;

/** `npx lrsim ...` in the project. */
const npxLrsim = (args: readonly string[], cwd = project) => sh("npx", ["lrsim", ...args], { cwd, env });

/** `npx lrsim run` of `model` on `dataset` for one epoch on 2 worker threads completes. */
async function expectOneEpochOnTwoWorkers(model: string, dataset: string): Promise<void> {
  const r = await npxLrsim([
    "run",
    "--model",
    model,
    "--dataset",
    dataset,
    "--epochs",
    "1",
    "--workers",
    "2",
    "--json",
  ]);
  expect(r.code, r.stderr).toBe(0);
  expect(JSON.parse(r.stdout).status).toBe("completed");
}

beforeAll(async () => {
  mkdirSync(project);
  mkdirSync(loose);
  writeFileSync(
    join(project, "package.json"),
    `${JSON.stringify({ name: "my-experiments", private: true, type: "module" }, null, 2)}\n`,
  );
  const lrsim = await packLrsim(scratch);
  // What npm would publish from the built package folder (prepack already ran above).
  dryRun = (
    JSON.parse(
      await shOk("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: cliPackage }),
    ) as PackReport[]
  )[0]!;
  const sine = join(
    scratch,
    (
      JSON.parse(
        await shOk("npm", ["pack", "--json", "--pack-destination", scratch], {
          cwd: join(repoRoot, "examples/dataset-sine"),
        }),
      ) as Array<{ filename: string }>
    )[0]!.filename,
  );
  const kB = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;
  console.log(
    `lrsim packs to ${kB(statSync(lrsim).size)} (npm pack --dry-run: ${kB(dryRun.size)}, ${kB(dryRun.unpackedSize)} unpacked, ${dryRun.files.length} files)`,
  );
  // JOBS=max: node-gyp compiles better-sqlite3 (there is no prebuilt binary to fetch) on every core.
  install = await sh("npm", ["install", "--no-audit", "--no-fund", lrsim, sine], {
    cwd: project,
    env: { ...env, JOBS: "max" },
    timeout: 900_000,
  });
  cpSync(join(repoRoot, "examples/model-polynomial/polynomial.ts"), join(loose, "polynomial.ts"));
  cpSync(join(repoRoot, "examples/dataset-sine/sine.js"), join(loose, "wave.js"));
  cpSync(join(repoRoot, "examples/model-polynomial/polynomial.ts"), join(project, "polynomial.ts"));
  cpSync(join(repoRoot, "examples/schedule-warmup-poly/warmup-poly.js"), join(project, "warmup-poly.js"));
}, 960_000);

describe("the package npm would publish", () => {
  it("holds the build and its run-time files, and no sources, tests, fixtures or node_modules", () => {
    const files = dryRun.files.map((f) => f.path);
    expect(files).toEqual(expect.arrayContaining(["package.json", "dist/bin.js", "dist/index.js"]));
    for (const needed of [
      "dist/index.d.ts",
      "dist/plugin.js",
      "dist/plugin.d.ts",
      "dist/dense.wasm",
      "dist/dense-relaxed.wasm",
      "dist/update.wasm",
      "dist/conv.wasm",
      "dist/reduce.wasm",
      "dist/worker-entry.mjs",
      "dist/worker.js",
      "dist/builtins.js",
      "dist/register.js",
      "dist/lrsim-resolve.mjs",
      "dist/report-client.js",
      "dist/native/binding.gyp",
      "dist/native/binding.c",
      "dist/native/dense-kernels.c",
      "dist/native/dense-kernels.h",
      "dist/native/float16x.h",
      "dist/native/reduce.c",
      "dist/native/reduce.h",
      "dist/native/update.c",
      "dist/native/update.h",
      "dist/native/build.mjs",
    ])
      expect(files).toContain(needed);
    const unwanted = files.filter((f) =>
      /(^|\/)(src|test|fixtures|node_modules)\/|\.test\.|\.ts$(?<!\.d\.ts)|tsdown\.config/.test(f),
    );
    expect(unwanted).toEqual([]);
  });

  it("installs with npm into an empty project: real files, no workspace protocol anywhere", () => {
    expect(install.code, install.stderr).toBe(0);
    const modules = join(project, "node_modules");
    expect(readdirSync(join(modules, "lrsim")).sort()).toEqual(["README.md", "dist", "package.json"]);
    const manifest = readFileSync(join(modules, "lrsim/package.json"), "utf8");
    expect(manifest).not.toContain("@lrsim/source");
    expect(JSON.parse(manifest).bin).toEqual({ lrsim: "./dist/bin.js" });
    expect(realpathSync(join(modules, "lrsim"))).toBe(join(realpathSync(project), "node_modules/lrsim"));
    expect(linksIn(modules)).toEqual([]);
    const manifests = installedManifests(modules);
    expect(manifests.length).toBeGreaterThan(20);
    const withWorkspace = manifests.filter((m) => readFileSync(m, "utf8").includes("workspace:"));
    expect(withWorkspace).toEqual([]);
    // Nothing above the scratch folder could satisfy `lrsim` for the loose files.
    expect(existsSync(join(tmpdir(), "node_modules"))).toBe(false);
  });
});

describe("the installed lrsim, from the user's project", () => {
  it("npx lrsim compare --schedules step,batchramp --epochs 6 trains both on MNIST and records them", async () => {
    const r = await npxLrsim(["compare", "--schedules", "step,batchramp", "--epochs", "6"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^constant\(lr=0\.5\)\s.*completed$/m); // the control, always shown
    expect(r.stdout).toMatch(/^multistep\(lr=0\.5, milestones=\[2,4,5\], gamma=0\.2\)\s.*completed$/m);
    expect(r.stdout).toMatch(/^batchramp\(lr=0\.5, batchSize=64, milestones=\[2,4,5\]\)\s.*completed$/m);
    const sqlite3 = ensureDebianPackage("/usr/bin/sqlite3", "sqlite3", "reading the results database");
    const rows = await shOk(
      sqlite3,
      [db, "SELECT schedule, status, epochs_planned FROM runs WHERE comparison_id = 1 ORDER BY id"],
      { cwd: project },
    );
    expect(rows.trim().split("\n")).toEqual([
      "constant(lr=0.5)|completed|6",
      "multistep(lr=0.5, milestones=[2,4,5], gamma=0.2)|completed|6",
      "batchramp(lr=0.5, batchSize=64, milestones=[2,4,5])|completed|6",
    ]);
  });

  it("runs from a package.json script (npm run puts the installed bin on PATH)", async () => {
    const manifest = JSON.parse(readFileSync(join(project, "package.json"), "utf8")) as Record<
      string,
      unknown
    >;
    manifest.scripts = { schedule: 'lrsim schedule "step(lr=0.1, stepSize=2)" --steps 4' };
    writeFileSync(join(project, "package.json"), JSON.stringify(manifest, null, 2));
    const r = await sh("npm", ["run", "-s", "schedule"], { cwd: project, env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^step\(stepSize=2\)\n[\s\S]*^ {4}3 {2}0\.01$/m);
  });

  it("uses the packaged WebAssembly kernels (mlp(kernel=wasm) and cnn(kernel=wasm) fail without them)", async () => {
    for (const [model, dataset] of [
      ["mlp(kernel=wasm, hidden=[16])", "blobs(n=200)"],
      [
        "cnn(kernel=wasm, layers=[conv(4, 5), relu, maxpool(2), dense(16), relu])",
        "mnist(train=200, test=50)",
      ],
    ]) {
      await expectOneEpochOnTwoWorkers(model!, dataset!);
    }
  });

  it("built the native kernels at install (npm ran lrsim's install script) and trains on them", async () => {
    expect(existsSync(join(project, "node_modules/lrsim/dist/native/build/Release/lrsim_dense.node"))).toBe(
      true,
    );
    await expectOneEpochOnTwoWorkers("mlp(kernel=native, hidden=[16])", "blobs(n=200)");
  });

  it("lrsim plugins lists the installed lrsim-plugin-sine package", async () => {
    const r = await npxLrsim(["plugins", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const datasets = (
      JSON.parse(r.stdout) as Array<{ kind: string; plugins: Array<{ name: string; source: string }> }>
    ).find((k) => k.kind === "dataset")!.plugins;
    expect(datasets.find((p) => p.name === "sine")?.source).toMatch(
      /node_modules\/lrsim-plugin-sine\/sine\.js$/,
    );
  });

  it("trains the project's TypeScript model on the installed dataset package under its JavaScript schedule", async () => {
    const r = await npxLrsim([
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
    ]);
    expect(r.code, r.stderr).toBe(0);
    const run = JSON.parse(r.stdout) as {
      status: string;
      schedule: string;
      history: Array<{ testLoss: number }>;
      final: { testLoss: number };
    };
    expect(run.status).toBe("completed");
    expect(run.schedule).toMatch(/^\.\/warmup-poly\.js\(lr=0\.5, warmup=\d+, total=\d+, power=2\)$/);
    // sin(pi x) has variance 1/2 on [-1, 1]; a degree-5 fit leaves little more than the noise.
    expect(run.history[0]!.testLoss).toBeGreaterThan(0.3);
    expect(run.final.testLoss).toBeLessThan(0.02);
  });

  it("compares the JavaScript schedule with a built-in one (--schedules with a path)", async () => {
    const r = await npxLrsim([
      "compare",
      "--schedules",
      "./warmup-poly.js(power=2),step",
      "--no-control",
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
    ]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { runs: Array<{ schedule: string; status: string }> };
    expect(out.runs.map((run) => run.status)).toEqual(["completed", "completed"]);
    expect(out.runs[0]!.schedule).toMatch(/^\.\/warmup-poly\.js\(/);
  });

  it("the README's plugin (my-model.ts) trains with the command written in it", async () => {
    const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
    const source = /```ts\n(\/\/ my-model\.ts[\s\S]*?)```/.exec(readme)?.[1];
    expect(source).toBeDefined();
    writeFileSync(join(project, "my-model.ts"), source!);
    const command = /^\/\/ my-model\.ts, used with: npx lrsim (.*)$/m.exec(source!)?.[1];
    const args = [...command!.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!);
    const r = await npxLrsim([...args, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const run = JSON.parse(r.stdout) as {
      status: string;
      model: string;
      history: Array<{ testLoss: number }>;
    };
    expect([run.status, run.model]).toEqual(["completed", "./my-model.ts(scale=0.5)"]);
    expect(run.history.at(-1)!.testLoss).toBeLessThan(run.history[0]!.testLoss / 100);
  });

  it("its types check a TypeScript user's plugin and script (tsc --strict, libraries checked too)", async () => {
    writeFileSync(
      join(project, "script.ts"),
      `import { compare, defineConfig, openResults, run, type RunExperimentResult, sweep, type SweepResult } from "lrsim";
import { createRng, defineSchedule, param } from "lrsim/plugin";
const r: RunExperimentResult = await run({ schedule: "step", model: "linear", dataset: "line", workers: 0 });
const accuracy: number | null = r.final?.testAccuracy ?? null;
const { runs } = await compare({ schedules: ["step", "batchramp"], epochs: 2, onEpoch: (i, row) => console.log(i, row.epoch) });
const results = openResults();
const listed: number = results.runs().length;
results.close();
const s: SweepResult = await sweep({ grid: { lr: [0.1, 0.2], seeds: 2 }, redis: "redis://127.0.0.1:6379", onRecorded: (run, status) => console.log(run.point.lr, status) });
const best: number | null = s.runs[0]?.finalTestAccuracy ?? null;
export const config = defineConfig({ model: "./my-model.ts", workers: 2 });
export const half = defineSchedule({
  name: "half",
  summary: "Half the lr after a while.",
  unit: "epoch",
  params: { lr: param.number({ doc: "Initial lr.", default: 0.1 }) },
  create: ({ lr }) => ({ at: (t: number) => ({ lr: t < 5 ? lr : lr / 2 }) }),
});
export const noise = createRng(1, "noise").next();
console.log(accuracy, runs.length, listed, best);
`,
    );
    writeFileSync(
      join(project, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          noEmit: true,
          skipLibCheck: false,
          types: [],
        },
        include: ["script.ts", "my-model.ts"],
      }),
    );
    const tsc = join(repoRoot, "node_modules/typescript/bin/tsc");
    const r = await sh("node", [tsc, "-p", "tsconfig.json"], { cwd: project, env });
    expect(r.stdout + r.stderr).toBe("");
    expect(r.code).toBe(0);
  });

  it("a .mjs script drives the programmatic API; lrsim and lrsim/plugin export exactly their lists", async () => {
    writeFileSync(
      join(project, "experiment.mjs"),
      `import * as lrsim from "lrsim";
import * as plugin from "lrsim/plugin";
const r = await lrsim.run({ schedule: "onecycle(maxLr=0.5)", model: "softmax", dataset: "blobs(n=300)", epochs: 3, workers: 2, db: ${JSON.stringify(db)} });
const results = lrsim.openResults(${JSON.stringify(db)});
const stored = results.run(r.runId);
results.close();
let internal;
try { await import("lrsim/dist/index.js"); internal = "importable"; } catch (e) { internal = e.code; }
console.log(JSON.stringify({ status: r.status, accuracy: r.final?.testAccuracy, stored: stored.schedule, api: Object.keys(lrsim).sort(), plugin: Object.keys(plugin).sort(), internal }));
`,
    );
    const out = JSON.parse(await shOk("node", ["experiment.mjs"], { cwd: project, env })) as Record<
      string,
      unknown
    >;
    expect(out.status).toBe("completed");
    expect(out.accuracy).toBeGreaterThan(0.9);
    expect(out.stored).toMatch(/^onecycle\(maxLr=0\.5, totalSteps=\d+\)$/);
    expect(out.api).toEqual(["compare", "defineConfig", "findLr", "openResults", "run", "sweep"]);
    expect(out.plugin).toEqual([
      "ACTIVATIONS",
      "CONV_LAYERS",
      "ConvNetwork",
      "DenseNetwork",
      "activate",
      "adadeltaUpdate",
      "adagradUpdate",
      "adamUpdate",
      "axpy",
      "backpropActivation",
      "badDataFile",
      "convLayersParam",
      "createConvNetwork",
      "createDenseNetwork",
      "createRng",
      "defineDataset",
      "defineModel",
      "defineOptimizer",
      "defineSchedule",
      "denseBackward",
      "denseForward",
      "denseLayers",
      "denseLayout",
      "denseParameterGroups",
      "dot",
      "forEachGroupIn",
      "gatherRows",
      "initDense",
      "kernelParam",
      "labelSmoothingParam",
      "meanSquaredError",
      "outputLoss",
      "param",
      "planConvNet",
      "rmspropUpdate",
      "sgdUpdate",
      "sharedBytes",
      "sharedFloat32",
      "smithMilestones",
      "softmaxCrossEntropy",
      "splitSamples",
    ]);
    expect(out.internal).toBe("ERR_PACKAGE_PATH_NOT_EXPORTED");
  });
});

describe("loose plugin and config files, in a folder with no node_modules (lrsim on PATH, as npm i -g leaves it)", () => {
  it("trains the TypeScript model on the JavaScript dataset, both by path, on 2 worker threads", async () => {
    const r = await sh(
      lrsimBin,
      [
        "run",
        "--model",
        "./polynomial.ts(degree=5)",
        "--dataset",
        "./wave.js(n=400, noise=0.05)",
        "--schedule",
        "constant(lr=0.5)",
        "--optimizer",
        "sgd(momentum=0.9)",
        "--batch-size",
        "32",
        "--epochs",
        "30",
        "--workers",
        "2",
        "--json",
      ],
      { cwd: loose, env },
    );
    expect(r.code, r.stderr).toBe(0);
    const run = JSON.parse(r.stdout) as {
      status: string;
      model: string;
      dataset: string;
      final: { testLoss: number };
    };
    expect([run.status, run.model, run.dataset]).toEqual([
      "completed",
      "./polynomial.ts(degree=5)",
      "./wave.js(n=400, noise=0.05)",
    ]);
    // sin(pi x) has variance 1/2 on [-1, 1]; a degree-5 fit leaves little more than the noise.
    expect(run.final.testLoss).toBeLessThan(0.02);
  });

  it("loads lrsim.config.ts that imports defineConfig from lrsim", async () => {
    writeFileSync(
      join(loose, "lrsim.config.ts"),
      `import { defineConfig } from "lrsim";\nconst epochs: number = 2;\nexport default defineConfig({ model: "./polynomial.ts", dataset: "./wave.js(n=100)", run: { epochs, workers: 2 } });\n`,
    );
    const r = await sh(lrsimBin, ["run", "--json"], { cwd: loose, env });
    expect(r.code, r.stderr).toBe(0);
    const run = JSON.parse(r.stdout) as { model: string; dataset: string; epochs: number; status: string };
    expect([run.model, run.dataset, run.epochs, run.status]).toEqual([
      "./polynomial.ts",
      "./wave.js(n=100)",
      2,
      "completed",
    ]);
  });
});

describe("lrsim.config.*, found like other tools' config files", () => {
  it("takes option defaults from lrsim.config.json in a parent directory, paths relative to it; flags win", async () => {
    const config = join(scratch, "configs");
    const sub = join(config, "experiments", "today");
    mkdirSync(sub, { recursive: true });
    cpSync(join(loose, "polynomial.ts"), join(config, "polynomial.ts"));
    cpSync(join(project, "warmup-poly.js"), join(config, "warmup-poly.js"));
    writeFileSync(
      join(config, "lrsim.config.json"),
      JSON.stringify({
        model: "./polynomial.ts(degree=2)",
        dataset: "./wave.js",
        workers: 2,
        run: { schedule: "./warmup-poly.js(lr=0.2)", epochs: 3, batchSize: 16 },
      }),
    );
    cpSync(join(loose, "wave.js"), join(config, "wave.js"));
    // What `npm init -y` writes: the plugin files are CommonJS to Node here, compiled so by tsx.
    writeFileSync(join(config, "package.json"), JSON.stringify({ name: "configs", type: "commonjs" }));
    const r = await sh(lrsimBin, ["run", "--epochs", "2", "--json"], { cwd: sub, env });
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
    expect([run.dataset, run.epochs, run.batchSize]).toEqual(["../../wave.js", 2, 16]);
  });

  it("says which file and which key is wrong, in one line", async () => {
    const bad = join(scratch, "bad.config.json");
    writeFileSync(bad, JSON.stringify({ run: { epochz: 3 } }));
    const r = await npxLrsim(["run", "--config", bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`lrsim: ${bad}: lrsim run has no option "epochz" (lrsim run --help lists them)\n`);
    writeFileSync(bad, "{ not json");
    expect((await npxLrsim(["run", "--config", bad])).stderr).toMatch(new RegExp(`^lrsim: ${bad}: .*JSON`));
    const none = await npxLrsim(["run", "--no-config", "--model", "linear", "--dataset", "line", "--json"]);
    expect(JSON.parse(none.stdout).schedule).toBe("constant");
  });
});
