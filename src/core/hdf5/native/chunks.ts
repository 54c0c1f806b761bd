import { inflateSync } from 'node:zlib';
import type { StoredChunk } from './btreeV1';
import { Hdf5FormatError, Hdf5UnsupportedError } from './errors';
import type { FilterParams } from './messages';

/**
 * Reading the values of chunked datasets without the HDF5 library, for the few datasets the bundled
 * library refuses (N-bit integers of datatype message version 1, which HDF5 2.0 takes for damaged
 * headers). Chunks come from a version 1 B-tree; the filters undone here are deflate, shuffle,
 * Fletcher-32 and N-bit (of integer and float types); any other is Hdf5UnsupportedError.
 */

const FILTER = { deflate: 1, shuffle: 2, fletcher32: 3, nbit: 5 } as const;

/** The filters this module undoes. */
export function nativeFilterSupported(filters: readonly FilterParams[]): string | null {
  const other = filters.find((f) => !(Object.values(FILTER) as number[]).includes(f.id));
  return other ? `the ${other.name} filter` : null;
}

/** A chunk's stored bytes with the pipeline undone (filters in reverse order, skipping those `mask` marks). */
export function unfilterChunk(stored: Uint8Array, filters: readonly FilterParams[], mask: number, chunkBytes: number): Uint8Array {
  let data = stored;
  for (let i = filters.length - 1; i >= 0; i--) {
    if (mask & (1 << i)) continue;
    const f = filters[i]!;
    switch (f.id) {
      case FILTER.deflate:
        try {
          // No stage of these filters holds more than the chunk's elements (and a checksum).
          data = inflateSync(data, { maxOutputLength: chunkBytes + 64 });
        } catch (err) {
          throw new Hdf5FormatError(`a deflated chunk does not inflate (${(err as Error).message})`);
        }
        break;
      case FILTER.shuffle:
        data = unshuffle(data, f.values[0] ?? 1);
        break;
      case FILTER.fletcher32:
        // The checksum trails the data; the HDF5 library checks it, the value is the same without.
        if (data.length < 4) throw new Hdf5FormatError('a Fletcher-32 chunk shorter than its checksum');
        data = data.subarray(0, data.length - 4);
        break;
      case FILTER.nbit:
        data = nbitDecode(data, f.values, chunkBytes);
        break;
      default:
        throw new Hdf5UnsupportedError(`the ${f.name} filter`);
    }
  }
  return data;
}

/** Undoes the shuffle filter: byte j of every element was stored in plane j. */
function unshuffle(data: Uint8Array, elementSize: number): Uint8Array {
  if (elementSize <= 1) return data;
  const n = Math.floor(data.length / elementSize);
  const out = new Uint8Array(data.length);
  for (let j = 0; j < elementSize; j++) {
    const plane = j * n;
    for (let i = 0; i < n; i++) out[i * elementSize + j] = data[plane + i]!;
  }
  // Bytes past the last whole element are stored as they are.
  out.set(data.subarray(n * elementSize), n * elementSize);
  return out;
}

/** The N-bit filter's class code for integer and float types (H5Z_NBIT_ATOMIC). */
const NBIT_ATOMIC = 1;

/**
 * Undoes the N-bit filter (HDF5's H5Znbit.c) for a type of one integer or float: the parameters
 * are [count, no-op flag, elements, class, size, order (0 little-endian), precision, offset]; the
 * stored bits are each element's `precision` significant bits, most significant first, packed
 * without gaps. The padding bits of the result are zero (as the library leaves them).
 */
