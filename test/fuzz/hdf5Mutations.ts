import { boundaries, type Hdf5Map, type MessageSpot, type Region } from './hdf5Map';
import { applyMutations, mutationCount, type Mutated, type Mutator as MutatorFn, type MutatorTable } from './mutation';
import type { Rng } from './random';

/*
 * Mutations of an HDF5 (SMC) file, aimed at its structures by the map of hdf5Map.ts: bit flips and
 * random bytes in metadata, truncation at structural boundaries (with the superblock's end-of-file
 * address rewritten to match, so the early truncation check does not catch everything), swapped
 * blocks, huge dataspace dimensions, wrong datatypes, lying layouts, looping B-trees and continuations,
 * damaged heaps, hostile link names, and damaged chunk data.
 */

type Mutator = MutatorFn<Hdf5Map>;

const INTERESTING_U64 = [0, 1, 0x7f, 0x80, 0xff, 0x100, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff, 2 ** 32 + 1, 2 ** 40, 2 ** 53 - 1, -1];

/** Writes `value` as a little-endian unsigned integer of `width` bytes; -1 means all ones. */
function put(b: Uint8Array, at: number, width: number, value: number): void {
  let v = value;
  for (let i = 0; i < width && at + i < b.length; i++) {
    b[at + i] = value === -1 ? 0xff : v % 256;
    v = Math.floor(v / 256);
  }
}

function get(b: Uint8Array, at: number, width: number): number {
  let v = 0;
  for (let i = width - 1; i >= 0; i--) v = v * 256 + (b[at + i] ?? 0);
  return v;
}

function inRegion(rng: Rng, regions: readonly Region[], size: number): number {
  if (regions.length === 0) return rng.int(size);
  const r = rng.pick(regions);
  return Math.min(size - 1, r.start + rng.int(Math.max(1, r.end - r.start)));
}

function messages(map: Hdf5Map, type: number): MessageSpot[] {
  return map.headers.flatMap((h) => h.messages.filter((m) => m.type === type));
}

const bitFlips: Mutator = (rng, b, map) => {
  const n = rng.range(1, 8);
  const spots: number[] = [];
  for (let i = 0; i < n; i++) {
    const at = rng.chance(0.8) ? inRegion(rng, map.metadata, b.length) : rng.int(b.length);
    b[at]! ^= 1 << rng.int(8);
    spots.push(at);
  }
  return { bytes: b, what: `bit flips at ${spots.join(', ')}` };
};

const interestingValues: Mutator = (rng, b, map) => {
  const n = rng.range(1, 4);
  const done: string[] = [];
  for (let i = 0; i < n; i++) {
    const at = rng.chance(0.15) ? rng.int(Math.min(b.length, 96)) : inRegion(rng, map.metadata, b.length);
    const width = rng.pick([1, 2, 4, 8]);
    const v = rng.pick(INTERESTING_U64);
    put(b, at, width, v);
    done.push(`${width}B=${v}@${at}`);
  }
  return { bytes: b, what: `interesting values ${done.join(', ')}` };
};

const randomBytes: Mutator = (rng, b, map) => {
  const len = rng.range(1, 64);
  const at = rng.chance(0.8) ? inRegion(rng, map.metadata, b.length) : rng.int(b.length);
  b.set(rng.bytes(Math.min(len, b.length - at)), at);
  return { bytes: b, what: `${len} random bytes at ${at}` };
};

const truncate: Mutator = (rng, b, map) => {
  const cuts = boundaries(map).filter((x) => x > 8);
  const base = rng.pick(cuts);
  const delta = rng.pick([0, 0, 0, -1, 1, -rng.range(2, 16), rng.range(2, 16)]);
  const at = Math.max(1, Math.min(b.length - 1, base + delta));
  const out = b.slice(0, at);
  // The early EOF check catches a cut whose superblock disagrees; rewriting it lets the cut reach the readers.
  const fix = map.eofField !== null && map.eofField + map.offsetSize <= at && rng.chance(0.6);
  if (fix) put(out, map.eofField!, map.offsetSize, at);
  return {
    bytes: out,
    what: `truncated at ${at} (boundary ${base}${delta ? ` ${delta > 0 ? '+' : ''}${delta}` : ''})${fix ? ', superblock EOF rewritten' : ''}`,
  };
};

const swapBlocks: Mutator = (rng, b, map) => {
  const regions = map.metadata.filter((r) => r.end - r.start >= 8);
  let a: Region;
  let c: Region;
  if (regions.length >= 2 && rng.chance(0.7)) {
    a = rng.pick(regions);
    c = rng.pick(regions);
  } else {
    const len = rng.range(8, 512);
    const s1 = rng.int(Math.max(1, b.length - len));
    const s2 = rng.int(Math.max(1, b.length - len));
    a = { start: s1, end: s1 + len };
    c = { start: s2, end: s2 + len };
  }
  const len = Math.min(a.end - a.start, c.end - c.start, b.length - a.start, b.length - c.start);
  const x = b.slice(a.start, a.start + len);
  const y = b.slice(c.start, c.start + len);
  b.set(y, a.start);
  b.set(x, c.start);
  return { bytes: b, what: `swapped ${len} bytes at ${a.start} and ${c.start}` };
};

