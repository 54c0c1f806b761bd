import { HOST_LITTLE_ENDIAN, dtypeOfTypedArray, parseDType, swapBytesInPlace, typedArrayClassFor, type TypedArray } from './dtype';

/**
 * A numpy array as stored in a file: type string, shape and the raw element bytes in C order and
 * in the byte order the type string names (big-endian data stays big-endian, so it can be written
 * back unchanged). `values()` gives the numbers as a host-order typed array.
 */
export class NdArray {
  private cached: TypedArray | null | undefined;

  constructor(
    /** numpy `dtype.str`, e.g. `<f4`, `>i2`, `|b1`, `<U5`; for structured/object arrays the raw descr is in `descr`. */
    readonly dtype: string,
    readonly shape: readonly number[],
    /** C-order element bytes; for object arrays the Python pickle the writer stored. */
    readonly bytes: Uint8Array,
    /** msgpack-numpy `kind`: '' for ordinary dtypes, 'V' structured, 'O' object (pickled, Python-only). */
    readonly kind: '' | 'V' | 'O' = '',
    /** numpy `dtype.descr` for kind V/O, as stored (a list of [name, type(, shape)]). */
    readonly descr?: unknown,
  ) {}

  /** Wraps a typed array (host order); `shape` defaults to 1-D. The bytes are shared, not copied. */
  static fromTyped(values: TypedArray, shape: readonly number[] = [values.length], dtype?: string): NdArray {
    const d = dtype ?? hostOrder(dtypeOfTypedArray(values));
    const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
    const a = new NdArray(d, shape, bytes);
    if (!dtype) a.cached = values;
    return a;
  }

  get ndim(): number {
    return this.shape.length;
  }

  /** Number of elements (1 for a 0-d array). */
  get size(): number {
    return shapeSize(this.shape);
  }

  /**
   * The elements as a typed array in host byte order: a view of `bytes` when aligned and in host
   * order, otherwise a copy. Complex numbers come interleaved (re, im); booleans as 0/1 bytes.
   * Null for types JS has no array for (float16, strings, structured, object).
   */
  values(): TypedArray | null {
    if (this.cached !== undefined) return this.cached;
    const d = this.kind === '' ? parseDType(this.dtype) : null;
    const Ctor = d ? typedArrayClassFor(d) : null;
    if (!d || !Ctor) return (this.cached = null);
    const el = Ctor.BYTES_PER_ELEMENT;
    const needsSwap = d.order !== '|' && (d.order === '<') !== HOST_LITTLE_ENDIAN;
    let src = this.bytes;
    if (needsSwap || src.byteOffset % el !== 0) {
      src = new Uint8Array(src); // a copy (Buffer.slice would be a view)
      if (needsSwap) swapBytesInPlace(src, el);
    }
    return (this.cached = new Ctor(src.buffer, src.byteOffset, Math.floor(src.byteLength / el)));
  }
}

export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

function hostOrder(le: string): string {
  return HOST_LITTLE_ENDIAN || le.startsWith('|') ? le : `>${le.slice(1)}`;
}
