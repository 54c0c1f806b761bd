/**
 * Keys in an SMC file: camera ids are zero-padded two-digit strings ("00".."59"), frame ids are
 * unpadded decimal strings ("0", "1", ... "10"). HDF5 lists both lexicographically ("0", "1", "10",
 * "2"), so frames must always be sorted numerically.
 */

/** A camera id as the file spells it: numbers become two digits (5 → "05"); strings are kept. */
export function cameraKey(camera: string | number): string {
  if (typeof camera === 'number') {
    if (!Number.isInteger(camera) || camera < 0) throw new RangeError(`Not a camera id: ${camera}`);
    return String(camera).padStart(2, '0');
  }
  return camera;
}

/** A frame id as the file spells it ("12"); accepts 12 or "12". Null for anything else. */
export function frameKey(frame: string | number): string | null {
  const n = typeof frame === 'number' ? frame : /^\d+$/.test(frame) ? Number(frame) : NaN;
  return Number.isSafeInteger(n) && n >= 0 ? String(n) : null;
}

/** Frame keys as numbers in ascending order, and the keys that are not frame numbers. */
export function parseFrameKeys(keys: readonly string[]): { frames: number[]; keys: string[]; invalid: string[] } {
  const valid: [number, string][] = [];
  const invalid: string[] = [];
  for (const k of keys) {
    const n = decimal(k);
    if (n === null) invalid.push(k);
    else valid.push([n, k]);
  }
  valid.sort((a, b) => a[0] - b[0]);
  return { frames: valid.map((v) => v[0]), keys: valid.map((v) => v[1]), invalid };
}

/** Camera ids in numeric order when they are numbers, then the rest by name. */
export function sortCameraIds(ids: readonly string[]): string[] {
  return [...ids].sort((a, b) => {
    const na = /^\d+$/.test(a) ? Number(a) : NaN;
    const nb = /^\d+$/.test(b) ? Number(b) : NaN;
    if (!Number.isNaN(na) && !Number.isNaN(nb) && na !== nb) return na - nb;
    if (Number.isNaN(na) !== Number.isNaN(nb)) return Number.isNaN(na) ? 1 : -1;
    return a < b ? -1 : a > b ? 1 : 0;
  });
}

/** The numbers in [0, count) that `present` (sorted ascending) lacks. */
export function missingFrames(present: readonly number[], count: number): number[] {
  const out: number[] = [];
  let j = 0;
  for (let f = 0; f < count; f++) {
    while (j < present.length && present[j]! < f) j++;
    if (present[j] !== f) out.push(f);
  }
  return out;
}

/** Compact text for a frame list: "0-4, 7, 9-12". */
export function formatFrameRanges(frames: readonly number[], max = 12): string {
  const parts: string[] = [];
  for (let i = 0; i < frames.length;) {
    let j = i;
    while (j + 1 < frames.length && frames[j + 1] === frames[j]! + 1) j++;
    parts.push(i === j ? `${frames[i]}` : `${frames[i]}-${frames[j]}`);
    i = j + 1;
  }
  return parts.length > max ? `${parts.slice(0, max).join(', ')}, … (${frames.length} frames)` : parts.join(', ');
}

/** The value of a string of decimal digits, or null (a hot path: one call per frame of an inventory). */
function decimal(k: string): number | null {
  if (k.length === 0 || k.length > 15) return null;
  let n = 0;
  for (let i = 0; i < k.length; i++) {
    const d = k.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return null;
    n = n * 10 + d;
  }
  return n;
}
