import { ieeeFloatBits, makeDtype, type FloatBits, type Hdf5Dtype, type Hdf5DtypeKind } from '../dtype';
import { FILTER_NAMES, type Hdf5Filter } from '../types';
import { Cursor, cString, utf8, type FieldSizes } from './cursor';
import { Hdf5FormatError, Hdf5UnsupportedError } from './errors';

/** Decoders for the header messages the metadata reader needs (HDF5 file format spec, section IV.A.2). */

/** Dataspace: the shape ([] = scalar), or null for a null dataspace. */
export function decodeDataspace(data: Uint8Array, sizes: FieldSizes): number[] | null {
  const c = new Cursor(data, 0, sizes);
  const version = c.u8();
  const rank = c.u8();
  const flags = c.u8();
  if (version === 1) {
    c.skip(5);
  } else if (version === 2) {
    const type = c.u8();
    if (type === 2) return null;
  } else {
    throw new Hdf5UnsupportedError(`dataspace message version ${version}`);
  }
  const shape: number[] = [];
  for (let i = 0; i < rank; i++) shape.push(c.length());
  if (flags & 0x01) {
    // Maximum dimensions: a current size above its maximum is a damaged header (HDF5 rejects it too).
    for (let i = 0; i < rank; i++) {
      const max = c.lengthOrUnlimited();
      if (max !== undefined && shape[i]! > max) throw new Hdf5FormatError(`dimension ${i} exceeds its maximum`);
    }
  }
  return shape;
}

/** True when a dataspace has an unlimited maximum dimension (a virtual dataset's extent then comes from its sources). */
export function hasUnlimitedDimension(data: Uint8Array, sizes: FieldSizes): boolean {
  const c = new Cursor(data, 0, sizes);
  const version = c.u8();
  const rank = c.u8();
  const flags = c.u8();
  if (version === 1) c.skip(5);
  else if (version !== 2 || c.u8() === 2) return false;
  if ((flags & 0x01) === 0) return false;
  c.skip(rank * sizes.lengthSize);
  for (let i = 0; i < rank; i++) if (c.lengthOrUnlimited() === undefined) return true;
  return false;
}

const TYPE_CLASSES: Hdf5DtypeKind[] = ['int', 'float', 'time', 'string', 'bitfield', 'opaque', 'compound', 'reference', 'enum', 'vlen', 'array'];

/**
 * Datatype: class, size and byte order. Integers with padding bits and non-IEEE floats carry their bit
 * layout (values are converted as h5py converts them); VAX floats are reported as unknown.
 */
export function decodeDatatype(data: Uint8Array): Hdf5Dtype {
  const c = new Cursor(data);
  const classAndVersion = c.u8();
  const bits0 = c.u8();
  const bits1 = c.u8();
  c.u8();
  const size = c.u32();
  // Every HDF5 type has a size; 0 would make element counts unbounded by the bytes that hold them.
  if (size === 0) throw new Hdf5FormatError('a datatype of size 0');
  let kind = TYPE_CLASSES[classAndVersion & 0x0f] ?? 'unknown';
  const littleEndian = (bits0 & 0x01) === 0;
  if (kind === 'int' || kind === 'uint') {
    if ((bits0 & 0x08) === 0) kind = 'uint';
    const offset = c.u16();
    const precision = c.u16();
    if (precision === 0 || offset + precision > size * 8) throw new Hdf5FormatError('an integer type whose bits do not fit its size');
    if (offset === 0 && precision === size * 8) return makeDtype(kind, size, littleEndian);
    return makeDtype(kind, size, littleEndian, { intBits: { offset, precision } });
  }
  if (kind === 'float') {
    // Bit 6 is VAX byte order, which is not converted.
    if (bits0 & 0x40) return makeDtype('unknown', size, littleEndian);
    const offset = c.u16();
    const precision = c.u16();
    const f: FloatBits = {
      signPos: bits1,
      expPos: c.u8(),
      expSize: c.u8(),
      mantPos: c.u8(),
      mantSize: c.u8(),
      bias: c.u32(),
      norm: FLOAT_NORMS[(bits0 >> 4) & 0x03] ?? 'none',
    };
    const fits = (pos: number, n: number) => n > 0 && pos + n <= size * 8;
    if (!fits(f.expPos, f.expSize) || !fits(f.mantPos, f.mantSize) || !fits(f.signPos, 1) || offset + precision > size * 8) {
      throw new Hdf5FormatError('a float type whose bit fields do not fit its size');
    }
    const ieee = ieeeFloatBits(size);
    const standard = ieee && offset === 0 && precision === size * 8 && (Object.keys(ieee) as (keyof FloatBits)[]).every((k) => ieee[k] === f[k]);
    if (standard) return makeDtype('float', size, littleEndian);
    // Exponents wider than 30 bits would overflow the arithmetic; no real format has them.
    if (f.expSize > 30) return makeDtype('unknown', size, littleEndian);
    const dtype = makeDtype('float', size, littleEndian, { floatBits: f });
    // Named 'unknown' when no IEEE type holds it (long double): not converted.
    return dtype.name === 'unknown' ? makeDtype('unknown', size, littleEndian) : dtype;
  }
  if (kind === 'string') return makeDtype(kind, size, littleEndian, (bits0 & 0x0f) === 2 ? { spacePadded: true } : undefined);
  if (kind === 'enum') {
    const base = decodeDatatype(data.subarray(8));
    if (base.kind !== 'int' && base.kind !== 'uint') return makeDtype('enum', size, littleEndian);
    return makeDtype('enum', size, base.littleEndian, { base });
  }
  if (kind === 'vlen' && (bits0 & 0x0f) === 1) kind = 'vlen-string';
  return makeDtype(kind, size, littleEndian);
}

