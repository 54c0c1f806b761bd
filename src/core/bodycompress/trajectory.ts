import { NdArray } from '../numpy/ndarray';
import type { BodyFrame } from './frame';
import { personsOf } from './frameArrays';
import type { PersonPoints } from './compareStats';

/*
 * The path of one point (a vertex or joint of a person slot) over the frames, for pinned plots.
 * Read in pages of sampled frames (every `step`-th), each from a sequential pass of its own, so a
 * long file is read a page at a time with bounded memory and the webview can stop asking.
 */

export interface PointRef {
  /** Person slot (index in the frame). */
  person: number;
  kind: 'vertex' | 'joint';
  index: number;
}

/** A frame's people as points: vertices `(N, V, 3)` and joints `(N, J, 3)` split per person, with the counts. */
export function framePersons(frame: BodyFrame): { persons: PersonPoints[]; vertexCount: number; jointCount: number } {
  const v = frame.values.get('vertices');
  const j = frame.values.get('joints');
  const vertices = personsOf(v instanceof NdArray ? v : undefined);
  const joints = personsOf(j instanceof NdArray ? j : undefined);
  const count = (a: unknown) => (a instanceof NdArray && a.ndim >= 2 ? a.shape[a.ndim - 2]! : 0);
  const n = Math.max(vertices.length, joints.length);
  const persons = Array.from({ length: n }, (_, p) => ({ vertices: vertices[p] ?? null, joints: joints[p] ?? null }));
  return { persons, vertexCount: count(v), jointCount: count(j) };
}

/** The point `ref` of a frame's people (mm), or null when the frame lacks that person or point. */
export function pointIn(persons: readonly PersonPoints[], ref: PointRef): [number, number, number] | null {
  const p = persons[ref.person]?.[ref.kind === 'vertex' ? 'vertices' : 'joints'];
  const i = ref.index * 3;
  if (!p || i + 3 > p.length) return null;
  return [p[i]!, p[i + 1]!, p[i + 2]!];
}

export interface TrajectoryPage {
  /** Frame numbers sampled. */
  frames: Int32Array;
  /** x, y, z per sampled frame (mm); NaN where the frame lacks the point. */
  xyz: Float32Array;
  /** First frame of the next page, or null after the last frame asked for. */
  next: number | null;
}

/**
 * One page of a trajectory: frames from, from+step, … before `end` (at most `count` of them), read
 * by `frames` (a sequential pass: BodyCompressFile.frames).
 */
export async function trajectoryPage(
  frames: (o: { start: number; end: number; step: number; signal?: AbortSignal }) => AsyncIterable<BodyFrame>,
  ref: PointRef,
  o: { from: number; end: number; step: number; count: number; signal?: AbortSignal },
): Promise<TrajectoryPage> {
  const stop = Math.min(o.end, o.from + o.step * o.count);
  const indices: number[] = [];
  const xyz: number[] = [];
  for await (const f of frames({ start: o.from, end: stop, step: o.step, signal: o.signal })) {
    indices.push(f.index);
    const p = pointIn(framePersons(f).persons, ref);
    xyz.push(...(p ?? [NaN, NaN, NaN]));
  }
  return { frames: Int32Array.from(indices), xyz: Float32Array.from(xyz), next: stop < o.end ? stop : null };
}
