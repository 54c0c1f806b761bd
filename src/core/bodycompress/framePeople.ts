import type { FrameSummary } from './frameSummary';
import { decodeMsgpack } from './msgpack';
import { INCOMPLETE, skipObject } from './objectSplitter';

const textDecoder = new TextDecoder();

/**
 * People in a frame from whatever points it has: the summary's count (from `qd_vertices`), else
 * the leading dimensions of `qd_joints` (files of estimators that write joints and no vertices).
 * Frames with vertices cost nothing more; only the others are walked again, jumping over payloads.
 */
export function peopleInFrame(b: Uint8Array, summary: FrameSummary | null): number {
  if (!summary) return -1;
  if (summary.persons >= 0 || !summary.keys.includes('qd_joints')) return summary.persons;
  try {
    return jointPeople(b);
  } catch {
    return -1;
  }
}

function jointPeople(b: Uint8Array): number {
  const t = b[0];
  if (t === undefined) return -1;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let count: number;
  let pos: number;
  if (t >= 0x80 && t <= 0x8f) [count, pos] = [t & 0x0f, 1];
  else if (t === 0xde) [count, pos] = [v.getUint16(1), 3];
  else if (t === 0xdf) [count, pos] = [v.getUint32(1), 5];
  else return -1;
  for (let i = 0; i < count; i++) {
    const k = decodeMsgpack(b, pos);
    if (k.value === 'qd_joints') return leadingOfShape(b, k.end);
    pos = skipObject(b, k.end);
    if (pos === INCOMPLETE) return -1;
  }
  return -1;
}

/** `[ndarray map, factor]`: the product of the shape without its last two axes (1 for a `(J, 3)` array). */
function leadingOfShape(b: Uint8Array, pos: number): number {
  if (b[pos] !== 0x92) return -1;
  const t = b[pos + 1];
  if (t === undefined || t < 0x80 || t > 0x8f) return -1;
  let p = pos + 2;
  for (let i = 0; i < (t & 0x0f); i++) {
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
