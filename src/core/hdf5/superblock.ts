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
 * Superblock layouts: v0/v1 hold the EOF after two addresses and end with the root group's symbol table
 * entry; v2/v3 hold base, extension, EOF and root object header addresses. `head` starts at the signature.
 */
export function parseSuperblock(head: Uint8Array, signatureOffset: number): Hdf5Superblock | undefined {
  const version = head[8];
  const abs = (rel: number | undefined) => (rel === undefined ? undefined : signatureOffset + rel);
  if (version === 0 || version === 1) {
    const offsetSize = head[13]!;
    const lengthSize = head[14]!;
    if (![2, 4, 8].includes(offsetSize) || ![2, 4, 8].includes(lengthSize)) return undefined;
    const addrStart = version === 0 ? 24 : 28;
    const eof = readLeUint(head, addrStart + 2 * offsetSize, offsetSize);
    // Root group symbol table entry: link name offset, then the object header address.
    const rootEntry = addrStart + 4 * offsetSize;
    const root = readLeUint(head, rootEntry + offsetSize, offsetSize);
    return { signatureOffset, version, offsetSize, lengthSize, eofAddress: abs(eof), rootObjectAddress: abs(root) };
  }
  if (version === 2 || version === 3) {
    const offsetSize = head[9]!;
    const lengthSize = head[10]!;
    if (![2, 4, 8].includes(offsetSize) || ![2, 4, 8].includes(lengthSize)) return undefined;
    const eof = readLeUint(head, 12 + 2 * offsetSize, offsetSize);
    const root = readLeUint(head, 12 + 3 * offsetSize, offsetSize);
    return { signatureOffset, version, offsetSize, lengthSize, eofAddress: abs(eof), rootObjectAddress: abs(root) };
  }
  return undefined;
}