const hugeShape: Mutator = (rng, b, map) => {
  const spaces = messages(map, 0x01);
  if (spaces.length === 0) return interestingValues(rng, b, map);
  const m = rng.pick(spaces);
  const version = b[m.at]!;
  const rank = b[m.at + 1]!;
  const dims = m.at + (version === 1 ? 8 : 4);
  const L = map.lengthSize;
  if (rank === 0 || rng.chance(0.15)) {
    const r = rng.pick([1, 2, 3, 8, 32, 255]);
    b[m.at + 1] = r;
    return { bytes: b, what: `dataspace at ${m.at}: rank ${rank} → ${r}` };
  }
  const value = rng.pick([2 ** 31, 2 ** 32, 2 ** 40, 2 ** 53 - 1, 2 ** 62, -1, 0, 1e9, 3e9]);
  const which = rng.chance(0.3) ? -1 : rng.int(rank);
  for (let i = 0; i < rank; i++) if (which < 0 || i === which) put(b, dims + i * L, L, value);
  // Keep maximum dimensions (when present) from rejecting the change outright, most of the time.
  if (b[m.at + 2]! & 1 && rng.chance(0.7)) for (let i = 0; i < rank; i++) put(b, dims + (rank + i) * L, L, -1);
  return { bytes: b, what: `dataspace at ${m.at}: dimension ${which < 0 ? 'all' : which} → ${value}` };
};

const wrongDtype: Mutator = (rng, b, map) => {
  const types = messages(map, 0x03);
  if (types.length === 0) return interestingValues(rng, b, map);
  const m = rng.pick(types);
  const kind = rng.int(4);
  if (kind === 0) {
    const cls = rng.int(16);
    b[m.at] = (b[m.at]! & 0xf0) | cls;
    return { bytes: b, what: `datatype at ${m.at}: class → ${cls}` };
  }
  if (kind === 1) {
    const size = rng.pick([0, 1, 2, 3, 5, 7, 8, 16, 2 ** 31, 0xffffffff]);
    put(b, m.at + 4, 4, size);
    return { bytes: b, what: `datatype at ${m.at}: size → ${size}` };
  }
  if (kind === 2) {
    b[m.at + 1]! ^= 0x01;
    return { bytes: b, what: `datatype at ${m.at}: byte order flipped` };
  }
  // Another dataset's type (float ↔ int ↔ string).
  const other = rng.pick(types);
  const n = Math.min(m.size, other.size);
  b.set(b.slice(other.at, other.at + n), m.at);
  return { bytes: b, what: `datatype at ${m.at} replaced by the one at ${other.at}` };
};

const layout: Mutator = (rng, b, map) => {
  const layouts = messages(map, 0x08);
  if (layouts.length === 0) return interestingValues(rng, b, map);
  const m = rng.pick(layouts);
  const O = map.offsetSize;
  const L = map.lengthSize;
  const version = b[m.at]!;
  const cls = b[m.at + 1]!;
  if (version !== 3 || rng.chance(0.1)) {
    const c = rng.int(8);
    b[m.at + 1] = c;
    return { bytes: b, what: `layout at ${m.at}: class ${cls} → ${c}` };
  }
  if (cls === 1) {
    if (rng.chance(0.5)) {
      const addr = rng.pick([0, map.size - 1, map.size, map.size + 1, 2 ** 40, -1, get(b, m.at + 2, O) + rng.range(-64, 64)]);
      put(b, m.at + 2, O, addr);
      return { bytes: b, what: `contiguous layout at ${m.at}: address → ${addr}` };
    }
    const size = rng.pick([0, 1, map.size, 2 ** 31, 2 ** 40, 2 ** 53 - 1]);
    put(b, m.at + 2 + O, L, size);
    return { bytes: b, what: `contiguous layout at ${m.at}: size → ${size}` };
  }
  if (cls === 2) {
    const rank = b[m.at + 2]!;
    if (rng.chance(0.4)) {
      const target = rng.pick([...map.signatures.filter((s) => s.sig === 'TREE').map((s) => s.at), 0, map.size + 8, m.at]);
      put(b, m.at + 3, O, target);
      return { bytes: b, what: `chunked layout at ${m.at}: B-tree address → ${target}` };
    }
    const dim = rng.int(Math.max(1, rank));
    const v = rng.pick([0, 1, 0xffff, 0xffffffff, 2 ** 31]);
    put(b, m.at + 3 + O + 4 * dim, 4, v);
    return { bytes: b, what: `chunked layout at ${m.at}: chunk dimension ${dim} → ${v}` };
  }
  if (cls === 0) {
    const v = rng.pick([0, 0xffff, 2]);
    put(b, m.at + 2, 2, v);
    return { bytes: b, what: `compact layout at ${m.at}: size → ${v}` };
  }
  return interestingValues(rng, b, map);
};

