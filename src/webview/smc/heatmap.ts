import { el } from '../common/dom';
import { viridisAt } from '../common/viridis';

/** 256 RGB entries of the colour map. */
const LUT = (() => {
  const lut = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) viridisAt(i / 255).forEach((c, k) => (lut[i * 3 + k] = Math.round(c * 255)));
  return lut;
})();

/** Size of a heatmap on screen (CSS pixels). */
const MAX_HEIGHT_PX = 260;
const MAX_WIDTH_PX = 640;
/** Shortest side of a heatmap on screen (a 1 × 1,000 plane is still visible). */
const MIN_SIDE_PX = 80;

export interface HeatmapData {
  /** rows × cols values, row by row. */
  values: Float64Array;
  rows: number;
  cols: number;
  /** The dataset index of displayed cell (r, c), e.g. "[3, 20, 30]" (a strided slice skips some). */
  indexText: (r: number, c: number) => string;
  format: (v: number) => string;
}

/** The finite minimum and maximum, or null when there is no finite value. */
export function finiteRange(values: ArrayLike<number>): { min: number; max: number } | null {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const v of Array.from(values)) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return Number.isFinite(min) && Number.isFinite(max) ? { min, max } : null;
}

/**
 * A heatmap of a 2-D slice: one canvas pixel per value (scaled up without smoothing by CSS), the
 * colour map from min (dark violet) to max (yellow), non-finite values transparent, a colour bar
 * with min and max, and a readout of the value under the pointer.
 */
export function heatmap(d: HeatmapData): HTMLElement {
  const canvas = el('canvas', { class: 'heatmap-canvas', id: 'structure-heatmap', width: d.cols, height: d.rows });
  const range = finiteRange(d.values);
  const ctx = canvas.getContext('2d');
  if (ctx && d.rows > 0 && d.cols > 0) {
    const img = ctx.createImageData(d.cols, d.rows);
    const lo = range?.min ?? 0;
    const span = range && range.max > range.min ? range.max - range.min : 1;
    for (let i = 0; i < d.values.length; i++) {
      const v = d.values[i]!;
      if (!Number.isFinite(v)) continue;
      const k = Math.max(0, Math.min(255, Math.round(((v - lo) / span) * 255))) * 3;
      img.data[i * 4] = LUT[k]!;
      img.data[i * 4 + 1] = LUT[k + 1]!;
      img.data[i * 4 + 2] = LUT[k + 2]!;
      img.data[i * 4 + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
  }
  // Square cells up to 640 × 260 pixels; a long thin plane (20,000 × 3) is stretched to stay readable.
  const width = Math.min(MAX_WIDTH_PX, Math.max(MIN_SIDE_PX * 2, (MAX_HEIGHT_PX * d.cols) / Math.max(1, d.rows)));
  const height = Math.min(MAX_HEIGHT_PX, Math.max(MIN_SIDE_PX, (width * d.rows) / Math.max(1, d.cols)));
  canvas.style.width = `min(100%, ${Math.round(width)}px)`;
  canvas.style.height = `${Math.round(height)}px`;
  const bar = el('canvas', { class: 'heatmap-bar', width: 256, height: 1 });
  const barCtx = bar.getContext('2d');
  if (barCtx) {
    const img = barCtx.createImageData(256, 1);
    for (let i = 0; i < 256; i++) img.data.set([LUT[i * 3]!, LUT[i * 3 + 1]!, LUT[i * 3 + 2]!, 255], i * 4);
    barCtx.putImageData(img, 0, 0);
  }
  const readout = el('div', { class: 'heatmap-readout', id: 'structure-heatmap-readout' });
  canvas.addEventListener('pointermove', (e) => {
    const rect = canvas.getBoundingClientRect();
    const c = Math.min(d.cols - 1, Math.floor(((e.clientX - rect.left) / rect.width) * d.cols));
    const r = Math.min(d.rows - 1, Math.floor(((e.clientY - rect.top) / rect.height) * d.rows));
    if (r < 0 || c < 0) return;
    readout.textContent = `${d.indexText(r, c)} = ${d.format(d.values[r * d.cols + c]!)}`;
  });
  canvas.addEventListener('pointerleave', () => (readout.textContent = ''));
  const legend = el(
    'div',
    { class: 'heatmap-legend', id: 'structure-heatmap-legend' },
    el('span', { class: 'heatmap-min' }, range ? `min ${d.format(range.min)}` : 'no finite values'),
    bar,
    el('span', { class: 'heatmap-max' }, range ? `max ${d.format(range.max)}` : ''),
  );
  return el('figure', { class: 'heatmap' }, canvas, legend, readout);
}
