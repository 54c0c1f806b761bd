import { open } from 'node:fs/promises';
import { VERSION_KEY } from '../../src/core/bodycompress/header';
import { decodeMsgpack } from '../../src/core/bodycompress/msgpack';
import { INCOMPLETE, skipObject } from '../../src/core/bodycompress/objectSplitter';
import { readXzLayout, type XzLayout } from '../../src/core/bodycompress/xzContainer';
import { xzDecompressSync as xzDecompress } from '../helpers/rawBodyCompress';

/*
 * The structures of a BodyCompress file, for the fuzzer: its xz layout (streams, blocks, indexes,
 * footers, padding) and, when it decodes, its msgpack objects (header, metadata, frames) as bytes,
 * so that mutations can work on either layer and a mutated object list can be compressed again.
 */

export interface BodyCompressModel {
  format: 'v0.2' | 'v0.1';
  /** msgpack bytes of the header map (v0.2) or null. */
  header: Uint8Array | null;
  metadata: Uint8Array;
  frames: Uint8Array[];
}

export interface BodyCompressMap {
  size: number;
  layout: XzLayout;
  /** Offsets where a structure starts or ends: stream headers, block headers and data, indexes, footers. */
  boundaries: number[];
  /** Regions of container metadata (stream headers, block headers, indexes, footers). */
  containerRegions: { start: number; end: number }[];
  /** The decoded objects, or null when the file does not decode completely (such seeds get xz-level mutations only). */
  model: BodyCompressModel | null;
}

/** The objects of decoded msgpack data, or null if it is not a clean sequence of objects. */
export function splitObjects(data: Uint8Array): Uint8Array[] | null {
  const out: Uint8Array[] = [];
  try {
    for (let pos = 0; pos < data.length;) {
      const end = skipObject(data, pos);
      if (end === INCOMPLETE) return null;
      out.push(data.slice(pos, end));
      pos = end;
    }
  } catch {
    return null;
  }
  return out;
}

export async function mapBodyCompress(path: string, bytes: Uint8Array): Promise<BodyCompressMap> {
  const h = await open(path, 'r');
  let layout: XzLayout;
  try {
    layout = await readXzLayout(h, 0, bytes.length);
  } finally {
    await h.close();
  }
  const set = new Set<number>([0, 6, 12, bytes.length]);
  const containerRegions: { start: number; end: number }[] = [];
  for (const s of layout.streams) {
    set
      .add(s.fileOffset)
      .add(s.fileOffset + 12)
      .add(s.end)
      .add(s.end - 12)
      .add(s.end + s.paddingAfter);
    containerRegions.push({ start: s.fileOffset, end: s.fileOffset + 12 }, { start: s.end - 12, end: s.end });
    const last = s.blocks[s.blocks.length - 1];
    const blocksEnd = last ? last.fileOffset + Math.ceil(last.unpaddedSize / 4) * 4 : s.fileOffset + 12;
    set.add(blocksEnd);
    containerRegions.push({ start: blocksEnd, end: s.end - 12 });
    for (const b of s.blocks) {
      const headerSize = ((bytes[b.fileOffset] ?? 0) + 1) * 4;
      set
        .add(b.fileOffset)
        .add(b.fileOffset + headerSize)
        .add(b.fileOffset + b.unpaddedSize);
      set.add(b.fileOffset + Math.floor(b.unpaddedSize / 2));
      containerRegions.push({ start: b.fileOffset, end: b.fileOffset + headerSize });
    }
  }
  return {
    size: bytes.length,
    layout,
    boundaries: [...set].filter((x) => x >= 0 && x <= bytes.length).sort((a, b) => a - b),
    containerRegions,
    model: layout.complete ? modelOf(bytes, layout) : null,
  };
}

function modelOf(bytes: Uint8Array, layout: XzLayout): BodyCompressModel | null {
  const streams = layout.streams;
  if (streams.length === 0) return null;
  const first = xzDecompress(bytes.subarray(streams[0]!.fileOffset, streams[0]!.end));
  const firstObjects = first ? splitObjects(first) : null;
  if (!firstObjects || firstObjects.length === 0) return null;
  const head = decodeMsgpack(firstObjects[0]!).value;
  if (head instanceof Map && head.has(VERSION_KEY) && streams.length >= 3) {
    const meta = xzDecompress(bytes.subarray(streams[1]!.fileOffset, streams[1]!.end));
    const data = xzDecompress(bytes.subarray(streams[2]!.fileOffset));
    const metaObjects = meta ? splitObjects(meta) : null;
    const frames = data ? splitObjects(data) : null;
    if (metaObjects?.length !== 1 || !frames) return null;
    return { format: 'v0.2', header: firstObjects[0]!, metadata: metaObjects[0]!, frames };
  }
  if (streams.length !== 1) return null;
  return { format: 'v0.1', header: null, metadata: firstObjects[0]!, frames: firstObjects.slice(1) };
}
