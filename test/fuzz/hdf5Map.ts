import { ByteSource } from '../../src/core/hdf5/byteSource';
import { Hdf5File } from '../../src/core/hdf5/hdf5File';
import { hdf5Tree, type Hdf5TreeNode } from '../../src/core/hdf5/hdf5Tree';
import { parseSuperblock, SUPERBLOCK_READ_SIZE } from '../../src/core/hdf5/superblock';

/*
 * Where the structures of an HDF5 file are, so mutations can aim at them: every metadata read the
 * native reader makes while walking the whole file (superblock, object headers, B-tree nodes, symbol
 * table nodes, heaps), the header messages inside each object header (dataspace, datatype, layout,
 * attributes, links, continuations) with their file offsets, and the bytes of every dataset's values
 * (contiguous runs and the chunks of chunked datasets, found through their B-trees).
 */

export interface Region {
  start: number;
  end: number;
}

export interface MessageSpot {
  /** HDF5 header message type (0x01 dataspace, 0x03 datatype, 0x08 layout, ...). */
  type: number;
  /** File offset of the message body and its size. */
  at: number;
  size: number;
}

export interface Hdf5Map {
  size: number;
  offsetSize: number;
  lengthSize: number;
  superblockVersion: number;
  /** Where the superblock stores the end-of-file address (null if the version is not handled). */
  eofField: number | null;
  /** Every range the metadata reader read. */
  metadata: Region[];
  /** Object header addresses and their messages. */
  headers: { address: number; messages: MessageSpot[] }[];
  /** Signatures found by scanning: TREE, SNOD, HEAP, GCOL, OHDR, OCHK. */
  signatures: { sig: string; at: number }[];
  /** Values of datasets: contiguous runs and stored chunks. */
  data: Region[];
  /** Absolute paths of every group and dataset, for choosing names to patch. */
  paths: string[];
}

const SIGNATURES = ['TREE', 'SNOD', 'HEAP', 'GCOL', 'OHDR', 'OCHK'];

/** Maps the structures of the HDF5 file at `path` (reads it fully; seeds are small). */
export async function mapHdf5(path: string, bytes: Uint8Array): Promise<Hdf5Map> {
  const reads: Region[] = [];
  // eslint-disable-next-line @typescript-eslint/unbound-method -- kept to be called with .call(this) from the patch and put back afterwards
  const original = ByteSource.prototype.readSync;
  ByteSource.prototype.readSync = function (this: ByteSource, position: number, length: number) {
    if (this.path === path) reads.push({ start: position, end: position + length });
    return original.call(this, position, length);
  };
  let file: Hdf5File | undefined;
  const paths: string[] = [];
  const data: Region[] = [];
  try {
    file = await Hdf5File.open(path);
    const visit = (n: Hdf5TreeNode) => {
      paths.push(n.path);
      const d = n.dataset;
      if (d?.fileOffset != null && d.byteLength > 0) data.push({ start: d.fileOffset, end: d.fileOffset + d.byteLength });
      n.children?.forEach(visit);
    };
    visit(hdf5Tree(file, '/'));
  } catch {
    // A seed that is itself damaged (the truncated fixture): mutations use what the scan finds.
  } finally {
    ByteSource.prototype.readSync = original;
    file?.close();
  }
  const sb = file?.superblock ?? parseSuperblock(bytes.subarray(0, SUPERBLOCK_READ_SIZE), 0)!;
  reads.push({ start: sb.signatureOffset, end: sb.signatureOffset + Math.min(bytes.length, 96) });
  const O = sb.offsetSize;
  const L = sb.lengthSize;
  const base = sb.signatureOffset;
  const headers = reads
    .filter((r) => r.end - r.start === Math.min(16, bytes.length - r.start) || isOhdr(bytes, r.start))
    .map((r) => r.start)
    .filter((a, i, all) => all.indexOf(a) === i && (isOhdr(bytes, a) || (bytes[a] === 1 && bytes[a + 1] === 0)))
    .map((address) => ({ address, messages: headerMessages(bytes, address, O, L, base) }));
  const signatures: { sig: string; at: number }[] = [];
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  for (const sig of SIGNATURES) for (let i = text.indexOf(sig); i >= 0; i = text.indexOf(sig, i + 1)) signatures.push({ sig, at: i });
  // Chunks of chunked datasets: walk each layout's chunk B-tree (layout message version 3).
  for (const h of headers) {
    for (const m of h.messages.filter((x) => x.type === 0x08)) data.push(...chunkRegions(bytes, m, O, base));
  }
  const eofField = sb.version <= 1 ? base + (sb.version === 0 ? 24 : 28) + 2 * O : base + 12 + 2 * O;
  return {
    size: bytes.length,
    offsetSize: O,
    lengthSize: L,
    superblockVersion: sb.version,
    eofField,
    metadata: merge(reads),
    headers,
    signatures,
    data,
    paths,
  };
}

