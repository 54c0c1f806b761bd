/**
 * Lens distortion of a frame's camera (`distcoef`, spec §5.4): OpenCV's order k1, k2, p1, p2, k3
 * [, k4, k5, k6 [, s1..s4 [, τx, τy]]], and n = 4 for the fisheye model k1..k4 (as cameravision
 * reads it). Bodies are drawn through a pinhole view; moving each point to where the lens puts it
 * (same depth, distorted direction) makes that pinhole view show them as the camera's image does.
 */

/**
 * OpenCV's `projectPoints` distortion of a normalized image point (x, y) = (X/Z, Y/Z). The tilt
 * τx, τy (14 coefficients) is not applied: no NLF camera has one.
 */
export function distortNormalized(x: number, y: number, d: ArrayLike<number>): [number, number] {
  const c = (i: number) => d[i] ?? 0;
  if (d.length === 4) {
    // Fisheye (cv2.fisheye): the angle from the axis is distorted, not the radius.
    const r = Math.hypot(x, y);
    if (r < 1e-12) return [x, y];
    const th = Math.atan(r);
    const t2 = th * th;
    const thd = th * (1 + t2 * (c(0) + t2 * (c(1) + t2 * (c(2) + t2 * c(3)))));
    return [(x * thd) / r, (y * thd) / r];
  }
  const [k1, k2, p1, p2, k3, k4, k5, k6, s1, s2, s3, s4] = [c(0), c(1), c(2), c(3), c(4), c(5), c(6), c(7), c(8), c(9), c(10), c(11)];
  const r2 = x * x + y * y;
  const r4 = r2 * r2;
  const r6 = r4 * r2;
  const radial = (1 + k1 * r2 + k2 * r4 + k3 * r6) / (1 + k4 * r2 + k5 * r4 + k6 * r6);
  return [x * radial + 2 * p1 * x * y + p2 * (r2 + 2 * x * x) + s1 * r2 + s2 * r4, y * radial + p1 * (r2 + 2 * y * y) + 2 * p2 * x * y + s3 * r2 + s4 * r4];
}

/** Whether coefficients distort at all (none stored, or all zero, means a pinhole). */
export function hasDistortion(d: ArrayLike<number> | null | undefined): d is ArrayLike<number> {
  return !!d && Array.prototype.some.call(d, (v: number) => v !== 0 && Number.isFinite(v));
}

/**
 * World points (x, y, z triples) moved so that a pinhole projection through the camera (world-to-
 * camera rotation `R`, row-major, optical centre `loc`) lands where the distorted projection does:
 * each point keeps its depth, its direction is distorted. Points behind the camera stay.
 */
export function distortWorldPoints(points: ArrayLike<number>, R: ArrayLike<number>, loc: ArrayLike<number>, d: ArrayLike<number>): Float32Array {
  const out = Float32Array.from(points);
  const [lx, ly, lz] = [loc[0]!, loc[1]!, loc[2]!];
  for (let i = 0; i + 2 < out.length; i += 3) {
    const [px, py, pz] = [out[i]! - lx, out[i + 1]! - ly, out[i + 2]! - lz];
    const X = R[0]! * px + R[1]! * py + R[2]! * pz;
    const Y = R[3]! * px + R[4]! * py + R[5]! * pz;
    const Z = R[6]! * px + R[7]! * py + R[8]! * pz;
    if (!(Z > 0)) continue;
    const [xd, yd] = distortNormalized(X / Z, Y / Z, d);
    const [cx, cy] = [xd * Z, yd * Z];
    // Back to the world: R^T (cx, cy, Z) + loc.
    out[i] = R[0]! * cx + R[3]! * cy + R[6]! * Z + lx;
    out[i + 1] = R[1]! * cx + R[4]! * cy + R[7]! * Z + ly;
    out[i + 2] = R[2]! * cx + R[5]! * cy + R[8]! * Z + lz;
  }
  return out;
}
