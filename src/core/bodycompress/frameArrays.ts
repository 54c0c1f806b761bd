import { NdArray, shapeSize } from '../numpy/ndarray';
import { parseDType } from '../numpy/dtype';
import type { BodyFrame } from './frame';
import { asNumber, NpScalar, type PyValue } from './pyValues';
import { unsafeComponentReason } from '../extract/safeNames';

/*
 * Frames as plain arrays, for export (.npz per frame, one mesh file per person) and for building
 * frames back from such arrays (`bodycap compress` of a folder of per-frame .npz).
 */

/** Prefix of camera fields when a camera map is flattened into arrays (`camera.rotvec_w2c`). */
export const CAMERA_PREFIX = 'camera.';

/** A numeric (nested) list as a float64 array, or null when it is not a regular grid of numbers. */
function numericListToArray(v: PyValue[]): NdArray | null {
  const shape: number[] = [];
  let level: PyValue = v;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = level[0] ?? null;
  }
  const nums: (number | undefined)[] = [];
  const walk = (x: PyValue, depth: number) => {
    if (Array.isArray(x) && depth < shape.length) x.forEach((y) => walk(y, depth + 1));
    else nums.push(depth === shape.length ? asNumber(x) : undefined);
  };
  walk(v, 0);
  if (nums.length !== shapeSize(shape) || nums.some((x) => x === undefined)) return null;
  return NdArray.fromTyped(Float64Array.from(nums as number[]), shape);
}

/** Arrays numpy can load without pickle (no object or structured arrays). */
function saveable(a: NdArray): boolean {
  return a.kind === '' && parseDType(a.dtype) !== null;
}

/**
 * Every array-valued key of a frame: numpy arrays and scalars (0-d), and each camera field as
 * `camera.<field>` (number lists become float64 arrays). Other values are left out. Keys come from
 * the file and name .npz members: a key that cannot be a file name (a separator, `..`, a control
 * character, too long) or that repeats a name is left out and passed to `onLeftOut`.
 */
export function frameArrays(frame: BodyFrame, onLeftOut?: (name: string, why: string) => void): [string, NdArray][] {
  const out: [string, NdArray][] = [];
  const add = (name: string, a: NdArray) => {
    const why = unsafeComponentReason(name) ?? (out.some(([n]) => n === name) ? 'another array of the frame has that name' : null);
    if (why) onLeftOut?.(name, why);
    else out.push([name, a]);
  };
  for (const [key, v] of frame.values) {
    if (v instanceof NdArray) {
      if (saveable(v)) add(key, v);
    } else if (v instanceof NpScalar) {
      add(key, new NdArray(v.dtype, [], v.bytes));
    } else if (key === 'camera' && v instanceof Map) {
      for (const [field, x] of v) {
        if (typeof field !== 'string') continue;
        const a = x instanceof NdArray ? (saveable(x) ? x : null) : Array.isArray(x) ? numericListToArray(x) : null;
        if (a) add(`${CAMERA_PREFIX}${field}`, a);
      }
    }
  }
  return out;
}

/** Turns exported arrays back into frame values: `camera.*` regrouped into a camera map. */
export function valuesFromArrays(arrays: [string, NdArray][]): Map<string, PyValue> {
  const values = new Map<string, PyValue>();
  let camera: Map<PyValue, PyValue> | null = null;
  for (const [name, a] of arrays) {
    if (name.startsWith(CAMERA_PREFIX)) {
      if (!camera) {
        camera = new Map();
        values.set('camera', camera);
      }
      camera.set(name.slice(CAMERA_PREFIX.length), a);
    } else values.set(name, a);
  }
  return values;
}

/** The xyz of each person of a `(N, V, 3)` (or single-person `(V, 3)`) float32 array. */
export function personsOf(points: NdArray | undefined): Float32Array[] {
  if (!points || points.ndim < 2 || points.shape[points.ndim - 1] !== 3) return [];
  const values = points.values();
  if (!(values instanceof Float32Array)) return [];
  const per = points.shape[points.ndim - 2]! * 3;
  const n = per === 0 ? 0 : values.length / per;
  return Array.from({ length: n }, (_, p) => values.subarray(p * per, (p + 1) * per));
}