function isOhdr(b: Uint8Array, at: number): boolean {
  return b[at] === 0x4f && b[at + 1] === 0x48 && b[at + 2] === 0x44 && b[at + 3] === 0x52;
}

function uint(b: Uint8Array, at: number, width: number): number {
  let v = 0;
  for (let i = width - 1; i >= 0; i--) v = v * 256 + (b[at + i] ?? 0);
  return v;
}

/** The messages of one object header (v1 or v2), continuation blocks followed. */
function headerMessages(b: Uint8Array, address: number, O: number, L: number, base: number): MessageSpot[] {
  const out: MessageSpot[] = [];
  const v2 = isOhdr(b, address);
  const blocks: [number, number][] = [];
  let trackOrder = false;
  if (v2) {
    const flags = b[address + 5]!;
    let p = address + 6;
    if (flags & 0x20) p += 16;
    if (flags & 0x10) p += 4;
    const w = 1 << (flags & 0x03);
    blocks.push([p + w, uint(b, p, w)]);
    trackOrder = (flags & 0x04) !== 0;
  } else {
    blocks.push([address + 16, uint(b, address + 8, 4)]);
  }
  for (let k = 0; k < blocks.length && k < 64; k++) {
    const [start, len] = blocks[k]!;
    let p = start;
    let end = p + len;
    if (v2 && k > 0) {
      p += 4; // OCHK
      end -= 4; // checksum
    }
    const headLen = v2 ? (trackOrder ? 6 : 4) : 8;
    while (p + headLen <= end && p + headLen <= b.length) {
      const type = v2 ? b[p]! : uint(b, p, 2);
      const size = v2 ? uint(b, p + 1, 2) : uint(b, p + 2, 2);
      const at = p + headLen;
      out.push({ type, at, size });
      if (type === 0x10) blocks.push([base + uint(b, at, O), uint(b, at + O, L)]);
      p = at + size;
    }
  }
  return out;
}

/** Stored chunks of a chunked dataset whose layout message (v3) is `m`. */
function chunkRegions(b: Uint8Array, m: MessageSpot, O: number, base: number): Region[] {
  if (b[m.at] !== 3 || b[m.at + 1] !== 2) return [];
  const rank = b[m.at + 2]!;
  const root = uint(b, m.at + 3, O);
  const keySize = 8 + 8 * rank;
  const out: Region[] = [];
  const seen = new Set<number>();
  const walk = (addr: number, depth: number) => {
    const at = base + addr;
    if (depth > 8 || seen.has(at) || at + 8 > b.length || b[at] !== 0x54 /* T */) return;
    seen.add(at);
    const level = b[at + 5]!;
    const used = uint(b, at + 6, 2);
    let p = at + 8 + 2 * O;
    for (let i = 0; i < used && p + keySize + O <= b.length; i++) {
      const chunkSize = uint(b, p, 4);
      const child = uint(b, p + keySize, O);
      if (level === 0) out.push({ start: base + child, end: base + child + chunkSize });
      else walk(child, depth + 1);
      p += keySize + O;
    }
  };
  walk(root, 0);
  return out;
}

function merge(regions: Region[]): Region[] {
  const sorted = [...regions].sort((a, b) => a.start - b.start);
  const out: Region[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.start <= last.end) last.end = Math.max(last.end, r.end);
    else out.push({ ...r });
  }
  return out;
}

/** Every structural boundary: starts and ends of metadata reads, messages, signatures and data. */
export function boundaries(map: Hdf5Map): number[] {
  const set = new Set<number>([0, map.size]);
  for (const r of [...map.metadata, ...map.data]) {
    set.add(r.start);
    set.add(r.end);
  }
  for (const h of map.headers) {
    set.add(h.address);
    for (const m of h.messages) {
      set.add(m.at);
      set.add(m.at + m.size);
    }
  }
  for (const s of map.signatures) set.add(s.at);
  return [...set].filter((x) => x >= 0 && x <= map.size).sort((a, b) => a - b);
}
