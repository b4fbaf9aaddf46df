// Builds lrsim's native dense kernels (binding.gyp beside this file) for this machine's CPU with
// node-gyp, the way npm builds any addon from source. They are optional: without a C compiler,
// Python or Node's headers, lrsim trains on its WebAssembly kernels, so a failed build prints
// one line (the compiler's output goes to build.log here) and exits 0 to let installation go on.
// LRSIM_SKIP_NATIVE=1 skips the build.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const log = join(here, "build.log");

/** node-gyp as npm (npm_config_node_gyp), the Node installation's npm, or PATH provide it. */
function nodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    join(dirname(process.execPath), "../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js"),
    join(dirname(process.execPath), "node_modules/npm/node_modules/node-gyp/bin/node-gyp.js"),
  ];
  const script = candidates.find((file) => file && existsSync(file));
  return script ? [process.execPath, [script]] : ["node-gyp", []];
}

/**
 * Node's own headers, when no nodedir is configured and this Node installation ships them
 * (official builds and Debian's do): node-gyp would otherwise try to download them.
 */
function nodedir() {
  if (process.env.npm_config_nodedir) return [];
  const prefix = dirname(dirname(process.execPath));
  return existsSync(join(prefix, "include/node/node_api.h")) ? [`--nodedir=${prefix}`] : [];
}

if (process.env.LRSIM_SKIP_NATIVE === "1") {
  console.log("lrsim: native kernels skipped (LRSIM_SKIP_NATIVE=1); the WebAssembly kernels are used");
} else {
  const [command, prefix] = nodeGyp();
  const result = spawnSync(command, [...prefix, "rebuild", "--release", ...nodedir()], {
    cwd: here,
    encoding: "utf8",
    shell: process.platform === "win32",
  });
  writeFileSync(
    log,
    `${result.stdout ?? ""}${result.stderr ?? ""}${result.error ? String(result.error) : ""}`,
  );
  if (result.status === 0) {
    // -march=native: the addon may use any instruction this CPU has. Its feature flags go beside
    // it, so a copy moved to a CPU without them is refused at load instead of crashing.
    const flags = existsSync("/proc/cpuinfo")
      ? (/^flags\s*:(.*)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? "").trim().split(/\s+/)
      : [];
    writeFileSync(join(here, "build/Release/cpu.json"), `${JSON.stringify({ arch: process.arch, flags })}\n`);
    console.log("lrsim: native kernels built for this CPU (kernel=native)");
  } else
    console.log(
      `lrsim: native kernels not built (${result.error ? result.error.message : `node-gyp exited with ${result.status}`}; see ${log}); kernel=native is unavailable, the WebAssembly kernels are used`,
    );
}
