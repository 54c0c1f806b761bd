import type { ByteSource } from '../byteSource';
import { decodeFixedStrings, decodeNumbers, isNumeric, makeDtype, needsDecoding, textFromBytes, typedArrayFromBytes, type Hdf5Dtype } from '../dtype';
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
  /** Why the value could not be read (value is then null); absent for readable attributes. */
  error?: string;
  /** Set (with `error`) when the type is valid HDF5 this reader does not decode: the HDF5 library may read it. */
  needsLibrary?: true;
}

interface AttributeContext {
  src: ByteSource;
  sizes: FieldSizes;
  base: number;
}

/**
 * The attributes stored in an object's header, in h5py's order: creation order when the object tracks
 * it, name order otherwise. An attribute whose bytes are damaged is listed with an error and no value;
 * the others are unaffected. One of a type this reader does not decode (compound, array, reference,
 * ...) is marked `needsLibrary` for the HDF5 library to read, unless the header is damaged (the
 * library must never see damaged attributes).
 */
export function decodeAttributes(messages: HeaderMessage[], ctx: AttributeContext): DecodedAttribute[] {
  const info = messages.find((m) => m.type === MSG_ATTRIBUTE_INFO);
  const infoFlags = info ? attributeInfo(info.data, ctx.sizes) : null;
  const attrMessages = messages.filter((m) => m.type === MSG_ATTRIBUTE);
  let damaged = false;
  const attrs = attrMessages.map((m, i): { attr: DecodedAttribute; order: number } => {
    const order = m.creationOrder ?? i;
    try {
      return { attr: decodeAttribute(m, ctx), order };
    } catch (err) {
      if (err instanceof Hdf5FormatError) damaged = true;
      else if (!(err instanceof Hdf5UnsupportedError)) throw err;
      const attr = unreadable(m, ctx, i, err.message);
      if (err instanceof Hdf5UnsupportedError) attr.needsLibrary = true;
      return { attr, order };
    }
  });
  const byCreation = infoFlags?.tracked === true && attrMessages.every((m) => m.creationOrder !== undefined);
  attrs.sort((a, b) => (byCreation ? a.order - b.order : compareBytewise(a.attr.name, b.attr.name)));
  // A damaged header never goes to the library: its undecoded attributes keep their error.
  if (damaged) for (const { attr } of attrs) delete attr.needsLibrary;
  return attrs.map(({ attr }) => attr);
}

/** Attribute info message: creation order tracking, and whether the attributes live in dense storage. */
function attributeInfo(data: Uint8Array, sizes: FieldSizes): { tracked: boolean } {
  const c = new Cursor(data, 0, sizes);
  c.u8(); // version
  const flags = c.u8();
  if (flags & 0x01) c.skip(2); // maximum creation index
  if (c.address() !== undefined) throw new Hdf5UnsupportedError('dense attribute storage');
  return { tracked: (flags & 0x01) !== 0 };
}

/** An attribute that cannot be read: its name (and type and shape) when those can still be read. */
function unreadable(m: HeaderMessage, ctx: AttributeContext, index: number, why: string): DecodedAttribute {
  let head: AttributeHead | null = null;
  try {
    head = attributeHead(m, ctx);
  } catch {
    // The name itself is damaged.
  }
  let dtype = makeDtype('unknown', 1);
  let shape: number[] | null = null;
  try {
    if (head) dtype = decodeDatatype(head.typeBytes);
    if (head) shape = decodeDataspace(head.spaceBytes, ctx.sizes);
  } catch {
    // Type or space damaged: reported as unknown.
  }
  return { name: head?.name ?? `(attribute ${index + 1}, name unreadable)`, dtype, shape, value: null, error: why };
}

interface AttributeHead {
  name: string;
  typeBytes: Uint8Array;
  spaceBytes: Uint8Array;
  cursor: Cursor;
}

function attributeHead(m: HeaderMessage, ctx: AttributeContext): AttributeHead {
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
  return { name, typeBytes, spaceBytes, cursor: c };
}

function decodeAttribute(m: HeaderMessage, ctx: AttributeContext): DecodedAttribute {
  const { name, typeBytes, spaceBytes, cursor: c } = attributeHead(m, ctx);
  const dtype = decodeDatatype(typeBytes);
  const shape = decodeDataspace(spaceBytes, ctx.sizes);
  const count = shape === null ? 0 : product(shape);
  if (!Number.isSafeInteger(count * dtype.size) || count * dtype.size > c.remaining) {
    throw new Hdf5FormatError(`attribute ${name} claims more values than its message holds`);
  }
  const data = c.view(count * dtype.size);
  return { name, dtype, shape, value: decodeValue(data, dtype, shape, count, ctx) };
}

function decodeValue(data: Uint8Array, dtype: Hdf5Dtype, shape: number[] | null, count: number, ctx: AttributeContext): unknown {
  if (shape === null) return null;
  const scalar = shape.length === 0;
  if (isNumeric(dtype) || needsDecoding(dtype)) {
    // Copy: the bytes are a view into the page cache, and typed arrays need alignment.
    const arr = isNumeric(dtype) ? typedArrayFromBytes(data.slice(), dtype) : decodeNumbers(data, dtype);
    return scalar ? arr[0] : arr;
  }
  let strings: string[];
  if (dtype.kind === 'string') {
    strings = decodeFixedStrings(data, dtype);
  } else if (dtype.kind === 'vlen-string') {
    // Each element: length, then a global heap ID (collection address, object index). A NULL string
    // (collection address 0 or undefined) reads as empty, as in h5py.
    const c = new Cursor(data, 0, ctx.sizes);
    strings = Array.from({ length: count }, () => {
      const length = c.u32();
      const collection = c.address();
      const index = c.u32();
      if (!collection || length === 0) return '';
      return textFromBytes(globalHeapObject(ctx, ctx.base + collection, index).subarray(0, length));
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
