import { crc32 } from 'node:zlib';
import { VERSION_KEY } from '../../src/core/bodycompress/header';
import { decodeMsgpack, encodeMsgpack, type EncodableValue } from '../../src/core/bodycompress/msgpack';
import { PyFloat, type PyValue } from '../../src/core/bodycompress/pyValues';
import { NdArray } from '../../src/core/numpy/ndarray';
import { concatBytes as concat, rawBodyCompress } from '../helpers/rawBodyCompress';
import type { BodyCompressMap, BodyCompressModel } from './bodyCompressMap';
import { applyMutations, mutationCount, type Mutated, type Mutator, type MutatorTable } from './mutation';
import type { Rng } from './random';

/*
 * Mutations of a BodyCompress file on both of its layers. The xz layer: bit flips, truncation at
 * stream/block/index/footer boundaries, random bytes, swapped or dropped blocks and streams, and
 * index or block headers that claim huge sizes with valid checksums (so the claim is believed). The
 * msgpack layer (decoded, changed, compressed again): lengths beyond the data, deep nesting, wrong
 * dtype strings, shapes whose product overflows, broken quantized pairs, hostile keys, bogus header
 * version/length/data_start, and reordered, repeated or cut objects.
 */

type XzMutator = Mutator<BodyCompressMap>;

/**
 * A mutator that rewrites structures where the map says they are; after an earlier mutation that
 * changed the file's length (a dropped stream, inserted padding) it flips bits instead.
 */
const mapped =
  (fn: XzMutator): XzMutator =>
  (rng, b, map) =>
    b.length === map.size ? fn(rng, b, map) : xzBitFlips(rng, b, map);
type ModelMutator = (rng: Rng, m: WorkModel) => string;

interface WorkModel extends BodyCompressModel {
  /** Header fields (v0.2), changed by header mutations; applied when the file is assembled. */
  headerFields: Map<string, EncodableValue>;
  /** Set when a mutation fixed data_start itself (otherwise it is computed). */
  dataStart?: EncodableValue;
  blockSize?: number;
}