const attribute: Mutator = (rng, b, map) => {
  const attrs = messages(map, 0x0c);
  if (attrs.length === 0) return interestingValues(rng, b, map);
  const m = rng.pick(attrs);
  const field = rng.pick([2, 4, 6]);
  const v = rng.pick([0, 1, 0x7fff, 0xffff, m.size + 1]);
  put(b, m.at + field, 2, v);
  return { bytes: b, what: `attribute at ${m.at}: ${['name', 'type', 'space'][field / 2 - 1]} size → ${v}` };
};

/** An attribute's value (its last 8 bytes: a scalar int64/float64, or the end of an array): num_frame, resolution, ... */
const attributeValue: Mutator = (rng, b, map) => {
  const attrs = messages(map, 0x0c).filter((m) => m.size >= 16);
  if (attrs.length === 0) return interestingValues(rng, b, map);
  const m = rng.pick(attrs);
  const value = rng.pick([2 ** 31, 2 ** 40, 2 ** 53 - 1, 1e9, 0, -1, 'inf', 'nan', 'negative']);
  const at = m.at + m.size - 8;
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (value === 'inf') dv.setFloat64(at, Infinity, true);
  else if (value === 'nan') dv.setFloat64(at, NaN, true);
  else if (value === 'negative') dv.setBigInt64(at, -1000n, true);
  else put(b, at, 8, value as number);
  return { bytes: b, what: `attribute at ${m.at}: value → ${value}` };
};

const loops: Mutator = (rng, b, map) => {
  const O = map.offsetSize;
  const L = map.lengthSize;
  const conts = messages(map, 0x10);
  const tables = messages(map, 0x11);
  const headerAddrs = map.headers.map((h) => h.address);
  if (conts.length && rng.chance(0.4)) {
    const m = rng.pick(conts);
    if (rng.chance(0.5)) {
      const to = rng.pick([...headerAddrs, m.at - 8, 0]);
      put(b, m.at, O, to);
      return { bytes: b, what: `continuation at ${m.at} → address ${to}` };
    }
    const len = rng.pick([0, 1, 2 ** 31, 2 ** 40, map.size]);
    put(b, m.at + O, L, len);
    return { bytes: b, what: `continuation at ${m.at}: length → ${len}` };
  }
  if (tables.length && rng.chance(0.5)) {
    const m = rng.pick(tables);
    const field = rng.int(2);
    const targets = map.signatures.filter((s) => s.sig === (field === 0 ? 'TREE' : 'HEAP') || rng.chance(0.05)).map((s) => s.at);
    const to = rng.pick([...targets, ...headerAddrs.slice(0, 4), -1]);
    put(b, m.at + field * O, O, to);
    return { bytes: b, what: `symbol table at ${m.at}: ${field === 0 ? 'B-tree' : 'heap'} address → ${to}` };
  }
  return btree(rng, b, map);
};

const btree: Mutator = (rng, b, map) => {
  const nodes = map.signatures.filter((s) => s.sig === 'TREE');
  if (nodes.length === 0) return interestingValues(rng, b, map);
  const n = rng.pick(nodes).at;
  const O = map.offsetSize;
  const kind = rng.int(4);
  if (kind === 0) {
    const v = rng.pick([0, 1, 0xffff, get(b, n + 6, 2) + 1]);
    put(b, n + 6, 2, v);
    return { bytes: b, what: `B-tree node at ${n}: entries used → ${v}` };
  }
  if (kind === 1) {
    const v = rng.pick([0, 1, 2, 63, 255]);
    b[n + 5] = v;
    return { bytes: b, what: `B-tree node at ${n}: level → ${v}` };
  }
  if (kind === 2) {
    b[n + 4] = b[n + 4] === 0 ? 1 : 0;
    return { bytes: b, what: `B-tree node at ${n}: node type swapped` };
  }
  // A child pointing back at the node (or another node): a loop.
  const used = get(b, n + 6, 2);
  const keySize = b[n + 4] === 0 ? map.lengthSize : 8 + 8 * rng.range(2, 4);
  const entry = rng.int(Math.max(1, used));
  const at = n + 8 + 2 * O + keySize + entry * (keySize + O);
  const to = rng.pick([n, ...nodes.map((x) => x.at)]);
  put(b, at, O, to);
  return { bytes: b, what: `B-tree node at ${n}: child ${entry} → ${to}` };
};

