import type { Metadata } from 'h5wasm';
import { swapBytesInPlace, typedArrayClassFor, type TypedArray } from '../numpy/dtype';

/** An HDF5 element type, reduced to what callers need: numeric kind, size and byte order. */
export interface Hdf5Dtype {
  readonly kind: Hdf5DtypeKind;
  /** Bytes per element as stored (for variable-length types: the size of the stored reference). */
  readonly size: number;
  readonly littleEndian: boolean;
  /**
   * numpy-style name, as h5py names the type: `uint8`, `int64`, `float16`, `float32`, `string`,
   * `vlen-string`, `compound`, ... A non-IEEE float is named after the IEEE type h5py reads it as.
   */
  readonly name: string;
  /**
   * Integers whose value does not fill their bytes (N-bit precision, padding bits): where its bits lie.
   * Absent for plain integers. Only the native reader sees these (h5wasm does not report them).
   */
  readonly intBits?: IntBits;
  /** Floats that are not IEEE half, single or double: their bit layout (native reader only). */
  readonly floatBits?: FloatBits;
  /** Enums: the integer type of the stored values. */
  readonly base?: Hdf5Dtype;
  /** Fixed-length strings padded with spaces (FORTRAN style): trailing spaces are padding. */
  readonly spacePadded?: boolean;
}

export type Hdf5DtypeKind =
  'int' | 'uint' | 'float' | 'string' | 'vlen-string' | 'vlen' | 'compound' | 'enum' | 'array' | 'reference' | 'opaque' | 'bitfield' | 'time' | 'unknown';

/** The value's bits inside an integer's bytes (bit 0 = least significant bit of the element). */
export interface IntBits {
  readonly offset: number;
  readonly precision: number;
}

/** A float's bit fields (HDF5 datatype message, floating-point class), bit 0 = least significant. */
export interface FloatBits {
  readonly signPos: number;
  readonly expPos: number;
  readonly expSize: number;
  readonly mantPos: number;
  readonly mantSize: number;
  readonly bias: number;
  /** IEEE's hidden leading 1 ('implied'), a stored leading 1 ('msb-set', x87), or none. */
  readonly norm: 'implied' | 'msb-set' | 'none';
}

/** Optional parts of a dtype (see Hdf5Dtype). */
export interface Hdf5DtypeExtra {
  intBits?: IntBits;
  floatBits?: FloatBits;
  base?: Hdf5Dtype;
  spacePadded?: boolean;
}

/** The typed arrays that hold HDF5 integer and float values (shared with the numpy reader). */
export type NumericArray = TypedArray;

const interned = new Map<string, Hdf5Dtype>();

/** Dtypes are shared, frozen objects: an inventory describes 100,000s of datasets of a few types. */
export function makeDtype(kind: Hdf5DtypeKind, size: number, littleEndian = true, extra?: Hdf5DtypeExtra): Hdf5Dtype {
  const key = `${kind}${size}${littleEndian ? '<' : '>'}${extra ? JSON.stringify(extra) : ''}`;
  let dtype = interned.get(key);
  if (!dtype) {
    const parts: Hdf5DtypeExtra = {};
    if (extra?.intBits) parts.intBits = Object.freeze({ ...extra.intBits });
    if (extra?.floatBits) parts.floatBits = Object.freeze({ ...extra.floatBits });
    if (extra?.base) parts.base = extra.base;
    if (extra?.spacePadded) parts.spacePadded = true;
    dtype = Object.freeze({ kind, size, littleEndian, name: dtypeName(kind, size, parts.floatBits), ...parts });
    interned.set(key, dtype);
  }
  return dtype;
}

function dtypeName(kind: Hdf5DtypeKind, size: number, floatBits: FloatBits | undefined): string {
  if (kind === 'float' && floatBits) return floatTarget(size, floatBits)?.name ?? 'unknown';
  if (kind === 'int' || kind === 'uint' || kind === 'float') return `${kind}${size * 8}`;
  return kind;
}

