import { Hdf5FormatError } from './errors';

/** Widths of file addresses and lengths, from the superblock. */
export interface FieldSizes {
  offsetSize: number;
  lengthSize: number;
}

/** Sequential little-endian reads over one HDF5 structure, with bounds checks. */
export class Cursor {
  constructor(
    readonly bytes: Uint8Array,
    public pos = 0,
    readonly sizes: FieldSizes = { offsetSize: 8, lengthSize: 8 },
  ) {}

  get remaining(): number {
    return this.bytes.length - this.pos;
  }

  u8(): number {
    this.need(1);
    return this.bytes[this.pos++]!;
  }

  u16(): number {
    this.need(2);
    const b = this.bytes;
    const v = b[this.pos]! | (b[this.pos + 1]! << 8);
    this.pos += 2;
    return v;
  }

  u32(): number {
    this.need(4);
    const b = this.bytes;
    const v = (b[this.pos]! | (b[this.pos + 1]! << 8) | (b[this.pos + 2]! << 16)) + b[this.pos + 3]! * 0x1000000;
    this.pos += 4;
    return v;
  }

  /** An unsigned integer of `width` bytes; undefined for all ones (HDF5's "undefined address"). */
  uintOrUndefined(width: number): number | undefined {
    this.need(width);
    const b = this.bytes;
    let allOnes = true;
    let value = 0;
    let scale = 1;
    for (let i = 0; i < width; i++) {
      const byte = b[this.pos + i]!;
      if (byte !== 0xff) allOnes = false;
      value += byte * scale;
      scale *= 256;
    }
    this.pos += width;
    if (allOnes && width > 0) return undefined;
    if (!Number.isSafeInteger(value)) throw new Hdf5FormatError(`a ${width}-byte field holds an impossible value`);
    return value;
  }

  uint(width: number): number {
    const v = this.uintOrUndefined(width);
    if (v === undefined) throw new Hdf5FormatError('an undefined value where a number was required');
    return v;
  }

  /** A file address (relative to the base), or undefined for the undefined address. */
  address(): number | undefined {
    return this.uintOrUndefined(this.sizes.offsetSize);
  }

  length(): number {
    return this.uint(this.sizes.lengthSize);
  }

  /** A length that may legitimately be all ones (e.g. an unlimited maximum dimension). */
  lengthOrUnlimited(): number | undefined {
    return this.uintOrUndefined(this.sizes.lengthSize);
  }

  skip(n: number): void {
    this.need(n);
    this.pos += n;
  }

  view(n: number): Uint8Array {
    this.need(n);
    const v = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** Checks a 4-byte ASCII signature such as "TREE" or "SNOD". */
  signature(expected: string): void {
    this.need(4);
    for (let i = 0; i < 4; i++) {
      if (this.bytes[this.pos + i] !== expected.charCodeAt(i)) {
        throw new Hdf5FormatError(`expected the ${expected} signature`);
      }
    }
    this.pos += 4;
  }

  private need(n: number): void {
    if (this.pos + n > this.bytes.length) throw new Hdf5FormatError('a structure ends before its declared size');
  }
}

/** A NUL-terminated string starting at `offset` in `bytes` (names in local heaps and messages). */
export function cString(bytes: Uint8Array, offset: number): string {
  let end = offset;
  let ascii = true;
  while (end < bytes.length && bytes[end] !== 0) {
    if (bytes[end]! >= 0x80) ascii = false;
    end++;
  }
  if (end >= bytes.length) throw new Hdf5FormatError('a name is not terminated');
  // Short ASCII names ("0".."2528", "color") are most names; building them directly avoids a decoder call.
  if (ascii && end - offset <= 16) {
    let s = '';
    for (let i = offset; i < end; i++) s += String.fromCharCode(bytes[i]!);
    return s;
  }
  return utf8.decode(bytes.subarray(offset, end));
}

export const utf8 = new TextDecoder('utf-8');
