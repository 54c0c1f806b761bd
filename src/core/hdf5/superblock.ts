/**
 * The HDF5 superblock, parsed from the first bytes at the signature (HDF5 file format spec, "Superblock").
 * It gives the end-of-file address (for the truncation check) and where the root group starts.
 */
export interface Hdf5Superblock {
  /** Where the signature is (0 unless the file has a user block); every file address is relative to it. */
  signatureOffset: number;
  version: number;
  /** Bytes per file address ("size of offsets") and per length ("size of lengths"). */
  offsetSize: number;
  lengthSize: number;
  /** Absolute end-of-file address the writer recorded, or undefined if it is the undefined address. */
  eofAddress?: number;
  /** Absolute address of the root group's object header, when the superblock records one. */
  rootObjectAddress?: number;
}

/** Bytes to read at the signature to parse any superblock version. */
export const SUPERBLOCK_READ_SIZE = 128;

/** Reads a little-endian unsigned integer; undefined for the all-ones "undefined address" or past the end. */
export function readLeUint(bytes: Uint8Array, offset: number, width: number): number | undefined {
  if (offset + width > bytes.length) return undefined;
  let value = 0n;
  let allOnes = true;
  for (let i = width - 1; i >= 0; i--) {
    const b = bytes[offset + i]!;
    if (b !== 0xff) allOnes = false;
    value = (value << 8n) | BigInt(b);
  }
  if (allOnes) return undefined;
  return Number(value);
}

/**
 * Superblock layouts: v0/v1 hold base, free-space, EOF and driver addresses and end with the root
 * group's symbol table entry; v2/v3 hold base, extension, EOF and root object header addresses.
 * `head` starts at the signature.
 *
 * Addresses are relative to the base address. Like the HDF5 library, the base is taken to be where
 * the signature was found (the file may have been given a user block, or had one removed, after it
 * was written). The recorded EOF counts from the recorded base address's origin (h5py with
 * `userblock_size=512` records base 512 and the whole file's length), so the absolute end of file
 * is `signatureOffset + (eof - base)`.
 */
export function parseSuperblock(head: Uint8Array, signatureOffset: number): Hdf5Superblock | undefined {
  const version = head[8];
  let offsetSize: number;
  let lengthSize: number;
  let baseAt: number;
  let rootAt: number;
  if (version === 0 || version === 1) {
    offsetSize = head[13]!;
    lengthSize = head[14]!;
    baseAt = version === 0 ? 24 : 28;
    // Root group symbol table entry (after four addresses): link name offset, then the object header address.
    rootAt = baseAt + 5 * offsetSize;
  } else if (version === 2 || version === 3) {
    offsetSize = head[9]!;
    lengthSize = head[10]!;
    baseAt = 12;
    rootAt = 12 + 3 * offsetSize;
  } else {
    return undefined;
  }
  if (![2, 4, 8].includes(offsetSize) || ![2, 4, 8].includes(lengthSize)) return undefined;
  const base = readLeUint(head, baseAt, offsetSize) ?? 0;
  const eof = readLeUint(head, baseAt + 2 * offsetSize, offsetSize);
  const root = readLeUint(head, rootAt, offsetSize);
  return {
    signatureOffset,
    version,
    offsetSize,
    lengthSize,
    eofAddress: eof === undefined ? undefined : signatureOffset + eof - base,
    rootObjectAddress: root === undefined ? undefined : signatureOffset + root,
  };
}
