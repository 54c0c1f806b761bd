/*
 * Matching the people of two files frame by frame (for comparing an estimate with a fit): people
 * are not in the same order in both, nor always the same number, so they are paired by their
 * centroids with the least total distance (Hungarian assignment). Pure: used by host and webview.
 */

/** The mean of a person's finite points (x, y, z interleaved, mm), or null when none is finite. */
export function centroid(points: Float32Array | null): [number, number, number] | null {
  if (!points) return null;
  let x = 0;
  let y = 0;
  let z = 0;
  let n = 0;
  for (let i = 0; i + 2 < points.length; i += 3) {
    const a = points[i]!;
    const b = points[i + 1]!;
    const c = points[i + 2]!;
    if (Number.isFinite(a + b + c)) {
      x += a;
      y += b;
      z += c;
      n++;
    }
  }
  return n ? [x / n, y / n, z / n] : null;
}

/**
 * For each person of `a`, the index of the person of `b` it is paired with (-1: none), so that the
 * sum of centroid distances over the pairs is least. People without a finite point are not paired.
 */
export function matchPersons(a: readonly (Float32Array | null)[], b: readonly (Float32Array | null)[]): Int32Array {
  const ca = a.map(centroid);
  const cb = b.map(centroid);
  const rows = ca.flatMap((c, i) => (c ? [i] : []));
  const cols = cb.flatMap((c, j) => (c ? [j] : []));
  const out = new Int32Array(a.length).fill(-1);
  if (rows.length === 0 || cols.length === 0) return out;
  const dist = (i: number, j: number) => {
    const p = ca[i]!;
    const q = cb[j]!;
    return Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]);
  };
  // The assignment needs rows ≤ columns: transpose when `a` has more people.
  if (rows.length <= cols.length) {
    const cost = rows.map((i) => cols.map((j) => dist(i, j)));
    hungarian(cost).forEach((c, r) => (out[rows[r]!] = cols[c]!));
  } else {
    const cost = cols.map((j) => rows.map((i) => dist(i, j)));
    hungarian(cost).forEach((r, c) => (out[rows[r]!] = cols[c]!));
  }
  return out;
}

/**
 * Least-cost assignment of each row to a distinct column (rows ≤ columns), O(rows² · columns):
 * the shortest augmenting path method with potentials. Returns the column of each row.
 */
export function hungarian(cost: readonly (readonly number[])[]): number[] {
  const n = cost.length;
  const m = n ? cost[0]!.length : 0;
  if (n > m) throw new RangeError('hungarian(): more rows than columns');
  const u = new Float64Array(n + 1);
  const v = new Float64Array(m + 1);
  // p[j]: the row (1-based) assigned to column j; column 0 is the virtual start.
  const p = new Int32Array(m + 1);
  const way = new Int32Array(m + 1);
  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    const minv = new Float64Array(m + 1).fill(Infinity);
    const used = new Uint8Array(m + 1);
    do {
      used[j0] = 1;
      const i0 = p[j0]!;
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= m; j++) {
        if (used[j]) continue;
        const cur = cost[i0 - 1]![j - 1]! - u[i0]! - v[j]!;
        if (cur < minv[j]!) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j]! < delta) {
          delta = minv[j]!;
          j1 = j;
        }
      }
      for (let j = 0; j <= m; j++) {
        if (used[j]) {
          u[p[j]!] = u[p[j]!]! + delta;
          v[j] = v[j]! - delta;
        } else minv[j] = minv[j]! - delta;
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0]!;
      p[j0] = p[j1]!;
      j0 = j1;
    } while (j0 !== 0);
  }
  const rowCol = new Array<number>(n).fill(-1);
  for (let j = 1; j <= m; j++) if (p[j]! > 0) rowCol[p[j]! - 1] = j - 1;
  return rowCol;
}
