import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { badDataFile } from "@lrsim/core/plugin-api";

const GZIP_MAGIC = [0x1f, 0x8b];

/** Whether a file's first bytes are gzip's magic number (so `.gz` or not, compressed files are read alike). */
function isGzip(bytes: Uint8Array): boolean {
  return bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1];
}

/**
 * A data file's bytes, decompressed with Node's zlib when it is gzip (by its magic number, not
 * its name). A file that is missing, a folder, or gzip cut short is a one-line {@link badDataFile}.
 */
export function readDataFile(file: string): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const problem =
      code === "ENOENT"
        ? "no such file"
        : code === "EISDIR"
          ? "is a folder, not a file"
          : `cannot be read (${(error as Error).message})`;
    throw badDataFile(file, problem);
  }
  if (!isGzip(bytes)) return bytes;
  try {
    return gunzipSync(bytes);
  } catch (error) {
    throw badDataFile(file, `is not valid gzip data, perhaps truncated (${(error as Error).message})`);
  }
}

/** `1234567` as `1,234,567`, for sizes in messages. */
export const count = (n: number) => n.toLocaleString("en-US");
