import type { FloatNdArray } from './smcFile';

/** An 8-bit RGBA image (row-major, 4 bytes per pixel), ready for ImageData. */
export interface RgbaImage {
  width: number;
  height: number;
  rgba: Uint8Array;
  /** Smallest and largest stored value, to say how the values were mapped to 0-255. */
  range: [number, number];
}

/**
 * FLAME's albedo texture as an image. The file stores it channels first, (3, H, W) floats in [0, 1]
 * (channels last, (H, W, 3), is accepted too); channels are taken as R, G, B. Values above 1.5 mean
 * a 0-255 scale and are kept as they are; others are scaled by 255. Null for any other shape.
 */
export function albedoImage(a: FloatNdArray): RgbaImage | null {
  const s = a.shape;
  const channelsFirst = s.length === 3 && s[0] === 3;
  const channelsLast = s.length === 3 && s[2] === 3 && !channelsFirst;
  if (!channelsFirst && !channelsLast) return null;
  const [height, width] = channelsFirst ? [s[1]!, s[2]!] : [s[0]!, s[1]!];
  const n = width * height;
  if (n === 0 || a.data.length !== 3 * n) return null;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of a.data) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const k = hi > 1.5 ? 1 : 255;
  const rgba = new Uint8Array(4 * n);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) {
      const v = a.data[channelsFirst ? c * n + i : 3 * i + c]!;
      rgba[4 * i + c] = Number.isFinite(v) ? Math.round(Math.min(255, Math.max(0, v * k))) : 0;
    }
    rgba[4 * i + 3] = 255;
  }
  return { width, height, rgba, range: Number.isFinite(lo) ? [lo, hi] : [0, 0] };
}
