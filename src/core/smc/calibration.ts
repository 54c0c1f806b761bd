/**
 * Camera calibration of a RenderMe360 rig. `RT` is camera-to-world (the dataset authors' own code uses
 * c2w = RT, w2c = inv(RT)); camera axes follow OpenCV (x right, y down, z forward); world units are
 * metres with y pointing down. `K` is in pixels of the stored images.
 */
export interface CameraCalibration {
  /** 3×3 pinhole intrinsics [[fx, s, cx], [0, fy, cy], [0, 0, 1]]. */
  K: number[][];
  /** OpenCV distortion (k1, k2, p1, p2, k3); all zeros in the real data seen. */
  D: number[];
  /** 4×4 camera-to-world transform. */
  RT: number[][];
}

/** The inverse of a camera-to-world rigid transform: world-to-camera [R^T | -R^T t]. */
export function worldToCamera(RT: number[][]): number[][] {
  const R = [0, 1, 2].map((i) => [0, 1, 2].map((j) => RT[j]![i]!)); // R^T
  const t = [0, 1, 2].map((i) => RT[i]![3]!);
  const tt = R.map((row) => -(row[0]! * t[0]! + row[1]! * t[1]! + row[2]! * t[2]!));
  return [
    [...R[0]!, tt[0]!],
    [...R[1]!, tt[1]!],
    [...R[2]!, tt[2]!],
    [0, 0, 0, 1],
  ];
}

/** The camera's centre in world coordinates: the translation of camera-to-world. */
export function cameraCenter(RT: number[][]): [number, number, number] {
  return [RT[0]![3]!, RT[1]![3]!, RT[2]![3]!];
}

/**
 * Projects world points (flat x, y, z triples, metres) to pixels (flat u, v pairs):
 * Xc = R^T (X - t), then the OpenCV pinhole model with distortion D. Points at or behind the
 * camera plane give NaN.
 */
export function projectPoints(cal: CameraCalibration, points: ArrayLike<number>): Float64Array {
  const w2c = worldToCamera(cal.RT);
  const [fx, s, cx] = cal.K[0]!;
  const fy = cal.K[1]![1]!;
  const cy = cal.K[1]![2]!;
  const [k1 = 0, k2 = 0, p1 = 0, p2 = 0, k3 = 0] = cal.D;
  const n = Math.floor(points.length / 3);
  const out = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const X = points[3 * i]!;
    const Y = points[3 * i + 1]!;
    const Z = points[3 * i + 2]!;
    const c = [0, 1, 2].map((r) => w2c[r]![0]! * X + w2c[r]![1]! * Y + w2c[r]![2]! * Z + w2c[r]![3]!);
    if (!(c[2]! > 0)) {
      out[2 * i] = out[2 * i + 1] = Number.NaN;
      continue;
    }
    const x = c[0]! / c[2]!;
    const y = c[1]! / c[2]!;
    const r2 = x * x + y * y;
    const radial = 1 + r2 * (k1 + r2 * (k2 + r2 * k3));
    const xd = x * radial + 2 * p1 * x * y + p2 * (r2 + 2 * x * x);
    const yd = y * radial + p1 * (r2 + 2 * y * y) + 2 * p2 * x * y;
    out[2 * i] = fx! * xd + s! * yd + cx!;
    out[2 * i + 1] = fy * yd + cy;
  }
  return out;
}
