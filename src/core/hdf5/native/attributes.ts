import type { ByteSource } from '../byteSource';
import { isNumeric, typedArrayFromBytes, type Hdf5Dtype } from '../dtype';
import { Cursor, utf8, type FieldSizes } from './cursor';
import { Hdf5FormatError, Hdf5UnsupportedError } from './errors';
import { decodeDataspace, decodeDatatype, product } from './messages';
import { MSG_FLAG_SHARED, type HeaderMessage } from './objectHeader';
import { compareBytewise } from './names';

/**
 * Attribute messages (HDF5 spec IV.A.2.m), decoded without the HDF5 library: the SMC header is a dozen
 * small attributes, and h5wasm aborts its whole wasm instance on some damaged attribute messages (every
 * later file would fail), so attributes of damaged files must never reach it.
 */

export const MSG_ATTRIBUTE = 0x0c;
export const MSG_ATTRIBUTE_INFO = 0x15;

export interface DecodedAttribute {
  name: string;
  dtype: Hdf5Dtype;
  shape: number[] | null;
  /** As h5wasm gives it: number, bigint (64-bit integers) or string for scalars; typed array or string[]. */
  value: unknown;
}

interface AttributeContext {
  src: ByteSource;
  sizes: FieldSizes;
  base: number;
}

/** The attributes stored in an object's header, in name order (as the HDF5 library lists them). */
export function decodeAttributes(messages: HeaderMessage[], ctx: AttributeContext): DecodedAttribute[] {
  const info = messages.find((m) => m.type === MSG_ATTRIBUTE_INFO);
  if (info && attributesAreDense(info.data, ctx.sizes)) throw new Hdf5UnsupportedError('dense attribute storage');
  const attrs = messages.filter((m) => m.type === MSG_ATTRIBUTE).map((m) => decodeAttribute(m, ctx));
  return attrs.sort((a, b) => compareBytewise(a.name, b.name));
}

/** Attribute info message: a defined fractal heap address means the attributes live in dense storage. */
function attributesAreDense(data: Uint8Array, sizes: FieldSizes): boolean {
  const c = new Cursor(data, 0, sizes);
  c.u8(); // version
  if (c.u8() & 0x01) c.skip(2); // maximum creation index
  return c.address() !== undefined;
}

function decodeAttribute(m: HeaderMessage, ctx: AttributeContext): DecodedAttribute {
  if (m.flags & MSG_FLAG_SHARED) throw new Hdf5UnsupportedError('shared attribute messages');
  const c = new Cursor(m.data, 0, ctx.sizes);
  const version = c.u8();
  const flags = c.u8();
  if (version < 1 || version > 3) throw new Hdf5FormatError(`unknown attribute message version ${version}`);
  if (version >= 2 && flags & 0x03) throw new Hdf5UnsupportedError('attributes with shared types or spaces');
  const nameSize = c.u16();
  const typeSize = c.u16();
  const spaceSize = c.u16();
  if (version === 3) c.u8(); // name character set
  const pad = (n: number) => (version === 1 ? Math.ceil(n / 8) * 8 : n);
  const nameBytes = c.view(pad(nameSize));
  const typeBytes = c.view(pad(typeSize));
  const spaceBytes = c.view(pad(spaceSize));
  const end = nameBytes.indexOf(0);
  const name = utf8.decode(nameBytes.subarray(0, end >= 0 ? end : nameSize));
  const dtype = decodeDatatype(typeBytes);
  const shape = decodeDataspace(spaceBytes, ctx.sizes);
  const count = shape === null ? 0 : product(shape);
  const data = c.view(count * dtype.size);
  return { name, dtype, shape, value: decodeValue(data, dtype, shape, count, ctx) };
}

function decodeValue(data: Uint8Array, dtype: Hdf5Dtype, shape: number[] | null, count: number, ctx: AttributeContext): unknown {
  if (shape === null) return null;
  const scalar = shape.length === 0;
  if (isNumeric(dtype)) {
    // Copy: the bytes are a view into the page cache, and typed arrays need alignment.
    const arr = typedArrayFromBytes(data.slice(), dtype);
    return scalar ? arr[0] : arr;
  }
  let strings: string[];
  if (dtype.kind === 'string') {
    // Fixed-length: cut at the first NUL, as h5wasm does.
    strings = Array.from({ length: count }, (_, i) => {
      const raw = data.subarray(i * dtype.size, (i + 1) * dtype.size);
      const zero = raw.indexOf(0);
      return utf8.decode(zero >= 0 ? raw.subarray(0, zero) : raw);
    });
  } else if (dtype.kind === 'vlen-string') {
    // Each element: length, then a global heap ID (collection address, object index).
    const c = new Cursor(data, 0, ctx.sizes);
    strings = Array.from({ length: count }, () => {
      const length = c.u32();
      const collection = c.address();
      const index = c.u32();
      if (collection === undefined || length === 0) return '';
      return utf8.decode(globalHeapObject(ctx, ctx.base + collection, index).subarray(0, length));
    });
  } else {
    throw new Hdf5UnsupportedError(`${dtype.name} attributes`);
  }
  return scalar ? strings[0] : strings;
}

/** One object of a global heap collection ("GCOL"), where variable-length strings are kept. */
function globalHeapObject(ctx: AttributeContext, address: number, index: number): Uint8Array {
  const { src, sizes } = ctx;
  const head = new Cursor(src.readSync(address, 8 + sizes.lengthSize), 0, sizes);
  head.signature('GCOL');
  head.skip(4); // version, reserved
  const size = head.length();
  const c = new Cursor(src.readSync(address, size), 8 + sizes.lengthSize, sizes);
  while (c.remaining >= 8 + sizes.lengthSize) {
    const id = c.u16();
    c.skip(6); // reference count, reserved
    const objectSize = c.length();
    if (id === 0) break; // free space: the end of the objects
    if (id === index) return c.view(objectSize);
    c.skip(Math.min(c.remaining, Math.ceil(objectSize / 8) * 8));
  }
  throw new Hdf5FormatError(`global heap object ${index} not found`);
}
