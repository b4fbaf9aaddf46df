import { closeSync, fstatSync, openSync, readFileSync, readSync } from "node:fs";
import { createGunzip, gunzipSync } from "node:zlib";
import { badDataFile, sharedBytes } from "@lrsim/core/plugin-api";

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
    throw badDataFile(file, openProblem(error));
  }
  return isGzip(bytes) ? gunzip(file, bytes) : bytes;
}

/** Decompresses a whole gzip file; a damaged one is a one-line error naming it. */
function gunzip(file: string, compressed: Uint8Array): Uint8Array {
  try {
    return gunzipSync(compressed);
  } catch (error) {
    throw badDataFile(file, `is not valid gzip data, perhaps truncated (${(error as Error).message})`);
  }
}

/** Bytes copied into shared memory. */
function toShared(bytes: Uint8Array): Uint8Array {
  const shared = sharedBytes(bytes.length);
  shared.set(bytes);
  return shared;
}

/** Deflate expands at most about 1,032 times: a trailer announcing more is damaged. */
const MAX_GZIP_RATIO = 1100;

/** Why a file cannot be opened, in a few words. */
function openProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code === "ENOENT"
    ? "no such file"
    : code === "EISDIR"
      ? "is a folder, not a file"
      : `cannot be read (${(error as Error).message})`;
}

/** Reads a raw file straight into shared memory. */
function readShared(file: string): Uint8Array {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch (error) {
    throw badDataFile(file, openProblem(error));
  }
  try {
    const size = fstatSync(fd).size;
    const target = sharedBytes(size);
    let at = 0;
    while (at < size) {
      const read = readSync(fd, target, at, size - at, at);
      if (read === 0) break;
      at += read;
    }
    return target.subarray(0, at);
  } catch (error) {
    throw badDataFile(file, openProblem(error));
  } finally {
    closeSync(fd);
  }
}

/**
 * Decompresses gzip into shared memory sized by the gzip trailer's length field, chunk by
 * chunk, so the data never exists twice. A stream whose real length differs (several gzip
 * members, or 4 GiB and more) takes the plain path and is copied once.
 */
async function gunzipShared(file: string, compressed: Uint8Array): Promise<Uint8Array> {
  const n = compressed.length;
  const announced =
    n >= 18 ? new DataView(compressed.buffer, compressed.byteOffset + n - 4, 4).getUint32(0, true) : 0;
  if (announced === 0 || announced > MAX_GZIP_RATIO * n) return toShared(gunzip(file, compressed));
  const target = sharedBytes(announced);
  let at = 0;
  let fits = true;
  try {
    await new Promise<void>((resolve, reject) => {
      const stream = createGunzip();
      stream.on("data", (chunk: Buffer) => {
        if (at + chunk.length > announced) fits = false;
        else target.set(chunk, at);
        at += chunk.length;
      });
      stream.on("end", resolve);
      stream.on("error", reject);
      stream.end(compressed);
    });
  } catch (error) {
    throw badDataFile(file, `is not valid gzip data, perhaps truncated (${(error as Error).message})`);
  }
  return fits && at === announced ? target : toShared(gunzip(file, compressed));
}

/**
 * {@link readDataFile} into shared memory (a Uint8Array over a SharedArrayBuffer), for data a
 * dataset keeps as it is in the file: the bytes are never held twice, not even while loading.
 */
export async function readDataFileShared(file: string): Promise<Uint8Array> {
  const bytes = readShared(file);
  return isGzip(bytes) ? gunzipShared(file, bytes) : bytes;
}

/** `1234567` as `1,234,567`, for sizes in messages. */
export const count = (n: number) => n.toLocaleString("en-US");
