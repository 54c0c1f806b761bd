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

/** Reads a multibyte integer (7 bits per byte, little-endian, max 9 bytes). */
function readVarint(b: Uint8Array, pos: number): { value: number; end: number } | null {
  let value = 0;
  let mul = 1;
  for (let i = 0; i < 9 && pos + i < b.length; i++) {
    const byte = b[pos + i]!;
    value += (byte & 0x7f) * mul;
    mul *= 128;
    if ((byte & 0x80) === 0) return byte === 0 && i > 0 ? null : { value, end: pos + i + 1 };
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
  for (let i = 0; i < n.value; i++) {
    const u = readVarint(b, pos);
    if (!u) return null;
    const c = readVarint(b, u.end);
    if (!c || u.value < 5) return null;
    out.push({ unpadded: u.value, uncompressed: c.value });
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