/** Mantissa normalization (datatype message bits 4-5). */
const FLOAT_NORMS: Record<number, FloatBits['norm']> = { 0: 'none', 1: 'msb-set', 2: 'implied' };

/** Where a chunked dataset's chunk addresses live: a v1 B-tree (undefined until written), one chunk, or another index. */
export type ChunkIndex = { type: 'btree-v1'; address: number | undefined } | { type: 'single'; storedBytes: number } | { type: 'other' };

export type DecodedLayout =
  | { kind: 'compact'; size: number }
  | { kind: 'contiguous'; address: number | undefined; size: number }
  | { kind: 'chunked'; chunks: number[]; index: ChunkIndex }
  | { kind: 'virtual' };

/**
 * Data layout. Version 3 (what HDF5 1.8+ writes unless newer features are requested) is fully decoded;
 * version 4 chunk indexes other than "single chunk" are recognised but their stored size is not summed.
 */
export function decodeLayout(data: Uint8Array, sizes: FieldSizes, shape: number[] | null, elementSize: number): DecodedLayout {
  const c = new Cursor(data, 0, sizes);
  const version = c.u8();
  if (version === 1 || version === 2) {
    const rank = c.u8();
    const cls = c.u8();
    c.skip(5);
    const address = cls === 0 ? undefined : c.address();
    const dims: number[] = [];
    for (let i = 0; i < rank; i++) dims.push(c.u32());
    if (cls === 0) return { kind: 'compact', size: c.u32() };
    if (cls === 1) return { kind: 'contiguous', address, size: product(shape ?? []) * elementSize };
    return { kind: 'chunked', chunks: dims.slice(0, -1), index: { type: 'btree-v1', address } };
  }
  if (version !== 3 && version !== 4) throw new Hdf5UnsupportedError(`layout message version ${version}`);
  const cls = c.u8();
  if (cls === 0) return { kind: 'compact', size: c.u16() };
  if (cls === 1) {
    const address = c.address();
    return { kind: 'contiguous', address, size: c.length() };
  }
  if (cls === 3) return { kind: 'virtual' };
  if (cls !== 2) throw new Hdf5FormatError(`unknown layout class ${cls}`);
  if (version === 3) {
    const rank = c.u8();
    const address = c.address();
    const dims: number[] = [];
    for (let i = 0; i < rank; i++) dims.push(c.u32());
    // The last "dimension" is the element size.
    return { kind: 'chunked', chunks: dims.slice(0, -1), index: { type: 'btree-v1', address } };
  }
  const flags = c.u8();
  const rank = c.u8();
  const width = c.u8();
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) dims.push(c.uint(width));
  const indexType = c.u8();
  const chunks = dims.slice(0, -1);
  if (indexType === 1) {
    // Single chunk: its filtered size is recorded when the chunk is filtered.
    const filtered = (flags & 0x02) !== 0;
    const storedBytes = filtered ? c.length() : product(chunks) * elementSize;
    return { kind: 'chunked', chunks, index: { type: 'single', storedBytes } };
  }
  return { kind: 'chunked', chunks, index: { type: 'other' } };
}

