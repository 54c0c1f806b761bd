import type { ByteSource } from '../byteSource';
import { Cursor, cString, type FieldSizes } from './cursor';
import { Hdf5FormatError } from './errors';
import type { NativeLinkTarget } from './messages';

/**
 * Version 1 B-trees (HDF5 spec III.A.1): the index of old-style groups (type 0, leaves are symbol
 * table nodes) and of chunked datasets written with layout version 3 (type 1, leaves are chunks).
 */

export interface TreeContext {
  src: ByteSource;
  sizes: FieldSizes;
  /** Absolute address of relative address 0. */
  base: number;
}

/** A depth far beyond any real tree; a deeper one is a loop in a damaged file. */
const MAX_DEPTH = 64;

interface NodeEntries {
  level: number;
  keys: Uint8Array[];
  children: number[];
}

function readNode(ctx: TreeContext, address: number, type: number, keySize: number): NodeEntries {
  const { src, sizes } = ctx;
  const headerSize = 8 + 2 * sizes.offsetSize;
  const head = new Cursor(src.readSync(address, headerSize), 0, sizes);
  head.signature('TREE');
  if (head.u8() !== type) throw new Hdf5FormatError(`B-tree node at ${address} has the wrong type`);
  const level = head.u8();
  const used = head.u16();
  const body = new Cursor(src.readSync(address + headerSize, used * (keySize + sizes.offsetSize) + keySize), 0, sizes);
  const keys: Uint8Array[] = [];
  const children: number[] = [];
  for (let i = 0; i < used; i++) {
    keys.push(body.view(keySize));
    const child = body.address();
    if (child === undefined) throw new Hdf5FormatError(`B-tree node at ${address} has an undefined child`);
    children.push(ctx.base + child);
  }
  keys.push(body.view(keySize));
  return { level, keys, children };
}

/** Visits the leaves' children in key order (names for groups, chunk offsets for chunks). */
function walkLeaves(ctx: TreeContext, root: number, type: number, keySize: number, visit: (child: number, key: Uint8Array) => void): void {
  const seen = new Set<number>();
  const walk = (address: number, depth: number) => {
    if (depth > MAX_DEPTH || seen.has(address)) throw new Hdf5FormatError('a B-tree loops back on itself');
    seen.add(address);
    const node = readNode(ctx, address, type, keySize);
    node.children.forEach((child, i) => {
      if (node.level === 0) visit(child, node.keys[i]!);
      else walk(child, depth + 1);
    });
  };
  walk(root, 0);
}

/**
 * The names in an old-style group, in the B-tree's (byte-wise name) order, with their targets.
 * `btree` and `heap` are absolute addresses.
 */
export function readSymbolTableGroup(ctx: TreeContext, btree: number, heap: number): Map<string, NativeLinkTarget> {
  const names = readLocalHeap(ctx, heap);
  const links = new Map<string, NativeLinkTarget>();
  const { src, sizes } = ctx;
  const entrySize = 2 * sizes.offsetSize + 24;
  walkLeaves(ctx, btree, 0, sizes.lengthSize, (snodAddress) => {
    const head = new Cursor(src.readSync(snodAddress, 8), 0, sizes);
    head.signature('SNOD');
    head.skip(2); // version, reserved
    const count = head.u16();
    const body = new Cursor(src.readSync(snodAddress + 8, count * entrySize), 0, sizes);
    for (let i = 0; i < count; i++) {
      const nameOffset = body.uint(sizes.offsetSize);
      const objectAddress = body.address();
      const cacheType = body.u32();
      body.skip(4);
      const scratch = body.view(16);
      const name = cString(names, nameOffset);
      if (cacheType === 2) {
        // Soft link: the scratch pad holds the offset of the link value in the local heap.
        const valueOffset = new Cursor(scratch).u32();
        links.set(name, { kind: 'soft', target: cString(names, valueOffset) });
      } else {
        if (objectAddress === undefined) throw new Hdf5FormatError(`group member ${name} has no address`);
        links.set(name, { kind: 'hard', address: ctx.base + objectAddress });
      }
    }
  });
  return links;
}

/** The data segment of the local heap at absolute `address` (the names of an old-style group's members). */
function readLocalHeap(ctx: TreeContext, address: number): Uint8Array {
  const { src, sizes } = ctx;
  const c = new Cursor(src.readSync(address, 8 + 2 * sizes.lengthSize + sizes.offsetSize), 0, sizes);
  c.signature('HEAP');
  c.skip(4); // version, reserved
  const size = c.length();
  c.length(); // free list offset
  const data = c.address();
  if (data === undefined) throw new Hdf5FormatError('a local heap has no data segment');
  // Copy: the names outlive the page cache entry they were read from.
  return src.readSync(ctx.base + data, size).slice();
}

/**
 * The total stored size of a chunked dataset's chunks (their filtered sizes), from the chunk B-tree at
 * absolute address `btree`. `rank` is the dataset's rank; chunk keys hold rank + 1 offsets.
 */
export function sumChunkSizes(ctx: TreeContext, btree: number, rank: number): { bytes: number; chunks: number } {
  let bytes = 0;
  let chunks = 0;
  walkLeaves(ctx, btree, 1, 8 + 8 * (rank + 1), (_chunk, key) => {
    bytes += new Cursor(key).u32();
    chunks++;
  });
  return { bytes, chunks };
}

/** One stored chunk of a chunked dataset: where it starts (in elements, per dimension), its bytes and skipped filters. */
export interface StoredChunk {
  /** Absolute address of the chunk's (filtered) bytes. */
  address: number;
  /** Stored (filtered) size in bytes. */
  size: number;
  /** Bit i set: filter i of the pipeline was not applied to this chunk. */
  filterMask: number;
  /** The chunk's first element along each dimension of the dataset. */
  offsets: number[];
}

/** The stored chunks of a chunked dataset from its chunk B-tree at absolute address `btree` (see sumChunkSizes). */
export function listChunks(ctx: TreeContext, btree: number, rank: number): StoredChunk[] {
  const chunks: StoredChunk[] = [];
  walkLeaves(ctx, btree, 1, 8 + 8 * (rank + 1), (address, key) => {
    const c = new Cursor(key);
    const size = c.u32();
    const filterMask = c.u32();
    const offsets: number[] = [];
    for (let i = 0; i < rank; i++) offsets.push(c.uint(8));
    chunks.push({ address, size, filterMask, offsets });
  });
  return chunks;
}
