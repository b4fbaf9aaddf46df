import { badDataFile } from "@lrsim/core/plugin-api";
import { count } from "./read-file.ts";

/** A NumPy array read from a `.npy` file: its shape and values (bytes stay bytes; every other type becomes float32). */
export interface NpyArray {
  readonly shape: readonly number[];
  readonly values: Uint8Array | Float32Array;
  /** Whether the stored type holds integers (labels must). */
  readonly integer: boolean;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** Element readers by NumPy type (kind + size), little-endian. */
const READERS: Record<string, { size: number; integer: boolean; read: (v: DataView, at: number) => number }> =
  {
    i1: { size: 1, integer: true, read: (v, at) => v.getInt8(at) },
    u2: { size: 2, integer: true, read: (v, at) => v.getUint16(at, true) },
    i2: { size: 2, integer: true, read: (v, at) => v.getInt16(at, true) },
    u4: { size: 4, integer: true, read: (v, at) => v.getUint32(at, true) },
    i4: { size: 4, integer: true, read: (v, at) => v.getInt32(at, true) },
    i8: { size: 8, integer: true, read: (v, at) => Number(v.getBigInt64(at, true)) },
    u8: { size: 8, integer: true, read: (v, at) => Number(v.getBigUint64(at, true)) },
    f2: { size: 2, integer: false, read: (v, at) => halfToFloat(v.getUint16(at, true)) },
    f4: { size: 4, integer: false, read: (v, at) => v.getFloat32(at, true) },
    f8: { size: 8, integer: false, read: (v, at) => v.getFloat64(at, true) },
  };

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/** The header dictionary's fields, from its Python literal (`{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }`). */
function parseHeader(header: string, file: string): { descr: string; fortran: boolean; shape: number[] } {
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shape = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shape === undefined)
    throw badDataFile(file, `has an unreadable .npy header (${header.trim().slice(0, 80)})`);
  return {
    descr,
    fortran: fortran === "True",
    shape: shape
      .split(",")
      .map((s) => s.trim())
      .filter((s) => s !== "")
      .map(Number),
  };
}

/**
 * Parses a NumPy `.npy` file (format versions 1 to 3): magic `\x93NUMPY`, version, header
 * length, a Python-literal header (`descr`, `fortran_order`, `shape`), then the values in C
 * order. Reads little-endian numbers of any size and bytes (`|u1`, kept as bytes).
 */
export function parseNpy(bytes: Uint8Array, file: string): NpyArray {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b))
    throw badDataFile(file, "wrong magic number: not a NumPy .npy file (save one with numpy.save)");
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lengthBytes = major === 1 ? 2 : 4;
  if (major < 1 || major > 3) throw badDataFile(file, `is .npy format version ${major}, lrsim reads 1 to 3`);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = 8 + lengthBytes + headerLength;
  if (bytes.length < start) throw badDataFile(file, "truncated inside its .npy header");
  const header = parseHeader(new TextDecoder().decode(bytes.subarray(8 + lengthBytes, start)), file);
  if (header.fortran)
    throw badDataFile(file, "is in Fortran order; save it in C order (numpy.ascontiguousarray) instead");
  const n = header.shape.reduce((a, b) => a * b, 1);
  const endian = header.descr[0];
  const type = header.descr.slice(1);
  const size = type === "u1" || type === "b1" ? 1 : (READERS[type]?.size ?? 0);
  if (size === 0 || (endian === ">" && size > 1))
    throw badDataFile(
      file,
      `holds ${header.descr} values; lrsim reads little-endian numbers (save with .astype("<f4") or "<i8" or "u1")`,
    );
  const present = bytes.length - start;
  if (present < n * size)
    throw badDataFile(
      file,
      `truncated: ${count(present)} bytes of values, the shape (${header.shape.join(", ")}) of ${header.descr} needs ${count(n * size)}`,
    );
  if (size === 1 && (type === "u1" || type === "b1"))
    return { shape: header.shape, values: bytes.subarray(start, start + n), integer: true };
  const reader = READERS[type]!;
  const values = new Float32Array(n);
  for (let i = 0; i < n; i++) values[i] = reader.read(view, start + i * size);
  return { shape: header.shape, values, integer: reader.integer };
}
