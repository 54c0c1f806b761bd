/**
 * Float to text the way Python and numpy print floats: the shortest digits that read back as the
 * same float of the value's own width (16, 32 or 64 bits), rounded exactly (half to even, as
 * numpy's Dragon4) where a precision cuts them. Ported from numpy's `format_float_positional` /
 * `format_float_scientific` semantics, not from their code.
 */

export type FloatWidth = 16 | 32 | 64;

/** Rounds a double to the nearest float16 (ties to even); overflow gives ±Infinity. */
export function roundFloat16(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const a = Math.abs(x);
  if (a >= 65520) return Math.sign(x) * Infinity;
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  else if (2 ** (e + 1) <= a) e++;
  const quantum = 2 ** (Math.max(e, -14) - 10);
  return Math.sign(x) * roundHalfEven(a / quantum) * quantum;
}

function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  const d = v - f;
  return d > 0.5 || (d === 0.5 && f % 2 === 1) ? f + 1 : f;
}

/** The double nearest `x` in the given width. */
export function roundToWidth(x: number, width: FloatWidth): number {
  return width === 64 ? x : width === 32 ? Math.fround(x) : roundFloat16(x);
}

/** Decodes IEEE half-precision bits. */
export function float16FromBits(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** Decimal digits `d` (no leading zeros; '0' for zero) and exponent `e`: |x| = d[0].d[1..] × 10^e. */
interface Decimal {
  digits: string;
  exp: number;
}

/** The shortest digits that round back to |x| in `width` (x finite). */
function shortest(x: number, width: FloatWidth): Decimal {
  const a = Math.abs(x);
  if (a === 0) return { digits: '0', exp: 0 };
  for (let p = 1; p < 17; p++) {
    const s = a.toExponential(p - 1);
    if (roundToWidth(Number(s), width) === a) return parseExponential(s);
  }
  return parseExponential(a.toExponential(16));
}

function parseExponential(s: string): Decimal {
  const [m, e] = s.split('e') as [string, string];
  return { digits: m.replace('.', '').replace(/0+$/, '') || '0', exp: Number(e) };
}

/** |x| exactly as integer digits `n` over 10^scale (every finite double is a finite decimal). */
function exactDecimal(x: number): { n: bigint; scale: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const bexp = (hi >>> 20) & 0x7ff;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e2 = bexp - 1075;
  if (bexp === 0) e2 = -1074;
  else m |= 1n << 52n;
  if (e2 >= 0) return { n: m << BigInt(e2), scale: 0 };
  return { n: m * 5n ** BigInt(-e2), scale: -e2 };
}

/** |x| rounded (exactly, half to even) to `frac` digits after the point (frac may be negative). */
function roundExact(x: number, frac: number): Decimal {
  const { n, scale } = exactDecimal(x);
  let q = n;
  let qScale = scale;
  if (scale > frac) {
    const div = 10n ** BigInt(scale - frac);
    q = n / div;
    const r2 = (n % div) * 2n;
    if (r2 > div || (r2 === div && q % 2n === 1n)) q += 1n;
    qScale = frac;
  }
  if (q === 0n) return { digits: '0', exp: 0 };
  const s = q.toString();
  return { digits: s.replace(/0+$/, '') || '0', exp: s.length - 1 - qScale };
}

export type Trim = 'k' | '.' | '0' | '-';

export interface FloatFormatOptions {
  /** Most digits after the point (positional) or in the mantissa's fraction (scientific). */
  precision?: number;
  /** Pad the fraction with zeros to at least this many digits. */
  minDigits?: number;
  /** numpy's trim: 'k'/'.' keep a bare point ("1."), '0' keeps one zero ("1.0"), '-' drops the point ("1"). */
  trim: Trim;
  /** Print '+' for non-negative values. */
  sign?: boolean;
  /** Pad the part before the point (sign included) with spaces to this many characters. */
  padLeft?: number;
  /** Pad the part after the point with spaces to this many characters. */
  padRight?: number;
  /** Least exponent digits (scientific; default 2). */
  expDigits?: number;
}

function digitsOf(x: number, width: FloatWidth, precision: number | undefined, scientific: boolean): Decimal {
  const d = shortest(x, width);
  if (precision === undefined || d.digits === '0') return d;
  const fracDigits = scientific ? d.digits.length - 1 : d.digits.length - 1 - d.exp;
  if (fracDigits <= precision) return d;
  return roundExact(x, scientific ? precision - d.exp : precision);
}

function finish(intPart: string, frac: string, x: number, o: FloatFormatOptions): string {
  if (o.minDigits !== undefined && frac.length < o.minDigits) frac = frac.padEnd(o.minDigits, '0');
  let text = intPart;
  if (frac) text += `.${frac}`;
  else if (o.trim === '0') text += '.0';
  else if (o.trim !== '-') text += '.';
  const negative = x < 0 || Object.is(x, -0);
  const signed = (negative ? '-' : o.sign ? '+' : '') + text;
  const point = signed.indexOf('.');
  const left = point < 0 ? signed.length : point;
  const right = point < 0 ? 0 : signed.length - point - 1;
  return ' '.repeat(Math.max(0, (o.padLeft ?? 0) - left)) + signed + ' '.repeat(Math.max(0, (o.padRight ?? 0) - right));
}

/** numpy's `format_float_positional(x, unique=True, fractional=True, ...)` for a finite x. */
export function formatPositional(x: number, width: FloatWidth, o: FloatFormatOptions): string {
  const d = digitsOf(x, width, o.precision, false);
  let intPart: string;
  let frac: string;
  if (d.exp >= 0) {
    intPart = d.digits.slice(0, d.exp + 1).padEnd(d.exp + 1, '0');
    frac = d.digits.slice(d.exp + 1);
  } else {
    intPart = '0';
    frac = d.digits === '0' ? '' : '0'.repeat(-d.exp - 1) + d.digits;
  }
  return finish(intPart, frac, x, o);
}

/** numpy's `format_float_scientific(x, unique=True, ...)` for a finite x. */
export function formatScientific(x: number, width: FloatWidth, o: FloatFormatOptions): string {
  const d = digitsOf(x, width, o.precision, true);
  const mantissa = finish(d.digits[0]!, d.digits.slice(1), x, { ...o, padRight: undefined });
  const exp = `e${d.exp < 0 ? '-' : '+'}${String(Math.abs(d.exp)).padStart(o.expDigits ?? 2, '0')}`;
  // numpy pads on the right of the whole number (only used for nan/inf alignment); none needed here.
  return mantissa + exp;
}

/** Python's `repr(float)` (and numpy's `str()` of a float scalar) for a value of the given width. */
export function pyFloatRepr(x: number, width: FloatWidth = 64): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const d = shortest(x, width);
  if (x !== 0 && (d.exp >= 16 || d.exp < -4)) return formatScientific(x, width, { trim: '-' });
  return formatPositional(x, width, { trim: '0' });
}

/** Python's `repr(complex)` (numpy complex scalars print the same): `(1+2j)`, `2j`, `(-0-1j)`. */
export function pyComplexRepr(re: number, im: number, width: FloatWidth = 64): string {
  const part = (x: number) => pyFloatRepr(x, width).replace(/\.0(?=$|e)/, '');
  const imag = `${part(im)}j`;
  if (Object.is(re, 0)) return imag;
  const sign = im < 0 || Object.is(im, -0) || Number.isNaN(im) ? '' : '+';
  return `(${part(re)}${Number.isNaN(im) ? '+' : sign}${imag})`;
}
