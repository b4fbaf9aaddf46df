import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { UpdateKernels } from "../optim/update-kernel.ts";
import { packagedFile } from "../paths.ts";
import type { DenseKernels } from "./wasm-module.ts";

/**
 * The worker pool's reduction, as `native/reduce.c` and the WebAssembly module
 * (packages/parallel/assembly/reduce.ts) both run it, with the same arithmetic and so the same bits.
 */
export interface SlotReduction {
  /**
   * grad[from..to) = (first ? 0 : grad) + slot_0 + ... + slot_{count-1}, in slot order, slot s at
   * byte offset `slots + s * stride`; then, when `batchSize` > 0 (the batch's last round), divided
   * by it: the mean gradient, as `averageGradient` computes it. Offsets in bytes. Returns 1 when
   * every element of that mean is finite, else 0.
   */
  accumulate(
    grad: number,
    slots: number,
    stride: number,
    from: number,
    to: number,
    count: number,
    first: boolean,
    batchSize: number,
  ): number;
}

/** What `native/binding.c` exports. */
interface NativeDenseAddon {
  /**
   * The kernels over `memory` (an ArrayBuffer, or a Uint8Array over a whole SharedArrayBuffer),
   * called with byte offsets into it, as the WebAssembly modules' are.
   */
  bind(memory: ArrayBuffer | Uint8Array): DenseKernels & SlotReduction & UpdateKernels;
  /** The vector width the addon was compiled for, in bits (512 with AVX-512). */
  readonly vectorBits: number;
}

/**
 * The addon `native/build.mjs` builds at install (node-gyp, `-march=native`): beside the sources
 * in the workspace, in `dist/native/` in the published package.
 */
const ADDON_FILE = packagedFile(
  import.meta.url,
  "../../native/build/Release/lrsim_dense.node",
  "native/build/Release/lrsim_dense.node",
);

let addon: NativeDenseAddon | null | undefined;
let unavailable = "";

/**
 * The native dense kernels, loaded once per thread, or null when they were not built (no C
 * compiler at install) or do not load here; {@link nativeKernelsUnavailable} then says why.
 */
export function nativeDenseAddon(): NativeDenseAddon | null {
  if (addon === undefined) {
    addon = null;
    const path = fileURLToPath(ADDON_FILE);
    const foreign = missingFeaturesOf(path);
    if (!existsSync(path))
      unavailable = `the native kernels are not built (${path} is missing): they are compiled when lrsim is installed if a C compiler and Python are present (pnpm runs lrsim's build script only once allowed: \`pnpm approve-builds\`); build them with \`npm rebuild lrsim\`, or \`pnpm install\` in lrsim's own repository`;
    else if (foreign)
      unavailable = `the native kernels at ${path} were built on a CPU with features this one lacks (${foreign}): rebuild them here with \`npm rebuild lrsim\` (or \`pnpm install\` in lrsim's repository)`;
    else
      try {
        addon = createRequire(import.meta.url)(path) as NativeDenseAddon;
      } catch (error) {
        unavailable = `the native kernels at ${path} do not load: ${(error as Error).message}`;
      }
  }
  return addon;
}

/** Why {@link nativeDenseAddon} returned null ("" when it did not). */
export function nativeKernelsUnavailable(): string {
  nativeDenseAddon();
  return unavailable;
}

/** Native kernels over a fresh buffer of `bytes` bytes (the addon must be loaded). */
export function bindNativeKernels(native: NativeDenseAddon, bytes: number): DenseKernels {
  return native.bind(new ArrayBuffer(Math.ceil(bytes / 64) * 64));
}

/**
 * The native kernels over the shared memory `buffer` (the pool's arena), for the pool's own
 * arithmetic — its reduction and the optimizer updates, which give the WebAssembly modules' bits
 * (tested), so the pool uses them whenever they load, whatever kernel the model runs. `use`
 * (GradientPool's `poolKernels`): `auto` gives them when the addon loads, else null; `native`
 * throws why it does not load; `wasm` gives null.
 */
export function nativeKernelsOn(
  buffer: ArrayBufferLike,
  use: "auto" | "native" | "wasm",
): (SlotReduction & UpdateKernels) | null {
  const addon = use === "wasm" ? null : nativeDenseAddon();
  if (use === "native" && !addon) throw new Error(`poolKernels=native: ${nativeKernelsUnavailable()}`);
  return addon?.bind(new Uint8Array(buffer)) ?? null;
}

/**
 * The CPU features an addon built with `-march=native` was compiled for that this CPU lacks, as
 * text ("" when none are missing or it cannot tell). `record` is the `cpu.json` that
 * native/build.mjs writes beside the addon (the architecture and /proc/cpuinfo's flags);
 * `cpuinfo` is this machine's /proc/cpuinfo, or null off Linux. An addon moved to an older CPU
 * (a copied node_modules, a cached CI layer) would die with an illegal instruction at its first
 * call; the loader refuses it first.
 */
export function missingCpuFeatures(record: string, cpuinfo: string | null): string {
  let built: { arch?: string; flags?: string[] };
  try {
    built = JSON.parse(record);
  } catch {
    return "";
  }
  if (built.arch && built.arch !== process.arch) return `built for ${built.arch}, this is ${process.arch}`;
  if (cpuinfo === null || !built.flags?.length) return "";
  const here = new Set(/^flags\s*:(.*)$/m.exec(cpuinfo)?.[1]?.trim().split(/\s+/));
  return built.flags.filter((flag) => !here.has(flag)).join(", ");
}

/** {@link missingCpuFeatures} for the addon at `addonPath` on this machine. */
function missingFeaturesOf(addonPath: string): string {
  const record = join(dirname(addonPath), "cpu.json");
  if (!existsSync(record)) return "";
  const cpuinfo = existsSync("/proc/cpuinfo") ? readFileSync("/proc/cpuinfo", "utf8") : null;
  return missingCpuFeatures(readFileSync(record, "utf8"), cpuinfo);
}
