import { matchPersons } from './personMatching';

/*
 * Distances between the matched people of two files' frames: per point (to colour the first
 * file's vertices) and their mean and maximum per person (to plot over the frames). Pure: used by
 * host and webview. Points are x, y, z interleaved, in mm.
 */

/** What two frames are compared on: vertices when both have the same vertex count, else joints, else nothing. */
export type CompareBasis = 'vertices' | 'joints' | null;

/** The points of one person, as both the host's decoded frames and the webview's frames hold them. */
export interface PersonPoints {
  vertices: Float32Array | null;
  joints: Float32Array | null;
}

export function compareBasis(a: { vertexCount: number; jointCount: number }, b: { vertexCount: number; jointCount: number }): CompareBasis {
  if (a.vertexCount > 0 && a.vertexCount === b.vertexCount) return 'vertices';
  if (a.jointCount > 0 && a.jointCount === b.jointCount) return 'joints';
  return null;
}

/** Euclidean distance of each point of `a` to the same point of `b` (NaN where either is not finite). */
export function pointDistances(a: Float32Array, b: Float32Array, out = new Float32Array(Math.floor(Math.min(a.length, b.length) / 3))): Float32Array {
  for (let k = 0; k < out.length; k++) {
    const i = k * 3;
    out[k] = Math.hypot(a[i]! - b[i]!, a[i + 1]! - b[i + 1]!, a[i + 2]! - b[i + 2]!);
  }
  return out;
}

/** Mean and maximum of the finite values (NaN for both when there are none). */
export function meanMax(d: Iterable<number>): { mean: number; max: number } {
  let sum = 0;
  let max = -Infinity;
  let n = 0;
  for (const x of d) {
    if (Number.isFinite(x)) {
      sum += x;
      if (x > max) max = x;
      n++;
    }
  }
  return n ? { mean: sum / n, max } : { mean: NaN, max: NaN };
}

/** One frame pair compared: per person of the first frame, its partner in the second and their distances. */
export interface FrameComparison {
  basis: CompareBasis;
  /** Index of the matched person of the second frame (-1: none). */
  match: Int32Array;
  mean: Float32Array;
  max: Float32Array;
}

/** Compares two frames' people: matched by centroid (of the compared points), distances over the basis. */
export function compareFrames(
  a: { persons: readonly PersonPoints[]; vertexCount: number; jointCount: number },
  b: { persons: readonly PersonPoints[]; vertexCount: number; jointCount: number },
): FrameComparison {
  const basis = compareBasis(a, b);
  const n = a.persons.length;
  const mean = new Float32Array(n).fill(NaN);
  const max = new Float32Array(n).fill(NaN);
  if (!basis) return { basis, match: new Int32Array(n).fill(-1), mean, max };
  const pa = a.persons.map((p) => p[basis]);
  const pb = b.persons.map((p) => p[basis]);
  const match = matchPersons(pa, pb);
  for (let i = 0; i < n; i++) {
    const x = pa[i];
    const y = match[i]! >= 0 ? pb[match[i]!] : null;
    if (!x || !y) continue;
    const s = meanMax(pointDistances(x, y));
    mean[i] = s.mean;
    max[i] = s.max;
  }
  return { basis, match, mean, max };
}

/** One page of per-frame distances between the matched people of two files (sampled common frames). */
export interface ComparePage {
  frames: Int32Array;
  /** Person columns of `mean` and `max`: the most people of the first file in a frame of the page. */
  persons: number;
  /** Mean distance (mm) per sampled frame and person slot of the first file, row-major; NaN where unmatched. */
  mean: Float32Array;
  max: Float32Array;
  /** Sampled frames compared on vertices, on joints, and on neither (no common vertex or joint count). */
  basis: { vertices: number; joints: number; none: number };
  /** Sampled frames whose two files hold different numbers of people. */
  personCountsDiffer: number;
  /** First frame of the next page, or null after the last. */
  next: number | null;
}