/** Filter pipeline: the filters applied to each chunk, in order. */
export function decodeFilterPipeline(data: Uint8Array): Hdf5Filter[] {
  return decodeFilterParams(data).map(({ id, name }) => ({ id, name }));
}

/** One filter of a pipeline with its client data values (what the filter needs to undo itself). */
export interface FilterParams extends Hdf5Filter {
  values: number[];
}

/** Filter pipeline with each filter's client data values. */
export function decodeFilterParams(data: Uint8Array): FilterParams[] {
  const c = new Cursor(data);
  const version = c.u8();
  const count = c.u8();
  if (version === 1) c.skip(6);
  else if (version !== 2) throw new Hdf5UnsupportedError(`filter pipeline message version ${version}`);
  const filters: FilterParams[] = [];
  for (let i = 0; i < count; i++) {
    const id = c.u16();
    const nameLength = version === 1 || id >= 256 ? c.u16() : 0;
    c.u16(); // flags
    const nvalues = c.u16();
    let name = '';
    if (nameLength > 0) {
      const raw = c.view(version === 1 ? align8(nameLength) : nameLength);
      name = cString(raw, 0);
    }
    const values: number[] = [];
    for (let v = 0; v < nvalues; v++) values.push(c.u32());
    if (version === 1 && nvalues % 2 === 1) c.skip(4);
    filters.push({ id, name: FILTER_NAMES[id] ?? (name || `filter ${id}`), values });
  }
  return filters;
}

/** Symbol table message (old-style group): its B-tree and local heap addresses. */
export function decodeSymbolTable(data: Uint8Array, sizes: FieldSizes): { btree: number; heap: number } {
  const c = new Cursor(data, 0, sizes);
  const btree = c.address();
  const heap = c.address();
  if (btree === undefined || heap === undefined) throw new Hdf5FormatError('a group symbol table has no address');
  return { btree, heap };
}

/** Link info message: a defined fractal heap address means the links are in dense storage. */
export function decodeLinkInfo(data: Uint8Array, sizes: FieldSizes): { dense: boolean } {
  const c = new Cursor(data, 0, sizes);
  c.u8(); // version
  const flags = c.u8();
  if (flags & 0x01) c.skip(8); // maximum creation index
  return { dense: c.address() !== undefined };
}

export type NativeLinkTarget =
  | { kind: 'hard'; address: number }
  | { kind: 'soft'; target: string }
  | { kind: 'external'; target: string }
  /** A link of a user-defined class (type 65-255): listed, never followed (the HDF5 library needs the class registered). */
  | { kind: 'user-defined'; linkType: number };

/** Link message (new-style compact group): the name and what it points to. */
export function decodeLink(data: Uint8Array, sizes: FieldSizes): { name: string; target: NativeLinkTarget } {
  const c = new Cursor(data, 0, sizes);
  if (c.u8() !== 1) throw new Hdf5UnsupportedError('link message version');
  const flags = c.u8();
  const linkType = flags & 0x08 ? c.u8() : 0;
  if (flags & 0x04) c.skip(8); // creation order
  if (flags & 0x10) c.u8(); // character set
  const nameLength = c.uint(1 << (flags & 0x03));
  const name = utf8.decode(c.view(nameLength));
  if (linkType === 0) {
    const address = c.address();
    if (address === undefined) throw new Hdf5FormatError(`link ${name} has no address`);
    return { name, target: { kind: 'hard', address } };
  }
  const valueLength = c.u16();
  const value = c.view(valueLength);
  if (linkType === 1) return { name, target: { kind: 'soft', target: utf8.decode(value) } };
  if (linkType === 64) {
    // Flags byte, then "file\0object\0".
    const file = cString(value, 1);
    const object = cString(value, 2 + new TextEncoder().encode(file).length);
    return { name, target: { kind: 'external', target: `${file}:${object}` } };
  }
  if (linkType >= 65) return { name, target: { kind: 'user-defined', linkType } };
  throw new Hdf5FormatError(`link ${name} has the reserved link type ${linkType}`);
}

export function product(dims: number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

function align8(n: number): number {
  return Math.ceil(n / 8) * 8;
}
