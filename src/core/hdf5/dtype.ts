import type { Metadata } from 'h5wasm';
import { swapBytesInPlace, typedArrayClassFor, type TypedArray } from '../numpy/dtype';

/** An HDF5 element type, reduced to what callers need: numeric kind, size and byte order. */
export interface Hdf5Dtype {
  readonly kind: Hdf5DtypeKind;
  /** Bytes per element (for variable-length types: the size of the stored reference). */
  readonly size: number;
  readonly littleEndian: boolean;
  /** numpy-style name: `uint8`, `int64`, `float32`, `string`, `vlen-string`, `compound`, ... */
  readonly name: string;
}

export type Hdf5DtypeKind =
  'int' | 'uint' | 'float' | 'string' | 'vlen-string' | 'vlen' | 'compound' | 'enum' | 'array' | 'reference' | 'opaque' | 'bitfield' | 'time' | 'unknown';

/** The typed arrays that hold HDF5 integer and float values (shared with the numpy reader). */
export type NumericArray = TypedArray;

const interned = new Map<string, Hdf5Dtype>();

/** Dtypes are shared, frozen objects: an inventory describes 100,000s of datasets of a few types. */
export function makeDtype(kind: Hdf5DtypeKind, size: number, littleEndian = true): Hdf5Dtype {
  const key = `${kind}${size}${littleEndian ? '<' : '>'}`;
  let dtype = interned.get(key);
  if (!dtype) {
    dtype = Object.freeze({ kind, size, littleEndian, name: dtypeName(kind, size) });
    interned.set(key, dtype);
  }
  return dtype;
}

function dtypeName(kind: Hdf5DtypeKind, size: number): string {
  if (kind === 'int' || kind === 'uint' || kind === 'float') return `${kind}${size * 8}`;
  return kind;
}

/** True for the integer and IEEE float types that map onto a JS typed array. */
export function isNumeric(dtype: Hdf5Dtype): boolean {
  if (dtype.kind === 'float') return dtype.size === 4 || dtype.size === 8;
  return (dtype.kind === 'int' || dtype.kind === 'uint') && [1, 2, 4, 8].includes(dtype.size);
}

/**
 * Views raw element bytes as the matching typed array, swapping big-endian data in place first
 * (so `bytes` must be a buffer the caller owns). Copies when `bytes` is not aligned to the element size.
 */
export function typedArrayFromBytes(bytes: Uint8Array, dtype: Hdf5Dtype): NumericArray {
  if (!isNumeric(dtype)) throw new Error(`${dtype.name} data cannot be viewed as a typed array`);
  const { size } = dtype;
  if (!dtype.littleEndian) swapBytesInPlace(bytes, size);
  const aligned = bytes.byteOffset % size === 0 ? bytes : bytes.slice();
  const kind = dtype.kind === 'float' ? 'f' : dtype.kind === 'int' ? 'i' : 'u';
  const Ctor = typedArrayClassFor({ str: '', order: '<', kind, itemsize: size })!;
  return new Ctor(aligned.buffer, aligned.byteOffset, Math.floor(aligned.length / size));
}

/** HDF5 type classes (H5T_class_t) as h5wasm reports them in `Metadata.type`. */
const H5T_CLASS: Record<number, Hdf5DtypeKind> = {
  0: 'int',
  1: 'float',
  2: 'time',
  3: 'string',
  4: 'bitfield',
  5: 'opaque',
  6: 'compound',
  7: 'reference',
  8: 'enum',
  9: 'vlen',
  10: 'array',
};

/** The same description from h5wasm's metadata (used when the native reader falls back to h5wasm). */
export function dtypeFromH5wasm(md: Metadata): Hdf5Dtype {
  let kind = H5T_CLASS[md.type] ?? 'unknown';
  if (kind === 'int' && !md.signed) kind = 'uint';
  if (kind === 'string' && md.vlen) kind = 'vlen-string';
  return makeDtype(kind, md.size, md.littleEndian);
}
