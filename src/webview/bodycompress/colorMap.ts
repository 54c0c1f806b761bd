import type { BodyCompressFrame } from '../../protocol/bodyCompressProtocol';
import { el } from '../common/dom';
import { viridisAt } from '../common/viridis';

/** The colour of t in [0, 1] (clamped), as r, g, b in [0, 1]. */
export const colorAt = viridisAt;

const LUT_SIZE = 256;
/** The ramp in linear RGB (what WebGL vertex colours are; three.js converts its output to sRGB). */
const LINEAR_LUT = (() => {
  const lut = new Float32Array(LUT_SIZE * 3);
  const linear = (c: number) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  for (let i = 0; i < LUT_SIZE; i++) colorAt(i / (LUT_SIZE - 1)).forEach((c, k) => (lut[i * 3 + k] = linear(c)));
  return lut;
})();

/** Fills `out` (linear r, g, b per value) with the colours of `values` scaled to [0, max]. */
export function colorize(values: Float32Array, max: number, out: Float32Array): void {
  const scale = (LUT_SIZE - 1) / max;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    const k = 3 * (Number.isFinite(v) ? Math.min(LUT_SIZE - 1, Math.max(0, Math.round(v * scale))) : LUT_SIZE - 1);
    out[i * 3] = LINEAR_LUT[k]!;
    out[i * 3 + 1] = LINEAR_LUT[k + 1]!;
    out[i * 3 + 2] = LINEAR_LUT[k + 2]!;
  }
}

/**
 * The top of the colour scale for a set of uncertainties: their 98th percentile rounded up to a
 * round number (1, 2 or 5 × a power of ten), so one outlier does not wash out the rest.
 */
export function scaleMax(values: Float32Array): number {
  const finite = Float32Array.from(values.filter((v) => Number.isFinite(v) && v > 0)).sort();
  const p = finite.length ? finite[Math.min(finite.length - 1, Math.floor(finite.length * 0.98))]! : 1;
  const mag = 10 ** Math.floor(Math.log10(p));
  for (const m of [1, 2, 5, 10]) if (p <= m * mag) return m * mag;
  return 10 * mag;
}

/** A horizontal legend: the colour ramp (drawn on a canvas, so no inline styles) between two labels. */
export function colorLegend(title: string, min: string, max: string): HTMLElement {
  const canvas = el('canvas', { width: 160, height: 10, class: 'color-ramp', 'aria-hidden': 'true' });
  const ctx = canvas.getContext('2d');
  if (ctx) {
    for (let x = 0; x < canvas.width; x++) {
      const [r, g, b] = colorAt(x / (canvas.width - 1));
      ctx.fillStyle = `rgb(${Math.round(r * 255)}, ${Math.round(g * 255)}, ${Math.round(b * 255)})`;
      ctx.fillRect(x, 0, 1, canvas.height);
    }
  }
  return el(
    'div',
    { class: 'color-legend', role: 'img', 'aria-label': `${title}: ${min} to ${max}` },
    el('span', {}, title),
    el('span', {}, min),
    canvas,
    el('span', {}, max),
  );
}

/**
 * The top of the uncertainty colour scale for a frame (over all its people), or null when the
 * frame has no uncertainties. The page fixes it on the first such frame, so colours compare
 * across frames.
 */
export function uncertaintyScaleMax(f: BodyCompressFrame): number | null {
  const parts = f.persons.map((p) => p.vertexUncertainties).filter((u): u is Float32Array => !!u);
  if (parts.length === 0) return null;
  const all = new Float32Array(parts.reduce((s, u) => s + u.length, 0));
  let o = 0;
  for (const u of parts) {
    all.set(u, o);
    o += u.length;
  }
  return scaleMax(all);
}
