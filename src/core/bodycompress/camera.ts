import { NdArray } from '../numpy/ndarray';
import { asNumber, type PyDict, type PyValue } from './pyValues';

/**
 * The `camera` of a frame. The reference converts a `cameravision.Camera` object into a map of
 * float32 arrays (spec §5.4); any other value (a dict, a list) is stored as given. A `Camera`
 * instance here plays the role of the Python object for the writer.
 */
export class Camera {
  /** World-to-camera rotation, row-major 3×3. */
  readonly R: Float32Array;
  /** Optical centre in world coordinates. */
  readonly t: Float32Array;
  /** Row-major 3×3 intrinsic matrix. */
  readonly intrinsicMatrix: Float32Array;
  readonly distortionCoeffs: Float32Array | null;
  readonly worldUp: Float32Array;

  constructor(p: {
    R: ArrayLike<number>;
    t: ArrayLike<number>;
    intrinsicMatrix: ArrayLike<number>;
    distortionCoeffs?: ArrayLike<number> | null;
    worldUp?: ArrayLike<number>;
  }) {
    this.R = Float32Array.from(p.R);
    this.t = Float32Array.from(p.t);
    this.intrinsicMatrix = Float32Array.from(p.intrinsicMatrix);
    this.distortionCoeffs = p.distortionCoeffs ? Float32Array.from(p.distortionCoeffs) : null;
    this.worldUp = Float32Array.from(p.worldUp ?? [0, 0, 1]);
    if (this.R.length !== 9 || this.t.length !== 3 || this.intrinsicMatrix.length !== 9 || this.worldUp.length !== 3) {
      throw new RangeError('Camera needs R (3×3), t (3), intrinsicMatrix (3×3) and worldUp (3)');
    }
  }
}

/** `cam_to_dict`: the map the reference stores for a Camera (keys in its order). */
export function cameraToMap(cam: Camera): PyDict {
  const m: PyDict = new Map();
  m.set('rotvec_w2c', NdArray.fromTyped(Float32Array.from(rotvecFromMatrix(cam.R))));
  m.set('loc', NdArray.fromTyped(cam.t.slice()));
  m.set('intr', NdArray.fromTyped(cam.intrinsicMatrix.slice(0, 6), [2, 3]));
  m.set('up', NdArray.fromTyped(cam.worldUp.slice()));
  if (cam.distortionCoeffs?.some((c) => c !== 0)) {
    m.set('distcoef', NdArray.fromTyped(cam.distortionCoeffs.slice()));
  }
  return m;
}

/**
 * SciPy's `Rotation.from_matrix(R).as_rotvec()` in float64: Markley's method for the quaternion
 * (largest of the trace and the diagonal decides), then angle/axis with SciPy's small-angle series.
 */
export function rotvecFromMatrix(R: ArrayLike<number>): [number, number, number] {
  const m = (i: number, j: number) => R[i * 3 + j]!;
  const decision = [m(0, 0), m(1, 1), m(2, 2), m(0, 0) + m(1, 1) + m(2, 2)];
  let choice = 0;
  for (let k = 1; k < 4; k++) if (decision[k]! > decision[choice]!) choice = k;
  const q = [0, 0, 0, 0]; // x, y, z, w
  if (choice !== 3) {
    const i = choice;
    const j = (i + 1) % 3;
    const k = (j + 1) % 3;
    q[i] = 1 - decision[3]! + 2 * m(i, i);
    q[j] = m(j, i) + m(i, j);
    q[k] = m(k, i) + m(i, k);
    q[3] = m(k, j) - m(j, k);
  } else {
    q[0] = m(2, 1) - m(1, 2);
    q[1] = m(0, 2) - m(2, 0);
    q[2] = m(1, 0) - m(0, 1);
    q[3] = 1 + decision[3]!;
  }
  const norm = Math.sqrt(q[0]! * q[0]! + q[1]! * q[1]! + q[2]! * q[2]! + q[3] * q[3]);
  let [x, y, z, w] = q.map((c) => c / norm) as [number, number, number, number];
  if (w < 0) [x, y, z, w] = [-x, -y, -z, -w];
  const angle = 2 * Math.atan2(Math.sqrt(x * x + y * y + z * z), w);
  let scale: number;
  if (angle <= 1e-3) {
    const a2 = angle * angle;
    scale = 2 + a2 / 12 + (7 * a2 * a2) / 2880;
  } else {
    scale = angle / Math.sin(angle / 2);
  }
  return [scale * x, scale * y, scale * z];
}

/** Rodrigues: the row-major 3×3 rotation of an axis-angle vector. */
export function matrixFromRotvec(r: ArrayLike<number>): Float64Array {
  const [x, y, z] = [r[0]!, r[1]!, r[2]!];
  const th = Math.hypot(x, y, z);
  const out = new Float64Array([1, 0, 0, 0, 1, 0, 0, 0, 1]);
  if (th === 0) return out;
  const [kx, ky, kz] = [x / th, y / th, z / th];
  const c = Math.cos(th);
  const s = Math.sin(th);
  const v = 1 - c;
  out.set([
    c + kx * kx * v,
    kx * ky * v - kz * s,
    kx * kz * v + ky * s,
    ky * kx * v + kz * s,
    c + ky * ky * v,
    ky * kz * v - kx * s,
    kz * kx * v - ky * s,
    kz * ky * v + kx * s,
    c + kz * kz * v,
  ]);
  return out;
}

/** A camera read back from a frame, in plain numbers (either stored form). */
export interface CameraView {
  rotvecW2c: Float64Array;
  /** World-to-camera rotation, row-major 3×3, from the rotation vector. */
  R: Float64Array;
  loc: Float64Array;
  /** Row-major 3×3 intrinsic matrix (the stored two rows plus [0, 0, 1]). */
  K: Float64Array;
  up: Float64Array;
  distcoef: Float64Array | null;
}

/** Reads a stored camera map (of arrays, or of plain number lists); null if it is not one. */
export function cameraView(v: PyValue | undefined): CameraView | null {
  if (!(v instanceof Map)) return null;
  const rotvec = numbers(v.get('rotvec_w2c'));
  const loc = numbers(v.get('loc'));
  const intr = numbers(v.get('intr'));
  if (rotvec?.length !== 3 || loc?.length !== 3 || intr?.length !== 6) return null;
  const K = new Float64Array(9);
  K.set(intr);
  K[8] = 1;
  return {
    rotvecW2c: rotvec,
    R: matrixFromRotvec(rotvec),
    loc,
    K,
    up: numbers(v.get('up')) ?? new Float64Array([0, 0, 1]),
    distcoef: numbers(v.get('distcoef')),
  };
}

function numbers(v: PyValue | undefined): Float64Array | null {
  if (v instanceof NdArray) {
    const x = v.values();
    return x && !(x instanceof BigInt64Array || x instanceof BigUint64Array) ? Float64Array.from(x) : null;
  }
  if (Array.isArray(v)) {
    const flat: PyValue[] = v.flat(2);
    const out = flat.map((x) => asNumber(x));
    return out.every((x) => x !== undefined) ? Float64Array.from(out) : null;
  }
  return null;
}
