/**
 * HDF5 orders names by their UTF-8 bytes (strcmp). For ASCII that is JS code unit order; beyond it,
 * code point order is UTF-8 byte order (UTF-16 code units put U+E000..U+FFFF after supplementary
 * characters, UTF-8 before).
 */
export function compareBytewise(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x < 0xd800 && y < 0xd800) return x - y;
    return (a.codePointAt(i) ?? 0) - (b.codePointAt(i) ?? 0);
  }
  return a.length - b.length;
}
