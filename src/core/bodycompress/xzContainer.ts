import type { FileHandle } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { readFully } from '../io/readFully';

/*
 * The .xz container around the compressed data (tukaani.org xz-file-format 1.2.1): found by
 * walking the streams backwards from the end of the file (footer → index → stream header), the
 * way `xz --list` does, so the block boundaries are known without decompressing anything. Also
 * builds small valid streams that contain chosen blocks of a file, for random access.
 */

export const XZ_HEADER_MAGIC = new Uint8Array([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]);
const FOOTER_MAGIC = [0x59, 0x5a]; // "YZ"

export interface XzBlock {
  /** Stream number in the walked region, from 0. */
  stream: number;
  /** File offset of the block header. */
  fileOffset: number;
  /** Block header + compressed data + check, without block padding (as the index stores it). */
  unpaddedSize: number;
  uncompressedSize: number;
  /** Offset of the block's first decoded byte within the decoded region. */
  uncompressedOffset: number;
}

export interface XzStream {
  fileOffset: number;
  /** File offset just after the stream footer. */
  end: number;
  /** The two stream-flag bytes (byte 1 = check type). */
  flags: [number, number];
  /** Zero bytes after the stream (stream padding). */
  paddingAfter: number;
  blocks: XzBlock[];
  uncompressedOffset: number;
  uncompressedSize: number;
}

export interface XzLayout {
  /** True when the whole region parsed as streams + padding (else truncated or damaged). */
  complete: boolean;
  /** Why the walk stopped, when it is not complete. */
  problem?: string;
  streams: XzStream[];
  blocks: XzBlock[];
  /** Total decoded size of the region (sum of streams). */
  uncompressedSize: number;
}

/** Size on disk of a block: unpadded size rounded up to 4 (check sizes are multiples of 4). */
export function blockTotalSize(b: XzBlock): number {
  return Math.ceil(b.unpaddedSize / 4) * 4;
}

function crcOk(bytes: Uint8Array, from: number, to: number, at: number): boolean {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return crc32(bytes.subarray(from, to)) === view.getUint32(at, true);
}

/**
 * Reads a multibyte integer (7 bits per byte, little-endian, max 9 bytes). Null when malformed,
 * and when above 2^53 - 1: such sizes are far beyond any real file and would lose precision here.
 */
function readVarint(b: Uint8Array, pos: number): { value: number; end: number } | null {
  let value = 0;
  let mul = 1;
  for (let i = 0; i < 9 && pos + i < b.length; i++) {
    const byte = b[pos + i]!;
    value += (byte & 0x7f) * mul;
    mul *= 128;
    if ((byte & 0x80) === 0) return (byte === 0 && i > 0) || !Number.isSafeInteger(value) ? null : { value, end: pos + i + 1 };
  }
  return null;
}

