/**
 * Mean Euclidean distance between corresponding 2D points (flat x, y pairs), over the points that
 * are finite in both (a projection behind the camera is NaN); null when no pair is comparable.
 */
export function meanPointDistance(a: ArrayLike<number>, b: ArrayLike<number>): number | null {
  const n = Math.floor(Math.min(a.length, b.length) / 2);
  let sum = 0;
  let count = 0;
  for (let i = 0; i < n; i++) {
    const dx = a[2 * i]! - b[2 * i]!;
    const dy = a[2 * i + 1]! - b[2 * i + 1]!;
    const d = Math.hypot(dx, dy);
    if (Number.isFinite(d)) {
      sum += d;
      count++;
    }
  }
  return count > 0 ? sum / count : null;
}
