import type { SmcReprojectionRow, SmcReprojectionTable } from '../../protocol/smcProtocol';

/**
 * Mean Euclidean distance between corresponding 2D points (flat x, y pairs), over the points that
 * are finite in both (a projection behind the camera is NaN); null when no pair is comparable.
 */
export function meanPointDistance(a: ArrayLike<number>, b: ArrayLike<number>): number | null {
  return pointDistances(a, b).mean;
}

/** Mean and largest distance between corresponding 2D points, over the pairs finite in both. */
export function pointDistances(a: ArrayLike<number>, b: ArrayLike<number>): { mean: number | null; max: number | null; count: number } {
  const n = Math.floor(Math.min(a.length, b.length) / 2);
  let sum = 0;
  let max = 0;
  let count = 0;
  for (let i = 0; i < n; i++) {
    const d = Math.hypot(a[2 * i]! - b[2 * i]!, a[2 * i + 1]! - b[2 * i + 1]!);
    if (Number.isFinite(d)) {
      sum += d;
      max = Math.max(max, d);
      count++;
    }
  }
  return count > 0 ? { mean: sum / count, max, count } : { mean: null, max: null, count: 0 };
}

/** Finite (x, y) pairs in a flat array of 2D points. */
function finitePoints(points: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; 2 * i + 1 < points.length; i++) if (Number.isFinite(points[2 * i]!) && Number.isFinite(points[2 * i + 1]!)) n++;
  return n;
}

/**
 * A camera stands out when its mean error is this many times the median over the cameras, and at
 * least FLAG_MIN_PX above it (so that sub-pixel noise around a near-zero median is not flagged).
 */
export const FLAG_FACTOR = 3;
export const FLAG_MIN_PX = 2;

export interface CameraLandmarks {
  camera: string;
  /** Detected 2D landmarks (x, y pairs), or null when the camera has none at this frame. */
  detected: ArrayLike<number> | null;
  /** The frame's 3D landmarks projected through this camera, or null without 3D landmarks. */
  projected: ArrayLike<number> | null;
}

/**
 * The per-camera reprojection error table of one frame: worst mean error first, cameras that
 * cannot be compared (no 2D landmarks) last in their given order; flagged rows are far above the median.
 */
export function reprojectionTable(frame: number, cameras: CameraLandmarks[]): SmcReprojectionTable {
  const rows: SmcReprojectionRow[] = cameras.map(({ camera, detected, projected }) => {
    const d = detected && projected ? pointDistances(detected, projected) : { mean: null, max: null, count: 0 };
    return { camera, landmarks: detected ? finitePoints(detected) : 0, meanError: d.mean, maxError: d.max, flagged: false };
  });
  const means = rows.flatMap((r) => (r.meanError === null ? [] : [r.meanError])).sort((a, b) => a - b);
  const median = means.length === 0 ? null : (means[(means.length - 1) >> 1]! + means[means.length >> 1]!) / 2;
  if (median !== null && means.length >= 3) {
    const threshold = Math.max(FLAG_FACTOR * median, median + FLAG_MIN_PX);
    for (const r of rows) r.flagged = r.meanError !== null && r.meanError > threshold;
  }
  const order = new Map(rows.map((r, i) => [r, i]));
  rows.sort((a, b) => (b.meanError ?? -1) - (a.meanError ?? -1) || order.get(a)! - order.get(b)!);
  return { frame, rows, median };
}

/**
 * The distinct edges of a triangle mesh as vertex index pairs, at most `maxEdges` of them: a huge
 * scan keeps every k-th edge, evenly over the mesh, so that its wireframe stays quick to draw.
 */
export function meshEdges(faces: ArrayLike<number>, vertexCount: number, maxEdges: number): { edges: Uint32Array; total: number } {
  const triangles = Math.floor(faces.length / 3);
  const keys = new Float64Array(3 * triangles);
  for (let t = 0; t < triangles; t++) {
    for (let k = 0; k < 3; k++) {
      const a = faces[3 * t + k]!;
      const b = faces[3 * t + ((k + 1) % 3)]!;
      keys[3 * t + k] = Math.min(a, b) * vertexCount + Math.max(a, b);
    }
  }
  keys.sort();
  let total = 0;
  for (let i = 0; i < keys.length; i++) if (i === 0 || keys[i] !== keys[i - 1]) keys[total++] = keys[i]!;
  const step = Math.max(1, Math.ceil(total / maxEdges));
  const kept = Math.ceil(total / step);
  const edges = new Uint32Array(2 * kept);
  for (let i = 0, j = 0; i < total; i += step, j++) {
    const key = keys[i]!;
    edges[2 * j] = Math.floor(key / vertexCount);
    edges[2 * j + 1] = key % vertexCount;
  }
  return { edges, total };
}
