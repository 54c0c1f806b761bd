/**
 * numpy type strings (`dtype.str`: `<f4`, `>i2`, `|b1`, `<U5`, ...) and the JS typed arrays that
 * hold their values. Shared by .npy/.npz files and the msgpack-numpy convention of BodyCompress.
 */

export type ByteOrder = '<' | '>' | '|';

export interface DType {
  /** The numpy type string as written, e.g. `<f4`. */
  str: string;
  order: ByteOrder;
  /** numpy kind character: f, i, u, b, c, U, S, V, O, ... */
  kind: string;
  itemsize: number;
}

export type TypedArray =
  Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array | BigInt64Array | BigUint64Array;

export const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Parses a simple numpy type string; returns null for anything else (structured descr lists). */
export function parseDType(str: string): DType | null {
  const m = /^([<>|=])?([a-zA-Z])(\d*)$/.exec(str);
  if (!m) return null;
  const kind = m[2]!;
  let itemsize = m[3] ? Number(m[3]) : kind === 'b' || kind === '?' ? 1 : NaN;
  if (kind === 'U') itemsize *= 4; // UCS-4 code points
  if (!Number.isFinite(itemsize)) return null;
  let order = (m[1] ?? '|') as ByteOrder | '=';
  if (order === '=') order = HOST_LITTLE_ENDIAN ? '<' : '>';
  if (itemsize === 1 && kind !== 'U') order = '|';
  return { str, order, kind: kind === '?' ? 'b' : kind, itemsize };
}

interface TypedCtor {
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): TypedArray;
  BYTES_PER_ELEMENT: number;
}

/**
 * The typed array class holding one element (or, for complex, one component) of `d`, or null
 * when JS has none (float16, strings, structured, object). Booleans are bytes 0/1.
 */
export function typedArrayClassFor(d: DType): TypedCtor | null {
  const key = `${d.kind}${d.itemsize}`;
  switch (key) {
    case 'b1':
    case 'u1':
    case 'S1':
      return Uint8Array;
    case 'i1':
      return Int8Array;
    case 'i2':
      return Int16Array;
    case 'u2':
      return Uint16Array;
    case 'i4':
      return Int32Array;
    case 'u4':
      return Uint32Array;
    case 'i8':
      return BigInt64Array;
    case 'u8':
      return BigUint64Array;
    case 'f4':
    case 'c8':
      return Float32Array;
    case 'f8':
    case 'c16':
      return Float64Array;
    default:
      return null;
  }
}

/** The numpy type string (little-endian) for a typed array's element type. */
export function dtypeOfTypedArray(a: TypedArray): string {
  if (a instanceof Float32Array) return '<f4';
  if (a instanceof Float64Array) return '<f8';
  if (a instanceof Int32Array) return '<i4';
  if (a instanceof Uint32Array) return '<u4';
  if (a instanceof Int16Array) return '<i2';
  if (a instanceof Uint16Array) return '<u2';
  if (a instanceof Int8Array) return '|i1';
  if (a instanceof BigInt64Array) return '<i8';
  if (a instanceof BigUint64Array) return '<u8';
  return '|u1';
}

/** Reverses the byte order of every `size`-byte element of `bytes` in place. */
export function swapBytesInPlace(bytes: Uint8Array, size: number): void {
  if (size <= 1) return;
  for (let i = 0; i + size <= bytes.length; i += size) {
    for (let a = i, b = i + size - 1; a < b; a++, b--) {
      const t = bytes[a]!;
      bytes[a] = bytes[b]!;
      bytes[b] = t;
    }
  }
}
