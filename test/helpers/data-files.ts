/**
 * Writers of the file formats lrsim's file datasets read, byte for byte as the real
 * distributions lay them out, so tests and the memory benchmark make their own files (nothing
 * is downloaded). Each returns the bytes; `gzip` them for the `.gz` variants.
 */
import { gzipSync } from "node:zlib";

/** An IDX file of unsigned bytes: magic `00 00 08 ndims`, big-endian sizes, then the values. */
export function idxBytes(dims: readonly number[], values: Uint8Array): Uint8Array {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header[2] = 0x08;
  header[3] = dims.length;
  dims.forEach((d, i) => {
    header.writeUInt32BE(d, 4 + 4 * i);
  });
  return Buffer.concat([header, values]);
}

/** A CIFAR-10 binary batch: per image, its label byte then 3,072 pixel bytes (red, green, blue planes). */
export function cifarBytes(labels: Uint8Array, pixels: Uint8Array): Uint8Array {
  const out = Buffer.alloc(labels.length * 3073);
  for (let i = 0; i < labels.length; i++) {
    out[i * 3073] = labels[i]!;
    out.set(pixels.subarray(i * 3072, (i + 1) * 3072), i * 3073 + 1);
  }
  return out;
}

/** A `.npy` file (format 1.0) as numpy.save writes it: `descr` such as `<f4`, `<i8`, `|u1`. */
export function npyBytes(
  descr: "<f4" | "<f8" | "<i8" | "<i4" | "|u1",
  shape: readonly number[],
  values: ArrayLike<number>,
): Uint8Array {
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(", ");
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${dims}), }`;
  // numpy pads the header with spaces and a newline so the data starts at a multiple of 64.
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = `${header.padEnd(total - 10 - 1)}\n`;
  const prefix = Buffer.alloc(10);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]).copy(prefix);
  prefix.writeUInt16LE(header.length, 8);
  const n = values.length;
  let data: Buffer;
  if (descr === "|u1") data = Buffer.from(Uint8Array.from(values));
  else if (descr === "<f4") data = Buffer.from(Float32Array.from(values).buffer);
  else if (descr === "<f8") data = Buffer.from(Float64Array.from(values).buffer);
  else if (descr === "<i4") data = Buffer.from(Int32Array.from(values).buffer);
  else data = Buffer.from(BigInt64Array.from(Array.from({ length: n }, (_, i) => BigInt(values[i]!))).buffer);
  return Buffer.concat([prefix, Buffer.from(header, "latin1"), data]);
}

/** Gzip, as the distributions' `.gz` files are. */
export const gzip = (bytes: Uint8Array): Uint8Array => gzipSync(bytes);
