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
