import type { BodyFrame } from './frame';
import { compareFrames, type CompareBasis, type ComparePage } from './compareStats';

import { framePersons } from './trajectory';

/*
 * Per-frame distances between two files' people over their common frames, read in pages of
 * sampled frames from a sequential pass over each file (bounded memory, the webview asks for the
 * next page or stops).
 */

type Frames = (o: { start: number; end: number; step: number; signal?: AbortSignal }) => AsyncIterable<BodyFrame>;

export async function comparePage(
  a: Frames,
  b: Frames,
  o: { from: number; end: number; step: number; count: number; signal?: AbortSignal },
): Promise<ComparePage> {
  const stop = Math.min(o.end, o.from + o.step * o.count);
  const range = { start: o.from, end: stop, step: o.step, signal: o.signal };
  const other = b(range)[Symbol.asyncIterator]();
  const rows: { frame: number; mean: Float32Array; max: Float32Array }[] = [];
  const basis = { vertices: 0, joints: 0, none: 0 };
  let differ = 0;
  try {
    for await (const fa of a(range)) {
      const fb = await other.next();
      if (fb.done) break;
      const pa = framePersons(fa);
      const pb = framePersons(fb.value);
      const c = compareFrames(pa, pb);
      const key: keyof typeof basis = (c.basis satisfies CompareBasis) ?? 'none';
      basis[key]++;
      if (pa.persons.length !== pb.persons.length) differ++;
      rows.push({ frame: fa.index, mean: c.mean, max: c.max });
    }
  } finally {
    await other.return?.();
  }
  const persons = rows.reduce((m, r) => Math.max(m, r.mean.length), 0);
  const mean = new Float32Array(rows.length * persons).fill(NaN);
  const max = new Float32Array(rows.length * persons).fill(NaN);
  rows.forEach((r, i) => {
    mean.set(r.mean, i * persons);
    max.set(r.max, i * persons);
  });
  return { frames: Int32Array.from(rows, (r) => r.frame), persons, mean, max, basis, personCountsDiffer: differ, next: stop < o.end ? stop : null };
}