/** IEEE half, single and double: bytes, mantissa bits, and numpy's finfo maxexp / minexp. */
const IEEE_TARGETS = [
  { name: 'float16', size: 2, mant: 10, maxexp: 16, minexp: -14 },
  { name: 'float32', size: 4, mant: 23, maxexp: 128, minexp: -126 },
  { name: 'float64', size: 8, mant: 52, maxexp: 1024, minexp: -1022 },
] as const;

/**
 * The IEEE type h5py reads a non-IEEE float as: the smallest at least as wide whose mantissa and
 * exponent range hold it (h5py's TypeFloatID.py_dtype); undefined when only long double would do.
 */
function floatTarget(size: number, f: FloatBits): (typeof IEEE_TARGETS)[number] | undefined {
  return IEEE_TARGETS.find((t) => t.size >= size && f.mantSize <= t.mant && 2 ** f.expSize - f.bias - 1 <= t.maxexp && 1 - f.bias >= t.minexp);
}

/** The bit layout of IEEE half, single and double (for recognising them in a datatype message). */
export function ieeeFloatBits(size: number): FloatBits | undefined {
  if (size === 2) return { signPos: 15, expPos: 10, expSize: 5, mantPos: 0, mantSize: 10, bias: 15, norm: 'implied' };
  if (size === 4) return { signPos: 31, expPos: 23, expSize: 8, mantPos: 0, mantSize: 23, bias: 127, norm: 'implied' };
  if (size === 8) return { signPos: 63, expPos: 52, expSize: 11, mantPos: 0, mantSize: 52, bias: 1023, norm: 'implied' };
  return undefined;
}

/** True for the integer and IEEE float types that map onto a JS typed array as they are stored. */
export function isNumeric(dtype: Hdf5Dtype): boolean {
  if (dtype.intBits || dtype.floatBits) return false;
  if (dtype.kind === 'float') return dtype.size === 4 || dtype.size === 8;
  return (dtype.kind === 'int' || dtype.kind === 'uint') && [1, 2, 4, 8].includes(dtype.size);
}

/**
 * True for numbers that decodeNumbers converts: IEEE half floats, non-IEEE floats, integers of other
 * sizes or with padding bits (up to 128 bits), and enums of integers.
 */
