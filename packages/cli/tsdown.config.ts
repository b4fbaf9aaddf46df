import { defineConfig } from "tsdown";

/**
 * The published `lrsim` package: one ESM build of the CLI, the programmatic API, the plugin API
 * and the private @lrsim/* workspace packages (devDependencies here, so bundled), code-split so
 * each module exists once in dist/. Real dependencies (package.json "dependencies") stay
 * external. docs/decisions.md says why.
 */
export default defineConfig({
  entry: {
    index: "src/index.ts", // "lrsim": the programmatic API
    plugin: "src/plugin.ts", // "lrsim/plugin": the plugin API
    bin: "src/bin.ts", // the lrsim executable (shebang kept, made executable)
    register: "src/loader/register.ts", // module hooks, imported first by each worker thread
    builtins: "../builtins/src/index.ts", // the built-in plugins, imported by export name in workers
    worker: "../parallel/src/worker.ts", // piscina's task handler, loaded by worker-entry.mjs
  },
  format: "esm",
  platform: "node",
  target: "node20.19",
  fixedExtension: false,
  outDir: "dist",
  clean: true,
  // The workspace packages export TypeScript source under this condition (as tsconfig's customConditions).
  inputOptions: { resolve: { conditionNames: ["@lrsim/source", "node", "import", "default"] } },
  // Declarations for the two public entries' types; tsc builds them ("eager": the whole program).
  dts: { eager: true },
  // Files read at run time, flat beside the chunks (packagedFile in @lrsim/core finds them).
  copy: [
    { from: "../core/generated/dense.wasm", to: "dist" },
    { from: "../core/generated/dense-relaxed.wasm", to: "dist" },
    { from: "../core/generated/update.wasm", to: "dist" },
    { from: "../core/generated/conv.wasm", to: "dist" },
    { from: "../parallel/generated/reduce.wasm", to: "dist" },
    { from: "../parallel/src/worker-entry.mjs", to: "dist" },
    // The native kernels' sources: package.json's install script builds them on the user's
    // machine, for its CPU (dist/native/build/Release/lrsim_dense.node); optional. When it loads,
    // the pool also sums gradient slots (reduce.c) and runs the optimizer updates (update.c) with it.
    ...[
      "binding.gyp",
      "binding.c",
      "dense-kernels.c",
      "dense-kernels.h",
      "float16x.h",
      "reduce.c",
      "reduce.h",
      "update.c",
      "update.h",
      "build.mjs",
    ].map((file) => ({
      from: `../core/native/${file}`,
      to: "dist/native",
    })),
    { from: "src/loader/lrsim-resolve.mjs", to: "dist" },
    { from: "src/report/report-client.js", to: "dist" },
    { from: "src/report/report-charts.js", to: "dist" },
  ],
});
