/** The hover readout of line plots, without DOM (unit-tested). */

export interface PlotSeries {
  label: string;
  /** One value per x. */
  values: ArrayLike<number> & Iterable<number>;
}

/** Values listed in the hover readout before "+N more". */
const READOUT_VALUES = 6;

/** "frame 12 · x 0.031 · y -0.120 · z 0.004": the x at index j and the series' values there. */
export function hoverText(o: { x: ArrayLike<number>; series: PlotSeries[]; xLabel?: string }, j: number): string {
  const values = o.series.slice(0, READOUT_VALUES).map((s) => {
    const v = s.values[j]!;
    return `${s.label} ${Number.isFinite(v) ? (isIntegral(s) ? String(v) : readoutValue(v)) : '—'}`;
  });
  if (o.series.length > READOUT_VALUES) values.push(`+${o.series.length - READOUT_VALUES} more`);
  return [`${o.xLabel ?? 'frame'} ${o.x[j]!}`, ...values].join(' · ');
}

/** Series whose values are all whole numbers (counts) read out without decimals. */
const integral = new WeakMap<PlotSeries, boolean>();
function isIntegral(s: PlotSeries): boolean {
  let v = integral.get(s);
  if (v === undefined) {
    v = true;
    for (const x of s.values) if (Number.isFinite(x) && !Number.isInteger(x)) v = false;
    integral.set(s, v);
  }
  return v;
}

/** Readout values: four decimals (as the FLAME table shows them), exponents for very large or small ones. */
function readoutValue(v: number): string {
  const a = Math.abs(v);
  return a >= 1e4 || (a !== 0 && a < 1e-3) ? v.toExponential(3) : v.toFixed(4);
}
