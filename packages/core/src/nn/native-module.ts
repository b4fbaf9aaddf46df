import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { packagedFile } from "../paths.ts";
import type { DenseKernels } from "./wasm-module.ts";

/** What `native/binding.c` exports. */
interface NativeDenseAddon {
  /** The kernels over `buffer`, called with byte offsets into it (as the WebAssembly module's). */
  bind(buffer: ArrayBuffer): DenseKernels;
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
    if (!existsSync(path))
      unavailable = `the native kernels are not built (${path} is missing): they are compiled when lrsim is installed if a C compiler and Python are present (pnpm runs lrsim's build script only once allowed: \`pnpm approve-builds\`); build them with \`npm rebuild lrsim\`, or \`pnpm install\` in lrsim's own repository`;
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