function varint(v: number): number[] {
  const out: number[] = [];
  while (v >= 0x80) {
    out.push((v % 128) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

// ------------------------------------------------------------------------------------------------
// xz layer

const xzBitFlips: XzMutator = (rng, b, map) => {
  const n = rng.range(1, 6);
  const spots: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = rng.chance(0.6) && map.containerRegions.length ? rng.pick(map.containerRegions) : { start: 0, end: b.length };
    const at = Math.min(b.length - 1, r.start + rng.int(Math.max(1, r.end - r.start)));
    b[at]! ^= 1 << rng.int(8);
    spots.push(at);
  }
  return { bytes: b, what: `bit flips at ${spots.join(', ')}` };
};

const xzTruncate: XzMutator = (rng, b, map) => {
  const cuts = map.boundaries.filter((x) => x > 0 && x < b.length);
  const base = cuts.length ? rng.pick(cuts) : rng.int(b.length);
  const delta = rng.pick([0, 0, -1, 1, -rng.range(2, 32), rng.range(2, 32)]);
  const at = Math.max(1, Math.min(b.length - 1, base + delta));
  return { bytes: b.slice(0, at), what: `truncated at ${at} (boundary ${base}${delta ? ` ${delta > 0 ? '+' : ''}${delta}` : ''})` };
};

const xzRandomBytes: XzMutator = (rng, b) => {
  const len = rng.range(1, 64);
  const at = rng.int(b.length);
  b.set(rng.bytes(Math.min(len, b.length - at)), at);
  return { bytes: b, what: `${len} random bytes at ${at}` };
};

const xzSwapBlocks: XzMutator = (rng, b, map) => {
  const blocks = map.layout.blocks;
  const size = (i: number) => Math.ceil(blocks[i]!.unpaddedSize / 4) * 4;
  if (blocks.length >= 2) {
    const i = rng.int(blocks.length - 1);
    const j = i + 1;
    const a = blocks[i]!;
    const c = blocks[j]!;
    if (a.stream === c.stream) {
      const first = b.slice(a.fileOffset, a.fileOffset + size(i));
      const second = b.slice(c.fileOffset, c.fileOffset + size(j));
      const out = b.slice();
      out.set(second, a.fileOffset);
      out.set(first, a.fileOffset + second.length);
      return { bytes: out, what: `blocks ${i} and ${j} swapped` };
    }
  }
  // Streams: drop or repeat one.
  const streams = map.layout.streams;
  if (streams.length === 0) return xzRandomBytes(rng, b, map);
  const s = rng.pick(streams);
  const bytes = b.subarray(s.fileOffset, s.end);
  if (rng.chance(0.5)) return { bytes: concat([b.subarray(0, s.fileOffset), b.subarray(s.end)]), what: `stream at ${s.fileOffset} dropped` };
  return { bytes: concat([b.subarray(0, s.end), bytes, b.subarray(s.end)]), what: `stream at ${s.fileOffset} repeated` };
};

/** An index record or block header that claims huge sizes, with its checksum recomputed. */
const xzClaims: XzMutator = (rng, b, map) => {
  const streams = map.layout.streams.filter((s) => s.blocks.length > 0);
  if (streams.length === 0) return xzRandomBytes(rng, b, map);
  const s = rng.pick(streams);
  const huge = rng.pick([2 ** 32, 2 ** 40, 2 ** 53 - 1, 2 ** 62, 1e15]);
  if (rng.chance(0.6)) {
    // Rebuild the index with one record's uncompressed (or unpadded) size replaced.
    const idx: number[] = [0, ...varint(s.blocks.length)];
    const victim = rng.int(s.blocks.length);
    const field = rng.int(2);
    s.blocks.forEach((blk, i) => {
      idx.push(...varint(i === victim && field === 0 ? huge : blk.unpaddedSize));
      idx.push(...varint(i === victim && field === 1 ? huge : blk.uncompressedSize));
    });
    while (idx.length % 4) idx.push(0);
    const index = new Uint8Array(idx.length + 4);
    index.set(idx);
    new DataView(index.buffer).setUint32(idx.length, crc32(index.subarray(0, idx.length)), true);
    const footer = b.slice(s.end - 12, s.end);
    new DataView(footer.buffer).setUint32(4, index.length / 4 - 1, true);
    new DataView(footer.buffer).setUint32(0, crc32(footer.subarray(4, 10)), true);
    const last = s.blocks[s.blocks.length - 1]!;
    const blocksEnd = last.fileOffset + Math.ceil(last.unpaddedSize / 4) * 4;
    return {
      bytes: concat([b.subarray(0, blocksEnd), index, footer, b.subarray(s.end)]),
      what: `index of stream at ${s.fileOffset}: block ${victim} ${field === 0 ? 'unpadded' : 'uncompressed'} size → ${huge} (CRC fixed)`,
    };
  }
  // Block header: set the compressed or uncompressed size field when present, fix its CRC32.
  const blk = rng.pick(s.blocks);
  const at = blk.fileOffset;
  const headerSize = (b[at]! + 1) * 4;
  const flags = b[at + 1]!;
  const out = b.slice();
  let p = at + 2;
  const fields: number[] = [];
  if (flags & 0x40) {
    fields.push(p);
    while (out[p]! & 0x80) p++;
    p++;
  }
  if (flags & 0x80) fields.push(p);
  if (fields.length === 0) return xzBitFlips(rng, b, map);
  const f = rng.pick(fields);
  // Same number of varint bytes, so the header keeps its size.
  let width = 1;
  while (out[f + width - 1]! & 0x80) width++;
  const v = Math.min(huge, 128 ** width - 1);
  for (let i = 0; i < width; i++) out[f + i] = (Math.floor(v / 128 ** i) % 128) | (i < width - 1 ? 0x80 : 0);
  new DataView(out.buffer).setUint32(at + headerSize - 4, crc32(out.subarray(at, at + headerSize - 4)), true);
  return { bytes: out, what: `block header at ${at}: size field → ${v} (CRC fixed)` };
};

const xzPadding: XzMutator = (rng, b, map) => {
  const s = map.layout.streams[0];
  if (!s) return xzRandomBytes(rng, b, map);
  const extra = rng.pick([1, 2, 3, 5, 4096]);
  const fill = rng.chance(0.5) ? new Uint8Array(extra) : rng.bytes(extra);
  return {
    bytes: concat([b.subarray(0, s.end), fill, b.subarray(s.end)]),
    what: `${extra} ${fill.some((x) => x) ? 'random' : 'zero'} bytes of padding after the first stream`,
  };
};

const XZ_MUTATORS: MutatorTable<BodyCompressMap> = [
  [10, 'xz-bit-flip', xzBitFlips],
  [12, 'xz-truncate', xzTruncate],
  [6, 'xz-random-bytes', xzRandomBytes],
  [5, 'xz-swap-blocks', mapped(xzSwapBlocks)],
  [6, 'xz-claims', mapped(xzClaims)],
  [3, 'xz-padding', mapped(xzPadding)],
];

// ------------------------------------------------------------------------------------------------
// msgpack layer

/** Positions of every length-carrying type byte of a msgpack object (fix types included). */
function lengthFields(b: Uint8Array): { at: number; width: 0 | 1 | 2 | 4; items: 1 | 2 }[] {
  const out: { at: number; width: 0 | 1 | 2 | 4; items: 1 | 2 }[] = [];
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let pos = 0;
  let remaining = 1;
  while (remaining > 0 && pos < b.length) {
    const t = b[pos]!;
    remaining--;
    if (t <= 0x7f || t >= 0xe0 || (t >= 0xc0 && t <= 0xc3)) pos += 1;
    else if (t <= 0x8f) {
      out.push({ at: pos, width: 0, items: 2 });
      remaining += 2 * (t & 0x0f);
      pos += 1;
    } else if (t <= 0x9f) {
      out.push({ at: pos, width: 0, items: 1 });
      remaining += t & 0x0f;
      pos += 1;
    } else if (t <= 0xbf) {
      out.push({ at: pos, width: 0, items: 1 });
      pos += 1 + (t & 0x1f);
    } else {
      const w = (
        { 0xc4: 1, 0xc5: 2, 0xc6: 4, 0xc7: 1, 0xc8: 2, 0xc9: 4, 0xd9: 1, 0xda: 2, 0xdb: 4, 0xdc: 2, 0xdd: 4, 0xde: 2, 0xdf: 4 } as Record<number, 1 | 2 | 4>
      )[t];
      const fixed = (
        { 0xca: 4, 0xcb: 8, 0xcc: 1, 0xcd: 2, 0xce: 4, 0xcf: 8, 0xd0: 1, 0xd1: 2, 0xd2: 4, 0xd3: 8, 0xd4: 2, 0xd5: 3, 0xd6: 5, 0xd7: 9, 0xd8: 17 } as Record<
          number,
          number
        >
      )[t];
      if (fixed !== undefined) {
        pos += 1 + fixed;
        continue;
      }
      if (w === undefined || pos + 1 + w > b.length) break;
      const n = w === 1 ? b[pos + 1]! : w === 2 ? view.getUint16(pos + 1) : view.getUint32(pos + 1);
      const container = t >= 0xdc;
      out.push({ at: pos, width: w, items: t >= 0xde ? 2 : 1 });
      if (container) {
        remaining += (t >= 0xde ? 2 : 1) * n;
        pos += 1 + w;
      } else pos += 1 + w + n + (t >= 0xc7 && t <= 0xc9 ? 1 : 0);
    }
  }
  return out;
}

const hugeLength: ModelMutator = (rng, m) => {
  const i = rng.int(m.frames.length);
  const b = m.frames[i]!.slice();
  const fields = lengthFields(b).filter((f) => f.width > 0 || rng.chance(0.3));
  if (fields.length === 0) return 'no length field';
  const f = rng.pick(fields);
  if (f.width === 0) {
    // A fix type: its length in the low bits, set to the largest.
    b[f.at] = b[f.at]! | (b[f.at]! >= 0xa0 ? 0x1f : 0x0f);
  } else {
    const v = rng.pick([2 ** (8 * f.width) - 1, 2 ** (8 * f.width - 1), b.length, b.length - f.at]);
    const dv = new DataView(b.buffer);
    if (f.width === 1) b[f.at + 1] = v & 0xff;
    else if (f.width === 2) dv.setUint16(f.at + 1, v & 0xffff);
    else dv.setUint32(f.at + 1, v >>> 0);
  }
  m.frames[i] = b;
  return `frame ${i}: length field at ${f.at} (0x${b[f.at]!.toString(16)}) made huge`;
};

function nested(depth: number, map: boolean): Uint8Array {
  // [[[...nil...]]] or {"a": {"a": ...}}
  const unit = map ? [0x81, 0xa1, 0x61] : [0x91];
  const out = new Uint8Array(depth * unit.length + 1);
  for (let i = 0; i < depth; i++) out.set(unit, i * unit.length);
  out[out.length - 1] = 0xc0;
  return out;
}

const deepNesting: ModelMutator = (rng, m) => {
  const depth = rng.pick([255, 257, 1000, 100_000]);
  const deep = nested(depth, rng.chance(0.3));
  const where = rng.int(3);
  if (where === 0 || m.frames.length === 0) {
    m.metadata = deep;
    return `metadata nested ${depth} deep`;
  }
  const i = rng.int(m.frames.length);
  if (where === 1) {
    m.frames[i] = deep;
    return `frame ${i} replaced by nesting ${depth} deep`;
  }
  // A value inside the frame map: {..., "deep": [[[...]]]}: re-encode the map with one more key.
  const frame = decodeMsgpack(m.frames[i]!).value;
  if (!(frame instanceof Map)) return 'frame is not a map';
  const head = encodeMsgpack(new Map<EncodableValue, EncodableValue>([...(frame as Map<EncodableValue, EncodableValue>)]));
  // Rewrite the map header to count one more entry, then append "deep": <nesting>.
  const count = frame.size + 1;
  const body = head.subarray(frame.size <= 15 ? 1 : 3);
  const header = count <= 15 ? Uint8Array.of(0x80 | count) : Uint8Array.of(0xde, count >> 8, count & 0xff);
  m.frames[i] = concat([header, body, Uint8Array.of(0xa4, 0x64, 0x65, 0x65, 0x70), deep]);
  return `frame ${i}: key "deep" nested ${depth} deep`;
};

/** A decoded key or value as a mutation's description names it: its String() (a map key that is a map reads "[object Map]"). */
const label = (v: unknown): string => String(v);

/** Applies `fn` to one frame's decoded map and encodes it again. */
function editFrame(rng: Rng, m: WorkModel, fn: (frame: Map<EncodableValue, EncodableValue>) => string): string {
  if (m.frames.length === 0) return 'no frames';
  const i = rng.int(m.frames.length);
  const frame = decodeMsgpack(m.frames[i]!).value;
  if (!(frame instanceof Map)) return `frame ${i} is not a map`;
  const f = frame as Map<EncodableValue, EncodableValue>;
  const what = fn(f);
  m.frames[i] = encodeMsgpack(f);
  return `frame ${i}: ${what}`;
}

/** Every NdArray in a frame, with a setter to replace it (top level and inside [array, factor] pairs). */
function arraysOf(frame: Map<EncodableValue, EncodableValue>): { key: string; a: NdArray; set(a: EncodableValue): void }[] {
  const out: { key: string; a: NdArray; set(a: EncodableValue): void }[] = [];
  for (const [k, v] of frame) {
    if (v instanceof NdArray) out.push({ key: label(k), a: v, set: (a) => frame.set(k, a) });
    else if (Array.isArray(v) && v[0] instanceof NdArray) out.push({ key: label(k), a: v[0], set: (a) => (v[0] = a as PyValue) });
    else if (v instanceof Map)
      for (const [k2, v2] of v) if (v2 instanceof NdArray) out.push({ key: `${label(k)}.${label(k2)}`, a: v2, set: (a) => v.set(k2 as PyValue, a as PyValue) });
  }
  return out;
}

const DTYPES = ['<f8', '<f4', '>i4', '<i8', '<u2', '|b1', '<c8', '<U4', '|S3', '|O', 'V4', '<f2', '<i16', 'x', '', '<M8', '=i4', '|u1', '<i0', '<f99999999999'];

const wrongDtype: ModelMutator = (rng, m) =>
  editFrame(rng, m, (f) => {
    const arrays = arraysOf(f);
    if (arrays.length === 0) return 'no arrays';
    const t = rng.pick(arrays);
    const dtype = rng.pick(DTYPES);
    t.set(new NdArray(dtype, t.a.shape, t.a.bytes));
    return `${t.key} dtype ${t.a.dtype} → ${JSON.stringify(dtype)}`;
  });

const SHAPES: number[][] = [
  [2 ** 31, 2 ** 31, 3],
  [1e9, 3],
  [0, 3],
  [2 ** 53, 1],
  [3],
  [],
  Array(40).fill(2),
  [2 ** 32 + 1, 3],
  [1, 1e9, 3],
  [6e9, 1e9, 3],
  [1, 2 ** 30, 2 ** 30],
];

const hugeShape: ModelMutator = (rng, m) =>
  editFrame(rng, m, (f) => {
    const arrays = arraysOf(f);
    if (arrays.length === 0) return 'no arrays';
    const t = rng.pick(arrays);
    const shape = rng.chance(0.2) ? [1.5, 2] : rng.pick(SHAPES);
    t.set(new NdArray(t.a.dtype, shape, t.a.bytes));
    return `${t.key} shape [${t.a.shape.join(', ')}] → [${shape.join(', ')}]`;
  });

const BAD_PAIRS: (() => EncodableValue)[] = [
  () => 'x',
  () => null,
  () => [],
  () => [new PyFloat(2)],
  () => [NdArray.fromTyped(Int32Array.of(1, 2, 3), [1, 1, 3]), 'x'],
  () => [NdArray.fromTyped(Int32Array.of(1, 2, 3), [1, 1, 3]), 0],
  () => [NdArray.fromTyped(Int32Array.of(1, 2, 3), [1, 1, 3]), NaN],
  () => [NdArray.fromTyped(Int32Array.of(1, 2, 3), [1, 1, 3]), -Infinity],
  () => [NdArray.fromTyped(Int32Array.of(2 ** 31 - 1, 2 ** 31 - 1, 2 ** 31 - 1, 2 ** 31 - 1, 2 ** 31 - 1, 2 ** 31 - 1), [1, 2, 3]), 1e-300],
  () => [NdArray.fromTyped(Float64Array.of(1, 2, 3), [1, 1, 3]), 2],
  () => [NdArray.fromTyped(Int32Array.of(1, 2, 3), [1, 1, 3]), NdArray.fromTyped(Int32Array.of(1))],
];

const badPair: ModelMutator = (rng, m) =>
  editFrame(rng, m, (f) => {
    const keys = [...f.keys()].filter((k): k is string => typeof k === 'string' && k.startsWith('qd_'));
    const key = keys.length ? rng.pick(keys) : rng.pick(['qd_vertices', 'qd_joints', 'qd_vertex_uncertainties']);
    const i = rng.int(BAD_PAIRS.length);
    f.set(key, BAD_PAIRS[i]!());
    return `${key} → bad pair #${i}`;
  });

const HOSTILE_KEYS: EncodableValue[] = [
  '../../evil',
  '/etc/passwd',
  'x'.repeat(5000),
  'a\u0000b',
  'camera.rotvec_w2c',
  'con',
  'a/b',
  '..',
  '',
  5,
  1.5,
  null,
  true,
  Uint8Array.of(0x76, 0x65, 0x72, 0x74, 0x69, 0x63, 0x65, 0x73),
  'vertices',
];

const hostileKey: ModelMutator = (rng, m) =>
  editFrame(rng, m, (f) => {
    const key = rng.pick(HOSTILE_KEYS);
    const value: EncodableValue = rng.chance(0.7) ? NdArray.fromTyped(Float32Array.of(1, 2, 3)) : rng.pick([1, 'x', null, [1, 2]]);
    f.set(key, value);
    return `key ${JSON.stringify(typeof key === 'string' && key.length > 40 ? `${key.slice(0, 10)}… (${key.length})` : key instanceof Uint8Array ? 'bin' : key)} added`;
  });

const cameraDamage: ModelMutator = (rng, m) =>
  editFrame(rng, m, (f) => {
    const cam = f.get('camera');
    const value = rng.pick<EncodableValue>([
      'x',
      5,
      null,
      [1, 2],
      new Map<EncodableValue, EncodableValue>([
        ['rotvec_w2c', 'x'],
        ['intrinsic_matrix', [[1, 2], [3]]],
      ]),
      new Map<EncodableValue, EncodableValue>([['f', NdArray.fromTyped(Float32Array.of(1), [1e9])]]),
    ]);
    if (cam instanceof Map && rng.chance(0.6)) {
      const fields = [...cam.keys()];
      const field = fields.length ? rng.pick(fields) : 'rotvec_w2c';
      cam.set(field as PyValue, rng.pick<PyValue>(['x', null, [[1], [2, 3]], NdArray.fromTyped(Float64Array.of(1, 2), [7]), new Map()]));
      return `camera field ${label(field)} damaged`;
    }
    f.set('camera', value);
    return 'camera replaced';
  });

const headerFields: ModelMutator = (rng, m) => {
  if (m.format !== 'v0.2') {
    // Legacy: the metadata's frame count.
    const v = rng.pick([2 ** 53, -1, 1.5, 'x', 10 ** 9]);
    m.metadata = encodeMsgpack(new Map<EncodableValue, EncodableValue>([['n_frames', v]]));
    return `legacy metadata n_frames → ${String(v)}`;
  }
  const field = rng.pick(['version', 'length', 'data_start', 'drop']);
  if (field === 'version') {
    const v = rng.pick<EncodableValue>([[9, 9, 9], [0, 2], 'x', null, [0, 2, 1, 5], [-1]]);
    m.headerFields.set(VERSION_KEY, v);
    return `header version → ${JSON.stringify(v)}`;
  }
  if (field === 'length') {
    const v = rng.pick([2 ** 53, -1, 1.5, 'x', 0, m.frames.length + 5, 2n ** 64n - 1n, null]);
    m.headerFields.set('length', v);
    return `header length → ${String(v)}`;
  }
  if (field === 'data_start') {
    const v = rng.pick([0, 1, 7, 2 ** 53, -5, 'x', 1e12, 2 ** 31, 'end', 'end+100', 'metadata']);
    m.dataStart = v;
    return `header data_start → ${String(v)}`;
  }
  const key = rng.pick(['length', 'data_start']);
  m.headerFields.delete(key);
  return `header ${key} removed`;
};

const metadataDamage: ModelMutator = (rng, m) => {
  const v = rng.pick<EncodableValue>([
    'x'.repeat(100_000),
    new Map([['n_frames', 'x']]),
    [1, [2, [3]]],
    NdArray.fromTyped(Float32Array.of(1), [2 ** 40]),
    5,
    new Map([[Uint8Array.of(1), 2]]),
  ]);
  m.metadata = encodeMsgpack(v);
  return 'metadata replaced';
};

const objectOrder: ModelMutator = (rng, m) => {
  const n = m.frames.length;
  if (n === 0) {
    m.frames.push(Uint8Array.of(0xc1));
    return 'invalid byte as a frame';
  }
  const kind = rng.int(6);
  const i = rng.int(n);
  if (kind === 0 && n >= 2) {
    const j = rng.int(n);
    [m.frames[i], m.frames[j]] = [m.frames[j]!, m.frames[i]!];
    return `frames ${i} and ${j} swapped`;
  }
  if (kind === 1) {
    m.frames.splice(i, 0, m.frames[i]!, m.frames[i]!);
    return `frame ${i} repeated`;
  }
  if (kind === 2) {
    m.frames.splice(i, 1);
    return `frame ${i} dropped`;
  }
  if (kind === 3) {
    m.frames.splice(i, 0, rng.chance(0.5) ? Uint8Array.of(0xc1) : rng.bytes(rng.range(1, 40)));
    return `garbage before frame ${i}`;
  }
  if (kind === 4) {
    const f = m.frames[n - 1]!;
    m.frames[n - 1] = f.slice(0, rng.int(f.length));
    return 'last frame cut short inside valid xz';
  }
  m.frames.splice(i, 0, encodeMsgpack(rng.pick<EncodableValue>([5, 'x', [1, 2], null, new Map([['qd_vertices', 1]])])));
  return `non-map object before frame ${i}`;
};

const MODEL_MUTATORS: readonly (readonly [number, string, ModelMutator])[] = [
  [8, 'mp-huge-length', hugeLength],
  [5, 'mp-deep-nesting', deepNesting],
  [8, 'mp-wrong-dtype', wrongDtype],
  [8, 'mp-huge-shape', hugeShape],
  [6, 'mp-bad-pair', badPair],
  [6, 'mp-hostile-key', hostileKey],
  [4, 'mp-camera', cameraDamage],
  [8, 'mp-header', headerFields],
  [3, 'mp-metadata', metadataDamage],
  [6, 'mp-object-order', objectOrder],
];

/** Compresses a (mutated) model into a file; header fields a mutation did not set are the real ones. */
function assemble(m: WorkModel): Uint8Array {
  return rawBodyCompress({
    legacy: m.format === 'v0.1',
    metadata: m.metadata,
    frames: m.frames,
    blockSize: m.blockSize,
    header: (dataStart, frames) => {
      const fields = new Map(m.headerFields);
      if (fields.has('data_start')) fields.set('data_start', resolveDataStart(m.dataStart, dataStart, m.frames));
      if (fields.get('length') === LENGTH_AUTO) fields.set('length', frames);
      return fields;
    },
  });
}

const LENGTH_AUTO = Symbol('auto') as unknown as EncodableValue;

/** data_start as a mutation set it: a value, or a place relative to the real layout. */
function resolveDataStart(v: EncodableValue, real: number, frames: Uint8Array[]): EncodableValue {
  if (v === undefined) return real;
  const dataBytes = frames.reduce((n, f) => n + f.length, 0);
  if (v === 'end') return real + dataBytes;
  if (v === 'end+100') return real + dataBytes + 100;
  if (v === 'metadata') return real - 70;
  return v;
}

/** One to three mutations of a BodyCompress seed, on the xz layer or (when it decodes) the msgpack layer. */
export function mutateBodyCompress(rng: Rng, seed: Uint8Array, map: BodyCompressMap): Mutated & { kinds: string[] } {
  const model = map.model;
  if (model && rng.chance(0.55)) {
    const m: WorkModel = {
      ...model,
      frames: [...model.frames],
      headerFields: new Map<string, EncodableValue>([
        [VERSION_KEY, [0, 2, 1]],
        ['length', LENGTH_AUTO],
        ['data_start', 0],
      ]),
      blockSize: rng.chance(0.4) ? rng.pick([4096, 65536, 400_000]) : undefined,
    };
    const what: string[] = [];
    const kinds: string[] = [];
    const n = mutationCount(rng);
    for (let i = 0; i < n; i++) {
      const [, kind, fn] = rng.weighted(MODEL_MUTATORS.map((x) => [x[0], x] as const));
      try {
        what.push(fn(rng, m));
        kinds.push(kind);
      } catch {
        // An object an earlier mutation broke cannot be decoded for another edit.
        what.push(`${kind} skipped`);
      }
    }
    if (m.blockSize) what.push(`frames in ${m.blockSize}-byte blocks`);
    let bytes = assemble(m);
    // Sometimes damage the container of the re-assembled file too.
    if (rng.chance(0.1)) {
      const r = xzTruncate(rng, bytes, { ...map, size: bytes.length, boundaries: [Math.floor(bytes.length / 2), bytes.length - 12] });
      bytes = r.bytes;
      what.push(r.what);
      kinds.push('xz-truncate');
    }
    return { bytes, what: what.join('; '), kinds };
  }
  // Byte changes first, structural ones after, a truncation last.
  const rank = (kind: string) => (kind === 'xz-truncate' ? 2 : kind === 'xz-bit-flip' || kind === 'xz-random-bytes' ? 0 : 1);
  return applyMutations(rng, seed, map, XZ_MUTATORS, rng.chance(0.7) ? 1 : 2, rank);
}
