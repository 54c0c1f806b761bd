/**
 * Joint spheres sized from the data's own scale, so a head (landmarks a few millimetres apart)
 * and a body (joints ten centimetres apart) both show markers that mark points without hiding
 * what is around them.
 */

/** Radius for SMPL-sized bodies (what a fixed size used to be), mm; also the size without data. */
export const DEFAULT_JOINT_RADIUS = 22;
/** A fifth of the typical distance from a joint to its nearest neighbour: neighbours stay well apart. */
const NEIGHBOUR_SHARE = 0.2;
/** …and at most this share of the body's bounding-box diagonal (22 mm for a 1.8 m SMPL body). */
const DIAGONAL_SHARE = 0.012;
/** Joints looked at (the nearest-neighbour search is quadratic). */
const MAX_JOINTS = 256;

/** The joint sphere radius (in the points' unit) for one person's joints and vertices (x, y, z each). */
export function jointRadius(joints: Float32Array | null, vertices: Float32Array | null): number {
  const nn = joints ? medianNearestNeighbour(joints) : null;
  const diagonal = boxDiagonal(vertices, joints);
  const limits = [nn !== null ? nn * NEIGHBOUR_SHARE : Infinity, diagonal !== null ? diagonal * DIAGONAL_SHARE : Infinity];
  const r = Math.min(...limits);
  return Number.isFinite(r) && r > 0 ? r : DEFAULT_JOINT_RADIUS;
}

/** The median over joints of the distance to the nearest other joint (coincident joints ignored); null below two joints. */
export function medianNearestNeighbour(points: Float32Array): number | null {
  const n = Math.min(MAX_JOINTS, Math.floor(points.length / 3));
  const nearest: number[] = [];
  for (let i = 0; i < n; i++) {
    let best = Infinity;
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      const d = Math.hypot(points[i * 3]! - points[j * 3]!, points[i * 3 + 1]! - points[j * 3 + 1]!, points[i * 3 + 2]! - points[j * 3 + 2]!);
      if (d > 0 && d < best) best = d;
    }
    if (Number.isFinite(best)) nearest.push(best);
  }
  if (nearest.length === 0) return null;
  nearest.sort((a, b) => a - b);
  const mid = nearest.length >> 1;
  return nearest.length % 2 ? nearest[mid]! : (nearest[mid - 1]! + nearest[mid]!) / 2;
}

/** The diagonal of the box around the finite points of `sets`; null without any. */
function boxDiagonal(...sets: (Float32Array | null)[]): number | null {
  const min = [Infinity, Infinity, Infinity];
  const max = [-Infinity, -Infinity, -Infinity];
  for (const p of sets) {
    if (!p) continue;
    for (let i = 0; i + 2 < p.length; i += 3) {
      const x = p[i]!;
      const y = p[i + 1]!;
      const z = p[i + 2]!;
      if (!Number.isFinite(x + y + z)) continue;
      min[0] = Math.min(min[0]!, x);
      min[1] = Math.min(min[1]!, y);
      min[2] = Math.min(min[2]!, z);
      max[0] = Math.max(max[0]!, x);
      max[1] = Math.max(max[1]!, y);
      max[2] = Math.max(max[2]!, z);
    }
  }
  if (!Number.isFinite(min[0]!)) return null;
  return Math.hypot(max[0]! - min[0]!, max[1]! - min[1]!, max[2]! - min[2]!);
}
