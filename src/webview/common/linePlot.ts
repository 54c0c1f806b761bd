import { el } from './dom';
import { hoverText, type PlotSeries } from './plotReadout';

const SVG = 'http://www.w3.org/2000/svg';

export type { PlotSeries } from './plotReadout';

export interface LinePlotOptions {
  title: string;
  x: ArrayLike<number>;
  series: PlotSeries[];
  /** Series named in the legend (the rest are drawn but not listed). */
  legendLimit?: number;
  /** Clicking the plot reports the nearest x (e.g. to seek to that frame). */
  onPick?: (x: number) => void;
  /** What x is, for the hover readout ("frame 12 · x 0.031 …"); default "frame". */
  xLabel?: string;
  width?: number;
  height?: number;
}

export interface LinePlot {
  element: HTMLElement;
  /** Moves the vertical marker (e.g. the current frame); null hides it. */
  setMarker(x: number | null): void;
}

/**
 * A small SVG line plot: one polyline per series over shared x values, y range from the data,
 * a vertical marker, min/max labels and a legend. Colours come from the theme's chart palette
 * through CSS classes (no inline styles, so the strict CSP holds).
 */
export function linePlot(o: LinePlotOptions): LinePlot {
  const W = o.width ?? 320;
  const H = o.height ?? 120;
  const pad = { left: 44, right: 8, top: 8, bottom: 18 };
  const n = o.x.length;
  const x0 = n ? o.x[0]! : 0;
  const x1 = n ? o.x[n - 1]! : 1;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const s of o.series) {
    for (const v of s.values) {
      if (Number.isFinite(v)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
  }
  if (!Number.isFinite(lo)) [lo, hi] = [0, 1];
  if (hi - lo < 1e-12) [lo, hi] = [lo - 0.5, hi + 0.5];
  const px = (x: number) => pad.left + ((x - x0) / (x1 - x0 || 1)) * (W - pad.left - pad.right);
  const py = (y: number) => pad.top + (1 - (y - lo) / (hi - lo)) * (H - pad.top - pad.bottom);

  const svg = svgEl('svg', { viewBox: `0 0 ${W} ${H}`, class: 'line-plot-svg', role: 'img', 'aria-label': o.title });
  svg.append(
    svgEl('rect', { x: pad.left, y: pad.top, width: W - pad.left - pad.right, height: H - pad.top - pad.bottom, class: 'plot-frame' }),
    svgText(pad.left - 4, pad.top + 8, fmt(hi), 'plot-tick end'),
    svgText(pad.left - 4, H - pad.bottom, fmt(lo), 'plot-tick end'),
    svgText(pad.left, H - 4, String(x0), 'plot-tick'),
    svgText(W - pad.right, H - 4, String(x1), 'plot-tick end'),
  );
  if (lo < 0 && hi > 0) svg.append(svgEl('line', { x1: pad.left, x2: W - pad.right, y1: py(0), y2: py(0), class: 'plot-zero' }));
  o.series.forEach((s, i) => {
    const points: string[] = [];
    for (let j = 0; j < n; j++) {
      const v = s.values[j]!;
      if (Number.isFinite(v)) points.push(`${px(o.x[j]!).toFixed(1)},${py(v).toFixed(1)}`);
    }
    // A single frame is a dot, not an invisible zero-length line.
    const shape =
      points.length === 1
        ? svgEl('circle', { cx: points[0]!.split(',')[0]!, cy: points[0]!.split(',')[1]!, r: 2 })
        : svgEl('polyline', { points: points.join(' ') });
    shape.setAttribute('class', `plot-series series-${i % 8}`);
    svg.append(shape);
  });
  const marker = svgEl('line', { y1: pad.top, y2: H - pad.bottom, class: 'plot-marker', visibility: 'hidden' });
  const hover = svgEl('line', { y1: pad.top, y2: H - pad.bottom, class: 'plot-hover', visibility: 'hidden' });
  svg.append(hover, marker);
  /** Index of the x nearest to the pointer. */
  const nearest = (e: MouseEvent): number => {
    const rect = svg.getBoundingClientRect();
    const sx = ((e.clientX - rect.left) / rect.width) * W;
    const x = x0 + ((sx - pad.left) / (W - pad.left - pad.right)) * (x1 - x0);
    let best = 0;
    for (let j = 1; j < n; j++) if (Math.abs(o.x[j]! - x) < Math.abs(o.x[best]! - x)) best = j;
    return best;
  };
  if (o.onPick && n > 0) {
    svg.classList.add('pickable');
    svg.addEventListener('click', (e) => o.onPick!(o.x[nearest(e)]!));
  }
  // Hovering reads out the nearest x and every listed series' value there.
  const readout = el('div', { class: 'plot-readout', 'aria-live': 'off' });
  if (n > 0) {
    svg.addEventListener('pointermove', (e) => {
      const j = nearest(e);
      hover.setAttribute('x1', String(px(o.x[j]!)));
      hover.setAttribute('x2', String(px(o.x[j]!)));
      hover.setAttribute('visibility', 'visible');
      readout.textContent = hoverText(o, j);
    });
    svg.addEventListener('pointerleave', () => {
      hover.setAttribute('visibility', 'hidden');
      readout.textContent = '';
    });
  }
  const limit = o.legendLimit ?? 6;
  const legend = el(
    'div',
    { class: 'plot-legend' },
    ...o.series.slice(0, limit).map((s, i) => el('span', { class: `plot-key series-${i % 8}` }, s.label)),
    o.series.length > limit ? el('span', { class: 'plot-more' }, `+${o.series.length - limit} more`) : null,
  );
  const element = el('figure', { class: 'line-plot' }, el('figcaption', {}, o.title), svg, readout, legend);
  return {
    element,
    setMarker(x) {
      if (x === null || n === 0) {
        marker.setAttribute('visibility', 'hidden');
        return;
      }
      marker.setAttribute('x1', String(px(x)));
      marker.setAttribute('x2', String(px(x)));
      marker.setAttribute('visibility', 'visible');
    },
  };
}

function svgEl(tag: string, attrs: Record<string, string | number>): SVGElement {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
}

function svgText(x: number, y: number, text: string, cls: string): SVGElement {
  const t = svgEl('text', { x, y, class: cls });
  t.textContent = text;
  return t;
}

function fmt(v: number): string {
  const a = Math.abs(v);
  return a !== 0 && (a < 0.01 || a >= 1e4) ? v.toExponential(1) : v.toFixed(a < 1 ? 3 : 2);
}