const heap: Mutator = (rng, b, map) => {
  const heaps = map.signatures.filter((s) => s.sig === 'HEAP' || s.sig === 'GCOL' || s.sig === 'SNOD');
  if (heaps.length === 0) return interestingValues(rng, b, map);
  const h = rng.pick(heaps);
  const L = map.lengthSize;
  const O = map.offsetSize;
  if (h.sig === 'SNOD') {
    const v = rng.pick([0, 1, 0xffff, get(b, h.at + 6, 2) + 1]);
    put(b, h.at + 6, 2, v);
    return { bytes: b, what: `symbol table node at ${h.at}: entries → ${v}` };
  }
  if (h.sig === 'GCOL') {
    const v = rng.pick([0, 8, 2 ** 31, 2 ** 40, map.size]);
    put(b, h.at + 8, L, v);
    return { bytes: b, what: `global heap at ${h.at}: size → ${v}` };
  }
  if (rng.chance(0.5)) {
    const v = rng.pick([0, 1, 2 ** 31, 2 ** 40, 2 ** 53 - 1, map.size]);
    put(b, h.at + 8, L, v);
    return { bytes: b, what: `local heap at ${h.at}: data size → ${v}` };
  }
  const v = rng.pick([0, map.size - 4, map.size + 100, -1, 2 ** 40]);
  put(b, h.at + 8 + 2 * L, O, v);
  return { bytes: b, what: `local heap at ${h.at}: data address → ${v}` };
};

/** Names that must never reach a path unchecked; each is cut to the length of the name it replaces. */
const HOSTILE_NAMES = ['..', '.', '../x', '../../evil', '/etc/x', '/', 'a/b', 'CON', 'nul', 'a\\b', ' x', 'x.', 'a*?', '\u0001', '00/..', '..\\..'];

const hostileName: Mutator = (rng, b, map) => {
  // Member names live NUL-terminated in local heaps (h5py layout) or inline in link messages.
  const names = [...new Set(map.paths.map((p) => p.split('/').pop()!).filter((n) => n.length >= 1))];
  const text = Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');
  for (let tries = 0; tries < 20 && names.length > 0; tries++) {
    const name = rng.pick(names);
    const candidates = HOSTILE_NAMES.filter((h) => h.length <= name.length);
    if (candidates.length === 0) continue;
    const hostile = rng.pick(candidates);
    const hits: number[] = [];
    for (let i = text.indexOf(name); i >= 0 && hits.length < 64; i = text.indexOf(name, i + 1)) {
      // A whole name: NUL (heap) or a length byte (link message) before, NUL or anything after.
      if (i === 0 || b[i - 1] === 0 || b[i - 1] === name.length) hits.push(i);
    }
    if (hits.length === 0) continue;
    const at = rng.pick(hits);
    const replacement = new Uint8Array(name.length);
    replacement.set(Buffer.from(hostile, 'latin1'));
    b.set(replacement, at);
    return { bytes: b, what: `name "${name}" at ${at} → ${JSON.stringify(hostile)}${hostile.length < name.length ? ' + NULs' : ''}` };
  }
  return interestingValues(rng, b, map);
};

const dataDamage: Mutator = (rng, b, map) => {
  const regions = map.data.filter((r) => r.end > r.start && r.end <= b.length);
  if (regions.length === 0) return randomBytes(rng, b, map);
  const r = rng.pick(regions);
  const at = r.start + rng.int(Math.max(1, Math.min(r.end - r.start, 64)));
  const len = rng.range(1, 16);
  b.set(rng.bytes(Math.min(len, b.length - at)), at);
  return { bytes: b, what: `${len} random bytes in the values at ${r.start} (+${at - r.start})` };
};

const MUTATORS: MutatorTable<Hdf5Map> = [
  [14, 'bit-flip', bitFlips],
  [10, 'interesting-value', interestingValues],
  [8, 'random-bytes', randomBytes],
  [14, 'truncate', truncate],
  [5, 'swap-blocks', swapBlocks],
  [9, 'huge-shape', hugeShape],
  [8, 'wrong-dtype', wrongDtype],
  [8, 'layout', layout],
  [4, 'attribute', attribute],
  [6, 'attribute-value', attributeValue],
  [6, 'loop', loops],
  [5, 'btree', btree],
  [5, 'heap', heap],
  [6, 'hostile-name', hostileName],
  [5, 'data', dataDamage],
];

/** One to three mutations of `seed` (its bytes are not changed); a truncation goes last. */
export function mutateHdf5(rng: Rng, seed: Uint8Array, map: Hdf5Map): Mutated & { kinds: string[] } {
  return applyMutations(rng, seed, map, MUTATORS, mutationCount(rng), (kind) => Number(kind === 'truncate'));
}
