/**
 * Natural order of names: runs of digits compare as numbers ("2" < "10"), the rest by code point,
 * so frame and camera groups list as 0, 1, 2, …, 10, 11. Equal numbers with more leading zeros come
 * after ("1" < "01"), so distinct names never compare equal.
 */
export function naturalCompare(a: string, b: string): number {
  const pa = a.match(CHUNKS) ?? [];
  const pb = b.match(CHUNKS) ?? [];
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i]!;
    const y = pb[i]!;
    if (x === y) continue;
    const dx = isDigits(x);
    const dy = isDigits(y);
    if (dx && dy) {
      const tx = x.replace(/^0+(?=\d)/, '');
      const ty = y.replace(/^0+(?=\d)/, '');
      if (tx.length !== ty.length) return tx.length - ty.length;
      if (tx !== ty) return tx < ty ? -1 : 1;
      continue;
    }
    // A number sorts before text; otherwise by code point (no locale: the same order everywhere).
    if (dx !== dy) return dx ? -1 : 1;
    return x < y ? -1 : 1;
  }
  if (pa.length !== pb.length) return pa.length - pb.length;
  // Same numbers and text: fewer leading zeros first, then code points.
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

const CHUNKS = /\d+|\D+/g;
const isDigits = (s: string) => s.charCodeAt(0) >= 48 && s.charCodeAt(0) <= 57;

export function naturalSort<T>(items: readonly T[], key: (item: T) => string): T[] {
  return [...items].sort((a, b) => naturalCompare(key(a), key(b)));
}