export function nbitDecode(data: Uint8Array, parms: readonly number[], chunkBytes: number): Uint8Array {
  if (parms.length < 8 || parms[0] !== parms.length) throw new Hdf5FormatError('N-bit filter parameters of the wrong length');
  // The library found nothing to pack (full precision): the chunk is stored as it is.
  if (parms[1]) return data;
  const [, , elements, cls, size, order, precision, offset] = parms as [number, number, number, number, number, number, number, number];
  if (cls !== NBIT_ATOMIC) throw new Hdf5UnsupportedError('N-bit packed compound or array types');
  if (size < 1 || precision < 1 || precision + offset > size * 8 || elements * size !== chunkBytes) {
    throw new Hdf5FormatError('N-bit filter parameters that do not match the chunk');
  }
  if (Math.ceil((elements * precision) / 8) > data.length) throw new Hdf5FormatError('an N-bit chunk shorter than its elements');
  const out = new Uint8Array(elements * size);
  let bit = 0; // next bit of `data`, counted from the most significant bit of byte 0
  for (let e = 0; e < elements; e++) {
    // Element bits [offset, offset + precision), most significant first.
    for (let b = offset + precision - 1; b >= offset; b--, bit++) {
      if (((data[bit >> 3]! >> (7 - (bit & 7))) & 1) === 0) continue;
      const byte = b >> 3;
      const at = e * size + (order === 0 ? byte : size - 1 - byte);
      out[at] = out[at]! | (1 << (b & 7));
    }
  }
  return out;
}

/**
 * The values of the elements [rows[0], rows[1]) along the first axis (all when `rows` is absent) of a
 * dataset of `shape` stored in chunks of `chunkShape`, in the file's byte order. Elements of chunks
 * that were never written are refused (their fill value is not applied here).
 */
export function assembleChunks(
  chunks: readonly StoredChunk[],
  read: (chunk: StoredChunk) => Uint8Array,
  shape: readonly number[],
  chunkShape: readonly number[],
  elementSize: number,
  rows?: [number, number],
): Uint8Array {
  const rank = shape.length;
  if (chunkShape.length !== rank || chunkShape.some((n) => n < 1)) throw new Hdf5FormatError('chunk dimensions that do not match the dataspace');
  const [first, end] = rank === 0 ? [0, 1] : (rows ?? [0, shape[0]!]);
  const outShape = rank === 0 ? [] : [end - first, ...shape.slice(1)];
  const total = outShape.reduce((a, b) => a * b, 1);
  const out = new Uint8Array(total * elementSize);
  const chunkElements = chunkShape.reduce((a, b) => a * b, 1);
  // Row-major strides of the output and of a chunk, in elements.
  const stride = (dims: readonly number[]) => dims.map((_, i) => dims.slice(i + 1).reduce((a, b) => a * b, 1));
  const outStride = stride(outShape);
  const chunkStride = stride(chunkShape);
  let covered = 0;
  for (const chunk of chunks) {
    const o = chunk.offsets;
    if (o.some((v, i) => v % chunkShape[i]! !== 0 || v >= Math.max(shape[i]!, 1))) throw new Hdf5FormatError('a chunk outside the dataspace');
    if (rank > 0 && (o[0]! + chunkShape[0]! <= first || o[0]! >= end)) continue;
    const bytes = read(chunk);
    if (bytes.length < chunkElements * elementSize) throw new Hdf5FormatError('a chunk shorter than its elements');
    // Per dimension: the part of the chunk inside the dataspace (and the selected rows).
    const lo = o.map((v, i) => (i === 0 ? Math.max(v, first) : v));
    const hi = o.map((v, i) => Math.min(v + chunkShape[i]!, i === 0 ? end : shape[i]!));
    if (lo.some((v, i) => v >= hi[i]!)) continue;
    const runElements = rank === 0 ? 1 : hi[rank - 1]! - lo[rank - 1]!;
    const idx = lo.slice();
    for (;;) {
      let src = 0;
      let dst = 0;
      for (let i = 0; i < rank; i++) {
        src += (idx[i]! - o[i]!) * chunkStride[i]!;
        dst += (idx[i]! - (i === 0 ? first : 0)) * outStride[i]!;
      }
      out.set(bytes.subarray(src * elementSize, (src + runElements) * elementSize), dst * elementSize);
      covered += runElements;
      // Next run: advance the dimensions before the last, odometer style.
      let d = rank - 2;
      for (; d >= 0; d--) {
        idx[d] = idx[d]! + 1;
        if (idx[d]! < hi[d]!) break;
        idx[d] = lo[d]!;
      }
      if (d < 0) break;
    }
  }
  if (covered !== total) throw new Hdf5UnsupportedError('chunks that were never written (fill values)');
  return out;
}