function writeVarint(out: number[], v: number): void {
  while (v >= 0x80) {
    out.push((v % 128) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
}

async function readAt(handle: FileHandle, pos: number, len: number): Promise<Uint8Array> {
  const buf = new Uint8Array(len);
  return buf.subarray(0, await readFully(handle, buf, pos));
}

/**
 * Walks the xz streams of the file region [start, end) from its end. Never throws for bad data:
 * a region that does not end in a valid stream footer (a truncated file) gives `complete: false`.
 */
export async function readXzLayout(handle: FileHandle, start: number, end: number): Promise<XzLayout> {
  const found: Omit<XzStream, 'uncompressedOffset' | 'blocks'>[] = [];
  const recordsOf: { unpadded: number; uncompressed: number }[][] = [];
  // One read per stream in the usual case: a window ending at the stream's end holds its
  // padding, footer and index (files with thousands of streams must open quickly).
  const WINDOW = 8192;
  let winStart = end;
  let win: Uint8Array = new Uint8Array(0);
  const bytesBefore = async (pos: number, n: number): Promise<Uint8Array> => {
    if (pos - n < winStart || pos > winStart + win.length) {
      const from = Math.max(start, pos - Math.max(n, WINDOW));
      win = await readAt(handle, from, pos - from);
      winStart = from;
    }
    return win.subarray(pos - n - winStart, pos - winStart);
  };
  let pos = end;
  let problem: string | undefined;
  /** Decoded size of the streams walked so far. */
  let total = 0;
  while (pos > start) {
    // Stream padding: zero bytes in multiples of 4 after a stream.
    let streamEnd = pos;
    while (streamEnd - 4 >= start) {
      const w = await bytesBefore(streamEnd, Math.min(streamEnd - start, 4));
      if (w.length < 4 || w[0] !== 0 || w[1] !== 0 || w[2] !== 0 || w[3] !== 0) break;
      streamEnd -= 4;
    }
    if (streamEnd - start < 32) {
      problem = streamEnd === start ? 'the data is only zero bytes' : 'no complete xz stream at the end of the file';
      break;
    }
    const footer = await bytesBefore(streamEnd, 12);
    if (footer[10] !== FOOTER_MAGIC[0] || footer[11] !== FOOTER_MAGIC[1] || !crcOk(footer, 4, 10, 0)) {
      problem = 'the file does not end with an xz stream footer (truncated?)';
      break;
    }
    const indexSize = (new DataView(footer.buffer, footer.byteOffset).getUint32(4, true) + 1) * 4;
    const flags: [number, number] = [footer[8]!, footer[9]!];
    const indexStart = streamEnd - 12 - indexSize;
    if (indexStart < start + 12) {
      problem = 'xz index size points before the start of the data';
      break;
    }
    const records = parseIndex(new Uint8Array(await bytesBefore(streamEnd - 12, indexSize)));
    if (!records) {
      problem = `damaged xz index at byte ${indexStart}`;
      break;
    }
    total += records.reduce((sum, r) => sum + r.uncompressed, 0);
    if (!Number.isSafeInteger(total)) {
      problem = `damaged xz index at byte ${indexStart}: the streams' sizes add up to more than any file holds`;
      break;
    }
    const blocksBytes = records.reduce((sum, r) => sum + Math.ceil(r.unpadded / 4) * 4, 0);
    const streamStart = indexStart - blocksBytes - 12;
    if (streamStart < start) {
      problem = 'xz index describes more data than the file holds';
      break;
    }
    found.unshift({
      fileOffset: streamStart,
      end: streamEnd,
      flags,
      paddingAfter: pos - streamEnd,
      uncompressedSize: records.reduce((sum, r) => sum + r.uncompressed, 0),
    });
    recordsOf.unshift(records);
    pos = streamStart;
  }
  // The walk must land on stream headers; check the first one (the others are checked when decoded).
  if (!problem && found.length > 0) {
    const head = await readAt(handle, found[0]!.fileOffset, 12);
    if (!XZ_HEADER_MAGIC.every((b, i) => head[i] === b) || !crcOk(head, 6, 8, 8)) problem = 'the xz index does not lead back to a stream header';
  }
  const streams: XzStream[] = [];
  const blocks: XzBlock[] = [];
  let uOff = 0;
  if (!problem) {
    found.forEach((st, si) => {
      let fOff = st.fileOffset + 12;
      const stream: XzStream = { ...st, blocks: [], uncompressedOffset: uOff };
      for (const r of recordsOf[si]!) {
        const b: XzBlock = { stream: si, fileOffset: fOff, unpaddedSize: r.unpadded, uncompressedSize: r.uncompressed, uncompressedOffset: uOff };
        stream.blocks.push(b);
        blocks.push(b);
        fOff += blockTotalSize(b);
        uOff += r.uncompressed;
      }
      streams.push(stream);
    });
  }
  return { complete: !problem, problem, streams, blocks, uncompressedSize: uOff };
}

function parseIndex(b: Uint8Array): { unpadded: number; uncompressed: number }[] | null {
  if (b.length < 8 || b[0] !== 0 || !crcOk(b, 0, b.length - 4, b.length - 4)) return null;
  const n = readVarint(b, 1);
  if (!n) return null;
  let pos = n.end;
  const out: { unpadded: number; uncompressed: number }[] = [];
  let unpaddedSum = 0;
  let uncompressedSum = 0;
  for (let i = 0; i < n.value; i++) {
    const u = readVarint(b, pos);
    if (!u) return null;
    const c = readVarint(b, u.end);
    if (!c || u.value < 5) return null;
    out.push({ unpadded: u.value, uncompressed: c.value });
    // Each size is exact (below 2^53); so are the sums while they stay below it. Larger totals are
    // corrupt (xz limits them to 2^63 - 1; no file comes near 2^53 bytes).
    unpaddedSum += Math.ceil(u.value / 4) * 4;
    uncompressedSum += c.value;
    if (!Number.isSafeInteger(unpaddedSum) || !Number.isSafeInteger(uncompressedSum)) return null;
    pos = c.end;
  }
  while (pos % 4 !== 0) if (b[pos++] !== 0) return null;
  return pos === b.length - 4 ? out : null;
}

/** A file range or literal bytes that, concatenated in order, form compressed input. */
export type SourcePiece = { start: number; end: number } | { bytes: Uint8Array };

/**
 * A complete, valid xz stream holding the consecutive blocks `blocks` of one stream of the file:
 * a stream header, the blocks' bytes from the file, and an index + footer describing just them.
 * Decoding it yields exactly those blocks' data and checks their integrity.
 */
export function streamOfBlocks(stream: XzStream, blocks: XzBlock[]): SourcePiece[] {
  const first = blocks[0]!;
  const last = blocks[blocks.length - 1]!;
  const flags = new Uint8Array(stream.flags);
  const header = new Uint8Array(12);
  header.set(XZ_HEADER_MAGIC);
  header.set(flags, 6);
  new DataView(header.buffer).setUint32(8, crc32(flags), true);
  const idx: number[] = [0];
  writeVarint(idx, blocks.length);
  for (const b of blocks) {
    writeVarint(idx, b.unpaddedSize);
    writeVarint(idx, b.uncompressedSize);
  }
  while (idx.length % 4 !== 0) idx.push(0);
  const index = new Uint8Array(idx.length + 4);
  index.set(idx);
  new DataView(index.buffer).setUint32(idx.length, crc32(index.subarray(0, idx.length)), true);
  const footer = new Uint8Array(12);
  const fv = new DataView(footer.buffer);
  fv.setUint32(4, index.length / 4 - 1, true);
  footer.set(flags, 8);
  footer.set(FOOTER_MAGIC, 10);
  fv.setUint32(0, crc32(footer.subarray(4, 10)), true);
  return [{ bytes: header }, { start: first.fileOffset, end: last.fileOffset + blockTotalSize(last) }, { bytes: index }, { bytes: footer }];
}

/** What the streams and blocks of an xz file use, for naming what a decoder lacks. */
export interface XzFeatures {
  /** Integrity check IDs of the streams (0 none, 1 CRC32, 4 CRC64, 10 SHA-256, others reserved). */
  checks: number[];
  /** Filter IDs of the blocks, in chain order, each once (0x21 is LZMA2). */
  filters: number[];
  /** Largest LZMA2 dictionary in bytes, or null when no block header was readable. */
  maxDictBytes: number | null;
}

const CHECK_NAMES: Record<number, string> = { 0: 'no integrity check', 1: 'the CRC32 check', 4: 'the CRC64 check', 10: 'the SHA-256 check' };
const FILTER_NAMES: Record<number, string> = {
  0x03: 'the delta filter',
  0x04: 'the x86 BCJ filter',
  0x05: 'the PowerPC BCJ filter',
  0x06: 'the IA-64 BCJ filter',
  0x07: 'the ARM BCJ filter',
  0x08: 'the ARM-Thumb BCJ filter',
  0x09: 'the SPARC BCJ filter',
  0x0a: 'the ARM64 BCJ filter',
  0x0b: 'the RISC-V BCJ filter',
  0x21: 'LZMA2',
};

export function checkName(id: number): string {
  return CHECK_NAMES[id] ?? `integrity check type ${id} (reserved)`;
}

export function filterName(id: number): string {
  return FILTER_NAMES[id] ?? `filter 0x${id.toString(16)}`;
}

/** The dictionary size an LZMA2 properties byte gives (xz-file-format 5.3.1). */
function lzma2Dict(props: number): number {
  const bits = props & 0x3f;
  if (bits > 40) return Infinity;
  return bits === 40 ? 2 ** 32 - 1 : (2 | (bits & 1)) * 2 ** (Math.floor(bits / 2) + 11);
}

/** Filter IDs and LZMA2 dictionary of a block header (null when it is not one). */
function parseBlockHeader(b: Uint8Array): { filters: number[]; dict: number | null } | null {
  if (b.length < 8 || b[0] === 0) return null;
  const size = (b[0]! + 1) * 4;
  if (b.length < size || !crcOk(b, 0, size - 4, size - 4)) return null;
  const flags = b[1]!;
  let pos = 2;
  for (const bit of [0x40, 0x80]) {
    if (flags & bit) {
      const v = readVarint(b, pos);
      if (!v) return null;
      pos = v.end;
    }
  }
  const filters: number[] = [];
  let dict: number | null = null;
  for (let i = 0; i <= (flags & 3); i++) {
    const id = readVarint(b, pos);
    const n = id && readVarint(b, id.end);
    if (!id || !n || n.end + n.value > size - 4) return null;
    filters.push(id.value);
    if (id.value === 0x21 && n.value === 1) dict = lzma2Dict(b[n.end]!);
    pos = n.end + n.value;
  }
  return { filters, dict };
}

/**
 * The checks, filters and dictionary sizes an xz file uses: from every stream and block header
 * when its streams can be walked, else from the first stream and block. Never throws for bad data.
 */
export async function readXzFeatures(handle: FileHandle, size: number): Promise<XzFeatures> {
  const layout = await readXzLayout(handle, 0, size);
  const checks = new Set<number>();
  const filters = new Set<number>();
  let maxDict: number | null = null;
  const block = async (offset: number) => {
    const h = parseBlockHeader(await readAt(handle, offset, 1024));
    if (!h) return;
    for (const f of h.filters) filters.add(f);
    if (h.dict !== null) maxDict = Math.max(maxDict ?? 0, h.dict);
  };
  if (layout.complete) {
    for (const s of layout.streams) {
      checks.add(s.flags[1] & 0x0f);
      for (const b of s.blocks) await block(b.fileOffset);
    }
  } else {
    const head = await readAt(handle, 0, 12);
    if (head.length === 12 && XZ_HEADER_MAGIC.every((b, i) => head[i] === b) && crcOk(head, 6, 8, 8)) {
      checks.add(head[7]! & 0x0f);
      await block(12);
    }
  }
  return { checks: [...checks], filters: [...filters], maxDictBytes: maxDict };
}

/** How far `streamBoundaryAfter` looks for stream footers. */
const BOUNDARY_SCAN = 16 << 20;

/**
 * The file offset where the xz streams from the start of the file end after exactly `decoded`
 * decoded bytes (the footer end of the stream that completes them), found by walking forwards:
 * each stream's footer is searched ("YZ" with a valid footer CRC) and accepted when its index
 * leads back to where the stream began. Null when the streams do not end there (one stream
 * holding more, a damaged footer or index, or not within the first 16 MiB). Never throws for bad data.
 */
export async function streamBoundaryAfter(handle: FileHandle, fileSize: number, decoded: number): Promise<number | null> {
  const b = await readAt(handle, 0, Math.min(fileSize, BOUNDARY_SCAN));
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let start = 0;
  let total = 0;
  while (total < decoded) {
    if (start + 12 > b.length || !XZ_HEADER_MAGIC.every((m, i) => b[start + i] === m) || !crcOk(b, start + 6, start + 8, start + 8)) return null;
    let found: { end: number; size: number } | null = null;
    for (let y = b.indexOf(FOOTER_MAGIC[0]!, start + 12 + 32 - 2); y >= 0 && y + 2 <= b.length && !found; y = b.indexOf(FOOTER_MAGIC[0]!, y + 1)) {
      const footerStart = y - 10;
      if (b[y + 1] !== FOOTER_MAGIC[1] || !crcOk(b, footerStart + 4, footerStart + 10, footerStart)) continue;
      const indexSize = (view.getUint32(footerStart + 4, true) + 1) * 4;
      const indexStart = footerStart - indexSize;
      if (indexStart < start + 12) continue;
      const records = parseIndex(b.subarray(indexStart, footerStart));
      const blocksBytes = records?.reduce((sum, r) => sum + Math.ceil(r.unpadded / 4) * 4, 0);
      if (!records || indexStart - blocksBytes! - 12 !== start) continue;
      found = { end: y + 2, size: records.reduce((sum, r) => sum + r.uncompressed, 0) };
    }
    if (!found) return null;
    total += found.size;
    if (total === decoded) return found.end;
    // Stream padding: groups of four zero bytes.
    start = found.end;
    while (start + 4 <= b.length && b[start] === 0 && b[start + 1] === 0 && b[start + 2] === 0 && b[start + 3] === 0) start += 4;
  }
  return null;
}
