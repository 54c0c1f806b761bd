import { encodeNpyHeader } from '../numpy/npy';
import { shapeSize } from '../numpy/ndarray';
import { parseDType } from '../numpy/dtype';

/** One array of a planned .npz: its name, numpy dtype and shape, and whether it is streamed. */
export interface NpzEntryLayout {
  name: string;
  dtype: string;
  shape: number[];
  /** Added with NpzWriter.addStreamed (size known, CRC not: yazl writes a data descriptor). */
  streamed: boolean;
}

/** Bytes of the `.npy` member for an array: header + C-order data. */
export function npyByteLength(dtype: string, shape: readonly number[]): number {
  return encodeNpyHeader(dtype, shape).length + shapeSize(shape) * parseDType(dtype)!.itemsize;
}

/**
 * The exact size of the stored (uncompressed) .npz that NpzWriter writes for these entries, so the
 * estimate shown before an extraction is exact. Follows yazl's layout: per entry a 30-byte local header
 * + name, the data, a 16-byte data descriptor for streamed entries (24 in ZIP64); a central directory
 * record of 46 bytes + name + 9-byte timestamp field (+ 28 ZIP64); the 22-byte end record (+ 76 ZIP64).
 */
export function npzByteLength(entries: readonly NpzEntryLayout[]): number {
  let offset = 0;
  let directory = 0;
  for (const e of entries) {
    const name = Buffer.byteLength(`${e.name}.npy`, 'utf8');
    const size = npyByteLength(e.dtype, e.shape);
    const zip64 = size > 0xfffffffe || offset > 0xfffffffe;
    offset += 30 + name + size + (e.streamed ? (zip64 ? 24 : 16) : 0);
    directory += 46 + name + 9 + (zip64 ? 28 : 0);
  }
  const zip64End = entries.length >= 0xffff || directory >= 0xffffffff || offset >= 0xffffffff;
  return offset + directory + 22 + (zip64End ? 56 + 20 : 0);
}
