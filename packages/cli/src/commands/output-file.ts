import {
  closeSync,
  existsSync,
  openSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname } from "node:path";
import { errors } from "@lrsim/core";

/** Whether the file at `path` starts like an HTML page (what `lrsim report` writes). */
function looksLikeHtml(path: string): boolean {
  const head = Buffer.alloc(512);
  const fd = openSync(path, "r");
  try {
    const n = readSync(fd, head, 0, head.length, 0);
    return /^\s*(<!doctype html|<html)/i.test(head.subarray(0, n).toString("utf8"));
  } finally {
    closeSync(fd);
  }
}

/**
 * Checks where an HTML file may be written before any work is done: never over the results
 * database (or its -wal/-shm files), never onto a directory or into a missing one, and over an
 * existing file that is not HTML only with `force`.
 */
export function checkHtmlOutput(
  path: string,
  shown: string,
  protect: readonly string[],
  force: boolean,
): void {
  for (const file of protect)
    if (path === file || path === `${file}-wal` || path === `${file}-shm`)
      throw errors.badOutput(
        shown,
        "it is the results database; give the report another name (e.g. -o report.html)",
      );
  const folder = dirname(path);
  if (!existsSync(folder))
    throw errors.badOutput(shown, `the folder ${folder} does not exist; create it first`);
  if (!statSync(folder).isDirectory()) throw errors.badOutput(shown, `${folder} is not a folder`);
  if (!existsSync(path)) return;
  if (statSync(path).isDirectory())
    throw errors.badOutput(shown, "it is a folder; give a file name (e.g. -o folder/report.html)");
  if (!force && !looksLikeHtml(path))
    throw errors.badOutput(shown, "it exists and is not an HTML report; pass --force to overwrite it");
}

/**
 * Writes `text` to `path` through a temporary file renamed into place, so a half-written file
 * never replaces a good one; the temporary file is removed if anything fails.
 */
export function writeAtomically(path: string, shown: string, text: string): void {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, text);
    renameSync(temporary, path);
  } catch (cause) {
    rmSync(temporary, { force: true });
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === "ENOSPC") throw errors.badOutput(shown, "the disk is full; free some space and run again");
    if (code === "EACCES" || code === "EPERM" || code === "EROFS")
      throw errors.badOutput(shown, "permission denied; choose a folder you can write to");
    throw cause;
  }
}
