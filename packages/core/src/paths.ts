import { dirname, resolve } from "node:path";

/**
 * `from` (resolved) and each of its parents up to the filesystem root, nearest first: the
 * directories Node searches for `node_modules`, and lrsim for its config file.
 */
export function ancestorDirs(from: string): string[] {
  const dirs = [resolve(from)];
  while (dirname(dirs.at(-1)!) !== dirs.at(-1)) dirs.push(dirname(dirs.at(-1)!));
  return dirs;
}

/**
 * A file shipped with lrsim's code (a WebAssembly module, a worker entry, a script), seen from
 * the module at `moduleUrl`. Run from TypeScript source (the workspace) it is `fromSource`,
 * relative to that module; in the published package every module is bundled into one flat
 * `dist/` folder and the build copies the file there as `name`, beside the bundle's chunks.
 */
export function packagedFile(moduleUrl: string, fromSource: string, name: string): URL {
  return new URL(moduleUrl.endsWith(".ts") ? fromSource : `./${name}`, moduleUrl);
}
