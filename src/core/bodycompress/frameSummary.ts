import { decodeMsgpack } from './msgpack';
import { INCOMPLETE, skipObject } from './objectSplitter';

/** What indexing records per frame without decoding it: its wire keys and number of people. */
export interface FrameSummary {
  /** Top-level keys in wire order (`qd_vertices`, not `vertices`). */
  keys: string[];
  /**
   * People in the frame: the leading dimensions of `qd_vertices`, else of `qd_joints` (estimators
   * that write joints and no vertices), or -1 when unknown.
   */
  persons: number;
}

const textDecoder = new TextDecoder();

/** Reads the keys and the `qd_vertices` / `qd_joints` shapes of a frame object, jumping over all payloads. */
export function summarizeFrame(b: Uint8Array): FrameSummary | null {
  const m = mapHeader(b, 0);
  if (!m) return null;
  let pos = m.pos;
  const keys: string[] = [];
  let persons = -1;
  let jointPersons = -1;
  for (let i = 0; i < m.count; i++) {
    const k = decodeMsgpack(b, pos);
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- named as frameFromObject() names a non-str key
    const key = typeof k.value === 'string' ? k.value : k.value instanceof Uint8Array ? textDecoder.decode(k.value) : String(k.value);
    keys.push(key);
    if (key === 'qd_vertices') persons = personsOf(b, k.end);
    else if (key === 'qd_joints' && persons < 0) jointPersons = personsOf(b, k.end);
    pos = skipObject(b, k.end);
    if (pos === INCOMPLETE) return null;
  }
  return { keys, persons: persons >= 0 ? persons : jointPersons };
}

function mapHeader(b: Uint8Array, pos: number): { count: number; pos: number } | null {
  const t = b[pos];
  if (t === undefined) return null;
  if (t >= 0x80 && t <= 0x8f) return { count: t & 0x0f, pos: pos + 1 };
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (t === 0xde && pos + 3 <= b.length) return { count: v.getUint16(pos + 1), pos: pos + 3 };
  if (t === 0xdf && pos + 5 <= b.length) return { count: v.getUint32(pos + 1), pos: pos + 5 };
  return null;
}

/** `qd_vertices` and `qd_joints` are `[ndarray map, factor]`; people = product of the shape without the last two axes. */
function personsOf(b: Uint8Array, pos: number): number {
  if (b[pos] !== 0x92) return -1;
  const m = mapHeader(b, pos + 1);
  if (!m) return -1;
  let p = m.pos;
  for (let i = 0; i < m.count; i++) {
    const k = decodeMsgpack(b, p);
    const name = k.value instanceof Uint8Array ? textDecoder.decode(k.value) : k.value;
    if (name === 'shape') {
      const shape = decodeMsgpack(b, k.end).value;
      if (!Array.isArray(shape) || shape.length < 2) return -1;
      return shape.slice(0, -2).reduce<number>((a, s) => a * Number(s), 1);
    }
    p = skipObject(b, k.end);
    if (p === INCOMPLETE) return -1;
  }
  return -1;
}
