import type { BodyCompressFrame, BodyCompressPerson } from '../../protocol/bodyCompressProtocol';
import { plural } from '../../core/plural';

/**
 * Coordinates (mm) at or beyond this are garbage: BodyCompress stores 0.5 mm steps as int32
 * differences, so 2^30 steps is the most a point can be off the origin (spec 5.2); NaN, Inf and
 * overflows are written as INT32_MIN differences and decode to about -2^30 mm and beyond.
 */
export const GARBAGE_MM = 2 ** 29;
/** Points per person used for the quartiles (evenly spaced): framing stays cheap on every frame. */
const QUARTILE_SAMPLE = 512;
/** Points beyond the quartiles by this many interquartile ranges are outliers (Tukey's far-out fences). */
const FENCE = 3;
/**
 * The least interquartile range, mm: a person's points spread at least this much along some axis,
 * so a few valid points (a person mostly garbage) or a flat pose keep their own extremes.
 */
const MIN_IQR = 500;
/** Points handed to the view for fitting, per person at most. */
const FIT_SAMPLE = 2048;

/** A point of a person counts when all its coordinates are finite and within what the format can hold. */
export function validPoint(x: number, y: number, z: number): boolean {
  return Math.abs(x) < GARBAGE_MM && Math.abs(y) < GARBAGE_MM && Math.abs(z) < GARBAGE_MM;
}

/** The points of a person that framing uses: the vertices, else the joints (estimators that write only joints). */
export function framingPoints(p: BodyCompressPerson): Float32Array | null {
  if (p.vertices && p.vertices.length >= 3) return p.vertices;
  if (p.joints && p.joints.length >= 3) return p.joints;
  return null;
}

export interface RobustBounds {
  /** Box of the kept points, mm. */
  min: [number, number, number];
  max: [number, number, number];
  /** Kept points (x, y, z mm), evenly sampled: what the view is fitted to. */
  sample: Float32Array;
}

/**
 * Bounds of people that ignore garbage and outliers: per person, points with a non-finite or
 * out-of-range coordinate are dropped, then those beyond the quartile fences of any axis; the
 * people's boxes are joined. Null when no point is left.
 */
export function robustBounds(people: readonly Float32Array[]): RobustBounds | null {
  const min: [number, number, number] = [Infinity, Infinity, Infinity];
  const max: [number, number, number] = [-Infinity, -Infinity, -Infinity];
  const sample: number[] = [];
  for (const v of people) {
    const fences = fencesOf(v);
    if (!fences) continue;
    const [xLo, xHi, yLo, yHi, zLo, zHi] = fences;
    const n = Math.floor(v.length / 3);
    const step = Math.max(1, Math.floor(n / FIT_SAMPLE));
    for (let i = 0; i < n; i++) {
      const x = v[3 * i]!;
      const y = v[3 * i + 1]!;
      const z = v[3 * i + 2]!;
      if (!validPoint(x, y, z) || x < xLo || x > xHi || y < yLo || y > yHi || z < zLo || z > zHi) continue;
      if (x < min[0]) min[0] = x;
      if (x > max[0]) max[0] = x;
      if (y < min[1]) min[1] = y;
      if (y > max[1]) max[1] = y;
      if (z < min[2]) min[2] = z;
      if (z > max[2]) max[2] = z;
      if (i % step === 0) sample.push(x, y, z);
    }
  }
  return Number.isFinite(min[0]) ? { min, max, sample: Float32Array.from(sample) } : null;
}

/** Low and high fence per axis (x lo, x hi, y lo, ...) from a sample of the person's valid points; null without any. */
function fencesOf(v: Float32Array): [number, number, number, number, number, number] | null {
  const n = Math.floor(v.length / 3);
  const step = Math.max(1, Math.floor(n / QUARTILE_SAMPLE));
  const axes: number[][] = [[], [], []];
  for (let i = 0; i < n; i += step) {
    const x = v[3 * i]!;
    const y = v[3 * i + 1]!;
    const z = v[3 * i + 2]!;
    if (!validPoint(x, y, z)) continue;
    axes[0]!.push(x);
    axes[1]!.push(y);
    axes[2]!.push(z);
  }
  // A sample that missed every valid point (most of the person is garbage): all points then.
  if (axes[0]!.length === 0 && step > 1) {
    for (let i = 0; i < n; i++) {
      if (!validPoint(v[3 * i]!, v[3 * i + 1]!, v[3 * i + 2]!)) continue;
      for (let c = 0; c < 3; c++) axes[c]!.push(v[3 * i + c]!);
    }
  }
  if (axes[0]!.length === 0) return null;
  const [x, y, z] = axes.map((a) => {
    a.sort((p, q) => p - q);
    const q1 = a[Math.floor((a.length - 1) * 0.25)]!;
    const q3 = a[Math.ceil((a.length - 1) * 0.75)]!;
    const iqr = Math.max(q3 - q1, MIN_IQR);
    return [q1 - FENCE * iqr, q3 + FENCE * iqr] as const;
  }) as [readonly [number, number], readonly [number, number], readonly [number, number]];
  return [x[0], x[1], y[0], y[1], z[0], z[1]];
}

/** What of a frame cannot be drawn truthfully: garbage points per person, and invalid uncertainties. */
export interface FrameGarbage {
  /** Per person with garbage: its slot, garbage points and all points (vertices and joints). */
  persons: { person: number; garbage: number; points: number }[];
  /** Vertex uncertainties that are negative or not finite (in the people sent with uncertainties). */
  badUncertainties: number;
}

/** Counts the frame's garbage (a linear pass; nothing is allocated for clean frames). */
export function frameGarbage(f: BodyCompressFrame): FrameGarbage | null {
  let out: FrameGarbage | null = null;
  f.persons.forEach((p, person) => {
    let garbage = 0;
    let points = 0;
    for (const v of [p.vertices, p.joints]) {
      if (!v) continue;
      for (let i = 0; i + 2 < v.length; i += 3) if (!validPoint(v[i]!, v[i + 1]!, v[i + 2]!)) garbage++;
      points += Math.floor(v.length / 3);
    }
    let bad = 0;
    const u = p.vertexUncertainties;
    if (u) for (const x of u) if (!(x >= 0 && x < Infinity)) bad++;
    if (garbage === 0 && bad === 0) return;
    out ??= { persons: [], badUncertainties: 0 };
    if (garbage) out.persons.push({ person, garbage, points });
    out.badUncertainties += bad;
  });
  return out;
}

/** The warning about a frame's garbage, naming people as the People list does (Person 1 is slot 0). */
export function garbageMessage(frame: number, g: FrameGarbage): string {
  const parts: string[] = [];
  if (g.persons.length) {
    const who = g.persons.map((p) => `person ${p.person + 1}: ${p.garbage.toLocaleString('en-US')} of ${plural(p.points, 'point')}`).join(', ');
    parts.push(
      `Frame ${frame.toLocaleString('en-US')} has garbage coordinates (NaN, infinite or too large values, stored as -2³¹ half-millimetres): ${who}. They are left out of Fit and the grid.`,
    );
  }
  if (g.badUncertainties) {
    const one = g.badUncertainties === 1;
    parts.push(
      `${parts.length ? '' : `Frame ${frame.toLocaleString('en-US')}: `}${plural(g.badUncertainties, 'vertex uncertainty', 'vertex uncertainties')} ${one ? 'is' : 'are'} negative or not a number (invalid); ${one ? 'it is' : 'they are'} coloured as 0.`,
    );
  }
  return parts.join(' ');
}