export function needsDecoding(dtype: Hdf5Dtype): boolean {
  if (isNumeric(dtype)) return false;
  if (dtype.kind === 'enum') return dtype.base !== undefined && (isNumeric(dtype.base) || needsDecoding(dtype.base));
  if (dtype.kind === 'float') return dtype.floatBits ? floatTarget(dtype.size, dtype.floatBits) !== undefined : dtype.size === 2;
  return (dtype.kind === 'int' || dtype.kind === 'uint') && dtype.size <= 16;
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

/**
 * The values of integer, float or enum elements as h5py shows them: plain types as typed arrays,
 * half floats as float32, non-IEEE floats as the IEEE type h5py picks, integers with padding bits
 * as the typed array of their size, 128-bit integers as bigints. `bytes` are in the dtype's byte
 * order unless `littleEndian` says otherwise (h5wasm hands out little-endian bytes); they are not changed.
 */
export function decodeNumbers(bytes: Uint8Array, dtype: Hdf5Dtype, littleEndian = dtype.littleEndian): NumericArray | bigint[] {
  if (dtype.kind === 'enum') {
    if (!dtype.base) throw new Error('an enum without its integer type');
    return decodeNumbers(bytes, dtype.base, littleEndian);
  }
  const { size } = dtype;
  const count = Math.floor(bytes.length / size);
  if (isNumeric(dtype)) return typedArrayFromBytes(bytes.slice(0, count * size), makeDtype(dtype.kind, size, littleEndian));
  if (dtype.kind === 'float') {
    const bits = dtype.floatBits ?? (size === 2 ? ieeeFloatBits(2) : undefined);
    const target = bits && floatTarget(size, bits);
    if (!bits || !target) throw new Error(`${dtype.name} floats of ${size} bytes cannot be converted`);
    const out = target.size === 8 ? new Float64Array(count) : new Float32Array(count);
    for (let i = 0; i < count; i++) out[i] = floatAt(bytes, i * size, size, littleEndian, bits);
    return out;
  }
  if (dtype.kind !== 'int' && dtype.kind !== 'uint') throw new Error(`${dtype.name} values are not numbers`);
  const signed = dtype.kind === 'int';
  const { offset, precision } = dtype.intBits ?? { offset: 0, precision: size * 8 };
  if (size > 16 || precision < 1) throw new Error(`integers of ${size} bytes cannot be converted`);
  if (size > 8) return Array.from({ length: count }, (_, i) => intAtBig(bytes, i * size, size, littleEndian, offset, precision, signed));
  const Ctor = typedArrayClassFor({ str: '', order: '<', kind: signed ? 'i' : 'u', itemsize: size <= 2 ? size : size <= 4 ? 4 : 8 })!;
  const out = new Ctor(new ArrayBuffer(count * Ctor.BYTES_PER_ELEMENT), 0, count);
  for (let i = 0; i < count; i++) {
    if (out instanceof BigInt64Array || out instanceof BigUint64Array) out[i] = intAtBig(bytes, i * size, size, littleEndian, offset, precision, signed);
    else out[i] = intAt(bytes, i * size, size, littleEndian, offset, precision, signed);
  }
  return out;
}

/** Bits [pos, pos + n) of the element at `start` as a number (n <= 53). */
function bitsAt(b: Uint8Array, start: number, size: number, le: boolean, pos: number, n: number): number {
  let value = 0;
  let scale = 1;
  for (let bit = pos, left = n; left > 0;) {
    const byteIndex = bit >> 3;
    const shift = bit & 7;
    const take = Math.min(8 - shift, left);
    const byte = byteIndex < size ? b[start + (le ? byteIndex : size - 1 - byteIndex)]! : 0;
    value += ((byte >> shift) & ((1 << take) - 1)) * scale;
    scale *= 2 ** take;
    bit += take;
    left -= take;
  }
  return value;
}

/** Bits [pos, pos + n) of the element at `start` as a bigint (any n). */
function bitsAtBig(b: Uint8Array, start: number, size: number, le: boolean, pos: number, n: number): bigint {
  let value = 0n;
  for (let i = size - 1; i >= 0; i--) value = (value << 8n) | BigInt(b[start + (le ? i : size - 1 - i)]!);
  return (value >> BigInt(pos)) & ((1n << BigInt(n)) - 1n);
}

function intAt(b: Uint8Array, start: number, size: number, le: boolean, offset: number, precision: number, signed: boolean): number {
  const v = bitsAt(b, start, size, le, offset, precision);
  return signed && v >= 2 ** (precision - 1) ? v - 2 ** precision : v;
}

function intAtBig(b: Uint8Array, start: number, size: number, le: boolean, offset: number, precision: number, signed: boolean): bigint {
  const v = bitsAtBig(b, start, size, le, offset, precision);
  return signed && v >> BigInt(precision - 1) ? v - (1n << BigInt(precision)) : v;
}

/** One float of any HDF5 bit layout, as the nearest double (exact for every layout h5py reads as float16-64). */
function floatAt(b: Uint8Array, start: number, size: number, le: boolean, f: FloatBits): number {
  const negative = bitsAt(b, start, size, le, f.signPos, 1) === 1;
  const e = bitsAt(b, start, size, le, f.expPos, f.expSize);
  const m = f.mantSize <= 53 ? bitsAt(b, start, size, le, f.mantPos, f.mantSize) : Number(bitsAtBig(b, start, size, le, f.mantPos, f.mantSize));
  let v: number;
  if (e === 2 ** f.expSize - 1) {
    // All exponent bits set: infinity when the fraction (without a stored leading 1) is zero, else NaN.
    const fraction = f.norm === 'implied' ? m : m % 2 ** (f.mantSize - 1);
    v = fraction === 0 ? Infinity : NaN;
  } else if (f.norm === 'implied') {
    v = e === 0 ? ldexp(m, 1 - f.bias - f.mantSize) : ldexp(m + 2 ** f.mantSize, e - f.bias - f.mantSize);
  } else {
    v = ldexp(m, Math.max(e, 1) - f.bias - (f.mantSize - 1));
  }
  return negative ? -v : v;
}

/** x * 2^k with one rounding (x is an integer below 2^64). */
function ldexp(x: number, k: number): number {
  if (x === 0) return 0;
  // Scale in two steps so that only the last multiplication can round (into the subnormal range).
  if (k < -1022) return k + 1022 < -1074 ? 0 : x * 2 ** -1022 * 2 ** (k + 1022);
  if (k > 1000) return x * 2 ** 1000 * 2 ** Math.min(k - 1000, 1100);
  return x * 2 ** k;
}

/** Empty values of a dtype (a typed array for numbers). */
export function emptyValues(dtype: Hdf5Dtype): NumericArray | unknown[] {
  if (isNumeric(dtype)) return typedArrayFromBytes(new Uint8Array(0), dtype);
  if (needsDecoding(dtype)) return decodeNumbers(new Uint8Array(0), dtype);
  return [];
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * The text of a string's bytes without losing any: UTF-8 when they are valid UTF-8 (what h5py writes,
 * whatever character set the type declares), otherwise one character per byte (Latin-1).
 */
export function textFromBytes(bytes: Uint8Array): string {
  let ascii = true;
  for (const b of bytes) {
    if (b >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (!ascii) {
    try {
      return strictUtf8.decode(bytes);
    } catch {
      // Not UTF-8: fall through to one character per byte.
    }
  }
  let s = '';
  for (let i = 0; i < bytes.length; i += 4096) s += String.fromCharCode(...bytes.subarray(i, i + 4096));
  return s;
}

/**
 * Fixed-length strings: space-padded ones lose their trailing spaces (as the HDF5 library converts
 * them), then each ends at its first NUL (null-terminated and null-padded strings).
 */
export function decodeFixedStrings(bytes: Uint8Array, dtype: Hdf5Dtype): string[] {
  const count = Math.floor(bytes.length / dtype.size);
  return Array.from({ length: count }, (_, i) => {
    let raw = bytes.subarray(i * dtype.size, (i + 1) * dtype.size);
    if (dtype.spacePadded) {
      let end = raw.length;
      while (end > 0 && raw[end - 1] === 0x20) end--;
      raw = raw.subarray(0, end);
    }
    const zero = raw.indexOf(0);
    return textFromBytes(zero >= 0 ? raw.subarray(0, zero) : raw);
  });
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

/**
 * The same description from h5wasm's metadata (used when the native reader falls back to h5wasm).
 * h5wasm reports neither the bit layout of floats and integers nor the sign of an enum's integer
 * type: an enum is taken as signed when a member is negative or it is h5py's boolean.
 */
export function dtypeFromH5wasm(md: Metadata): Hdf5Dtype {
  let kind = H5T_CLASS[md.type] ?? 'unknown';
  if (kind === 'int' && !md.signed) kind = 'uint';
  if (kind === 'string' && md.vlen) kind = 'vlen-string';
  if (kind === 'enum' && md.enum_type?.type === 0) {
    const members = md.enum_type.members;
    // h5py's booleans are enums FALSE = 0, TRUE = 1 of int8; its other enums default to unsigned.
    const bool = Object.keys(members).length === 2 && members.FALSE === 0 && members.TRUE === 1;
    const signed = bool || Object.values(members).some((v) => v < 0);
    return makeDtype(kind, md.size, md.littleEndian, { base: makeDtype(signed ? 'int' : 'uint', md.size, md.littleEndian) });
  }
  if (kind === 'string' && md.strpad === 2) return makeDtype(kind, md.size, md.littleEndian, { spacePadded: true });
  return makeDtype(kind, md.size, md.littleEndian);
}
