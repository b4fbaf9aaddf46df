import { badDataFile } from "@lrsim/core/plugin-api";
import { count } from "./read-file.ts";

/** An IDX file's unsigned-byte tensor: its dimensions and the values, a view of the file's bytes. */
export interface IdxTensor {
  readonly dims: readonly number[];
  readonly values: Uint8Array;
}

/** IDX's type byte for unsigned bytes: the only type MNIST-style image and label files use. */
const UBYTE = 0x08;
const TYPE_NAMES: Record<number, string> = {
  8: "unsigned byte",
  9: "signed byte",
  11: "short",
  12: "int",
  13: "float",
  14: "double",
};

/**
 * Parses an IDX file (LeCun et al.'s format of the MNIST distribution, also Fashion-MNIST,
 * KMNIST and EMNIST): a magic number `0x00 0x00 type ndims`, `ndims` big-endian 32-bit sizes,
 * then the values. Only unsigned bytes are read (what those sets hold); the values are a view,
 * not a copy. `rank` is what the caller expects: 3 for images, 1 for labels.
 */
export function parseIdx(bytes: Uint8Array, file: string, rank: 1 | 3): IdxTensor {
  const what = rank === 3 ? "an IDX image file (idx3-ubyte)" : "an IDX label file (idx1-ubyte)";
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0)
    throw badDataFile(
      file,
      `wrong magic number (${[...bytes.subarray(0, 4)].map((b) => b.toString(16).padStart(2, "0")).join(" ")}): not an IDX file; expected ${what}`,
    );
  const type = bytes[2]!;
  const ndims = bytes[3]!;
  if (type !== UBYTE)
    throw badDataFile(
      file,
      `holds ${TYPE_NAMES[type] ?? `type 0x${type.toString(16)}`} values; lrsim reads unsigned-byte IDX files`,
    );
  if (ndims !== rank) throw badDataFile(file, `has ${ndims} dimensions; expected ${what} with ${rank}`);
  const header = 4 + 4 * ndims;
  if (bytes.length < header)
    throw badDataFile(file, `truncated: the header needs ${header} bytes, the file has ${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims = Array.from({ length: ndims }, (_, i) => view.getUint32(4 + 4 * i, false));
  const expected = dims.reduce((a, b) => a * b, 1);
  const present = bytes.length - header;
  if (present < expected)
    throw badDataFile(
      file,
      `truncated: ${count(present)} bytes of values, the header (${dims.join(" x ")}) needs ${count(expected)}`,
    );
  if (present > expected)
    throw badDataFile(
      file,
      `has ${count(present - expected)} bytes after the ${dims.join(" x ")} values its header announces`,
    );
  return { dims, values: bytes.subarray(header, header + expected) };
}
