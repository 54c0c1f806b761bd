import { parseDType } from './dtype';
import { float16FromBits, formatPositional, formatScientific, pyComplexRepr, pyFloatRepr, type FloatWidth } from './floatFormat';
import { NdArray, shapeSize } from './ndarray';
import { fromCodePoints, pyBytesRepr, pyStrRepr } from './pyLiteral';

/*
 * numpy's `str(array)` and `repr(array)` with the default print options (linewidth 75, threshold
 * 1000, edgeitems 3, precision 8, floatmode 'maxprec'), ported from numpy's arrayprint.py: the
 * same per-type formatters (common padding, exponent notation when the magnitudes call for it),
 * the same summarising of large arrays and the same line wrapping. Structured (record) arrays
 * print their rows as tuples. Only the elements shown are read, so a huge array costs no more
 * than its corners.
 */

const LINE_WIDTH = 75;
const THRESHOLD = 1000;
const EDGE_ITEMS = 3;
const PRECISION = 8;
/** Elements formatted at most (numpy would print more for arrays of many short axes). */
const MAX_SHOWN_ELEMENTS = 20_000;
/** Structured dtypes: fields in all, and nesting, accepted from a file. */
const MAX_FIELDS = 256;
const MAX_FIELD_DEPTH = 8;

/** Why an array cannot be printed (the caller says so instead of values). */
export class ArrayPrintError extends Error {
  override name = 'ArrayPrintError';
}

type ElemType =
  | { kind: 'b'; size: 1 }
  | { kind: 'i' | 'u'; size: number; le: boolean }
  | { kind: 'f'; size: number; le: boolean }
  | { kind: 'c'; size: number; le: boolean }
  | { kind: 'U'; size: number; le: boolean }
  | { kind: 'S' | 'V'; size: number }
  | { kind: 'struct'; size: number; fields: Field[] };

interface Field {
  name: string;
  type: ElemType;
  /** Subarray shape ([] for a plain field). */
  shape: number[];
  offset: number;
}

/** An element: bool, int (bigint for 64 bits), float, [re, im], str, bytes, or a record's field values. */
type Elem = boolean | number | bigint | [number, number] | string | Uint8Array | Elem[];

function simpleType(typestr: string): ElemType {
  const d = parseDType(typestr);
  if (!d) throw new ArrayPrintError(`unsupported dtype ${typestr}`);
  const le = d.order !== '>';
  switch (d.kind) {
    case 'b':
      if (d.itemsize === 1) return { kind: 'b', size: 1 };
      break;
    case 'i':
    case 'u':
      if ([1, 2, 4, 8].includes(d.itemsize)) return { kind: d.kind, size: d.itemsize, le };
      break;
    case 'f':
      if ([2, 4, 8].includes(d.itemsize)) return { kind: 'f', size: d.itemsize, le };
      break;
    case 'c':
      if ([8, 16].includes(d.itemsize)) return { kind: 'c', size: d.itemsize, le };
      break;
    case 'U':
      return { kind: 'U', size: d.itemsize, le };
    case 'S':
    case 'V':
      return { kind: d.kind, size: d.itemsize };
  }
  throw new ArrayPrintError(`unsupported dtype ${typestr}`);
}

/** A structured dtype from numpy's `dtype.descr` as msgpack-numpy stores it. */
function structType(descr: unknown, depth: number, budget: { fields: number }): ElemType {
  if (depth > MAX_FIELD_DEPTH) throw new ArrayPrintError('structured dtype nested too deeply');
  if (!Array.isArray(descr)) throw new ArrayPrintError('structured dtype without a field list');
  const fields: Field[] = [];
  let offset = 0;
  for (const f of descr as unknown[]) {
    if (--budget.fields < 0) throw new ArrayPrintError(`structured dtype with more than ${MAX_FIELDS} fields`);
    if (!Array.isArray(f) || typeof f[0] !== 'string') throw new ArrayPrintError('malformed structured dtype');
    const t: unknown = f[1];
    const type = typeof t === 'string' ? simpleType(t) : structType(t, depth + 1, budget);
    const sub: unknown = f[2];
    const shape = Array.isArray(sub) && sub.every((s) => typeof s === 'number' && s >= 0) ? (sub as number[]) : [];
    const count = shapeSize(shape);
    // Unnamed fields are padding (numpy's descr lists them as ('', '|V4')).
    if (f[0] !== '') fields.push({ name: f[0], type, shape, offset });
    offset += type.size * count;
    if (offset > 2 ** 31) throw new ArrayPrintError('structured dtype too large');
  }
  return { kind: 'struct', size: offset, fields };
}

/** The element type of an array, or an ArrayPrintError for object arrays and unknown dtypes. */
function elemTypeOf(a: NdArray): ElemType {
  if (a.kind === 'O') throw new ArrayPrintError('pickled object array, not decoded');
  if (a.kind === 'V') return structType(a.descr, 0, { fields: MAX_FIELDS });
  return simpleType(a.dtype);
}

function readElem(view: DataView, bytes: Uint8Array, pos: number, t: ElemType): Elem {
  switch (t.kind) {
    case 'b':
      return view.getUint8(pos) !== 0;
    case 'i':
    case 'u': {
      const s = t.kind === 'i';
      if (t.size === 1) return s ? view.getInt8(pos) : view.getUint8(pos);
      if (t.size === 2) return s ? view.getInt16(pos, t.le) : view.getUint16(pos, t.le);
      if (t.size === 4) return s ? view.getInt32(pos, t.le) : view.getUint32(pos, t.le);
      return s ? view.getBigInt64(pos, t.le) : view.getBigUint64(pos, t.le);
    }
    case 'f':
      return readFloat(view, pos, t.size, t.le);
    case 'c': {
      const h = t.size / 2;
      return [readFloat(view, pos, h, t.le), readFloat(view, pos + h, h, t.le)];
    }
    case 'U': {
      const codes: number[] = [];
      for (let i = 0; i < t.size; i += 4) codes.push(view.getUint32(pos + i, t.le));
      while (codes.length && codes[codes.length - 1] === 0) codes.pop();
      return fromCodePoints(codes);
    }
    case 'S': {
      let end = pos + t.size;
      while (end > pos && bytes[end - 1] === 0) end--;
      return bytes.slice(pos, end);
    }
    case 'V':
      return bytes.slice(pos, pos + t.size);
    case 'struct':
      return t.fields.map((f) => {
        if (f.shape.length === 0) return readElem(view, bytes, pos + f.offset, f.type);
        const n = shapeSize(f.shape);
        if (n > MAX_SHOWN_ELEMENTS) throw new ArrayPrintError('structured field too large to show');
        return Array.from({ length: n }, (_, i) => readElem(view, bytes, pos + f.offset + i * f.type.size, f.type));
      });
  }
}

function readFloat(view: DataView, pos: number, size: number, le: boolean): number {
  if (size === 2) return float16FromBits(view.getUint16(pos, le));
  return size === 4 ? view.getFloat32(pos, le) : view.getFloat64(pos, le);
}

const widthOf = (size: number) => (size * 8) as FloatWidth;

type Format = (e: Elem) => string;

/** numpy's FloatingFormat over `values` (floatmode 'maxprec', precision 8). */
function floatFormat(values: number[], width: FloatWidth, sign: '-' | '+'): (x: number) => string {
  const finite = values.filter((x) => Number.isFinite(x));
  const nonZero = finite.filter((x) => x !== 0).map(Math.abs);
  let exp = false;
  if (nonZero.length) {
    let max = 0;
    let min = Infinity;
    for (const x of nonZero) {
      if (x > max) max = x;
      if (x < min) min = x;
    }
    exp = max >= 1e8 || min < 0.0001 || max / min > 1000;
  }
  const plus = sign === '+';
  let padLeft = 0;
  let padRight = 0;
  let precision = PRECISION;
  let expDigits = 2;
  if (finite.length && exp) {
    const strs = finite.map((x) => formatScientific(x, width, { precision: PRECISION, trim: '.', sign: plus }));
    const parts = strs.map((s) => {
      const [m, e] = s.split('e') as [string, string];
      const [i, f] = m.split('.') as [string, string];
      return { i, f, e };
    });
    expDigits = Math.max(...parts.map((p) => p.e.length)) - 1;
    precision = Math.max(...parts.map((p) => p.f.length));
    padLeft = Math.max(...parts.map((p) => p.i.length));
    padRight = expDigits + 2 + precision;
  } else if (finite.length) {
    const strs = finite.map((x) => formatPositional(x, width, { precision: PRECISION, trim: '.', sign: plus }));
    const parts = strs.map((s) => s.split('.') as [string, string]);
    padLeft = Math.max(...parts.map((p) => p[0].length));
    padRight = Math.max(...parts.map((p) => p[1].length));
  }
  if (finite.length !== values.length) {
    const negInf = plus || values.some((x) => x === -Infinity);
    padLeft = Math.max(padLeft, 3 - (padRight + 1), 3 + (negInf ? 1 : 0) - (padRight + 1));
  }
  return (x) => {
    if (!Number.isFinite(x)) {
      const ret = Number.isNaN(x) ? `${plus ? '+' : ''}nan` : `${x < 0 ? '-' : plus ? '+' : ''}inf`;
      return ' '.repeat(Math.max(0, padLeft + padRight + 1 - ret.length)) + ret;
    }
    return exp
      ? formatScientific(x, width, { precision, minDigits: precision, trim: 'k', sign: plus, padLeft, expDigits })
      : formatPositional(x, width, { precision, minDigits: 0, trim: '.', sign: plus, padLeft, padRight });
  };
}

/** The formatter numpy picks for a column of elements of type `t` (array rows or a record field). */
function formatFor(t: ElemType, elems: Elem[], zeroD: boolean): Format {
  switch (t.kind) {
    case 'b': {
      const truth = zeroD ? 'True' : ' True';
      return (e) => (e ? truth : 'False');
    }
    case 'i':
    case 'u': {
      const text = (e: Elem) => (e as number | bigint).toString();
      const w = elems.reduce<number>((m, e) => Math.max(m, text(e).length), 0);
      return (e) => text(e).padStart(w, ' ');
    }
    case 'f': {
      const f = floatFormat(elems as number[], widthOf(t.size), '-');
      return (e) => f(e as number);
    }
    case 'c': {
      const cs = elems as [number, number][];
      const re = floatFormat(
        cs.map((c) => c[0]),
        widthOf(t.size / 2),
        '-',
      );
      const im = floatFormat(
        cs.map((c) => c[1]),
        widthOf(t.size / 2),
        '+',
      );
      return (e) => {
        const [r, i] = e as [number, number];
        const is = im(i);
        const sp = is.trimEnd().length;
        return `${re(r)}${is.slice(0, sp)}j${is.slice(sp)}`;
      };
    }
    case 'U':
      return (e) => pyStrRepr(e as string);
    case 'S':
    case 'V':
      return (e) => pyBytesRepr(e as Uint8Array);
    case 'struct': {
      const rows = elems as Elem[][];
      const fieldFormats = t.fields.map((f, k) => {
        const column = rows.map((r) => r[k]!);
        if (f.shape.length === 0) return formatFor(f.type, column, zeroD);
        const inner = formatFor(
          f.type,
          column.flatMap((x) => x as Elem[]),
          false,
        );
        return (e: Elem) => subArray(e as Elem[], f.shape, inner);
      });
      return (e) => {
        const parts = (e as Elem[]).map((x, k) => fieldFormats[k]!(x));
        return parts.length === 1 ? `(${parts[0]},)` : `(${parts.join(', ')})`;
      };
    }
  }
}

/** numpy's SubArrayFormat: a record field with a shape, as nested `[a, b]` lists. */
function subArray(flat: Elem[], shape: readonly number[], f: Format): string {
  let pos = 0;
  const walk = (axis: number): string => {
    const parts: string[] = [];
    for (let i = 0; i < shape[axis]!; i++) parts.push(axis === shape.length - 1 ? f(flat[pos++]!) : walk(axis + 1));
    return `[${parts.join(', ')}]`;
  };
  return shape.length === 0 ? f(flat[0]!) : walk(0);
}

/** The C-order indices of the elements numpy shows (all of them, or the corners of a big array). */
function shownIndices(shape: readonly number[], summarize: boolean): number[] {
  let count = 1;
  for (const s of shape) count *= summarize && s > 2 * EDGE_ITEMS ? 2 * EDGE_ITEMS : s;
  if (count > MAX_SHOWN_ELEMENTS) throw new ArrayPrintError(`too many elements to show (${count.toLocaleString('en-US')})`);
  const out: number[] = [];
  const walk = (axis: number, base: number) => {
    if (axis === shape.length) {
      out.push(base);
      return;
    }
    const n = shape[axis]!;
    const stride = shapeSize(shape.slice(axis + 1));
    const idx = summarize && n > 2 * EDGE_ITEMS ? [0, 1, 2, n - 3, n - 2, n - 1] : Array.from({ length: n }, (_, i) => i);
    for (const i of idx) walk(axis + 1, base + i * stride);
  };
  walk(0, 0);
  return out;
}

function extendLine(s: string, line: string, word: string, width: number, prefix: string): [string, string] {
  let wrap = line.length + word.length > width;
  if (line.length <= prefix.length) wrap = false;
  if (wrap) {
    s += `${line.trimEnd()}\n`;
    line = prefix;
  }
  return [s, line + word];
}

function extendLinePretty(s: string, line: string, word: string, width: number, prefix: string): [string, string] {
  const words = word.split('\n');
  if (words.length === 1) return extendLine(s, line, word, width, prefix);
  const maxLen = Math.max(...words.map((w) => w.length));
  let indent: string;
  if (line.length + maxLen > width && line.length > prefix.length) {
    s += `${line.trimEnd()}\n`;
    line = prefix + words[0]!;
    indent = prefix;
  } else {
    indent = ' '.repeat(line.length);
    line += words[0]!;
  }
  for (const w of words.slice(1)) {
    s += `${line.trimEnd()}\n`;
    line = indent + w;
  }
  return [s, line + ' '.repeat(maxLen - words[words.length - 1]!.length)];
}

/** numpy's `_formatArray`. `element(flatIndex)` formats one element. */
function formatArray(
  shape: readonly number[],
  element: (flat: number) => string,
  width: number,
  prefix: string,
  separator: string,
  summarize: boolean,
): string {
  const recurse = (axis: number, base: number, hanging: string, currWidth: number): string => {
    const left = shape.length - axis;
    if (left === 0) return element(base);
    const nextHanging = `${hanging} `;
    const nextWidth = currWidth - 1;
    const n = shape[axis]!;
    const stride = shapeSize(shape.slice(axis + 1));
    const summary = summarize && 2 * EDGE_ITEMS < n;
    const leading = summary ? EDGE_ITEMS : 0;
    const trailing = summary ? EDGE_ITEMS : n;
    let s = '';
    if (left === 1) {
      const elemWidth = currWidth - Math.max(separator.trimEnd().length, 1);
      let line = hanging;
      for (let i = 0; i < leading; i++) {
        [s, line] = extendLinePretty(s, line, recurse(axis + 1, base + i * stride, nextHanging, nextWidth), elemWidth, hanging);
        line += separator;
      }
      if (summary) {
        [s, line] = extendLine(s, line, '...', elemWidth, hanging);
        line += separator;
      }
      for (let i = trailing; i > 1; i--) {
        [s, line] = extendLinePretty(s, line, recurse(axis + 1, base + (n - i) * stride, nextHanging, nextWidth), elemWidth, hanging);
        line += separator;
      }
      [s, line] = extendLinePretty(s, line, recurse(axis + 1, base + (n - 1) * stride, nextHanging, nextWidth), elemWidth, hanging);
      s += line;
    } else {
      const lineSep = separator.trimEnd() + '\n'.repeat(left - 1);
      for (let i = 0; i < leading; i++) s += hanging + recurse(axis + 1, base + i * stride, nextHanging, nextWidth) + lineSep;
      if (summary) s += `${hanging}...${lineSep}`;
      for (let i = trailing; i > 1; i--) s += hanging + recurse(axis + 1, base + (n - i) * stride, nextHanging, nextWidth) + lineSep;
      s += hanging + recurse(axis + 1, base + (n - 1) * stride, nextHanging, nextWidth);
    }
    return `[${s.slice(hanging.length)}]`;
  };
  return recurse(0, 0, prefix, width);
}

/** Reads the shown elements and builds their formatter; `elementText(flat)` then formats one. */
function prepare(a: NdArray): { summarize: boolean; elementText: (flat: number) => string; type: ElemType } {
  const t = elemTypeOf(a);
  const size = a.size;
  if (a.bytes.length < size * t.size) throw new ArrayPrintError(`data holds ${a.bytes.length} bytes, the shape needs ${size * t.size}`);
  const summarize = size > THRESHOLD;
  const indices = shownIndices(a.shape, summarize);
  const view = new DataView(a.bytes.buffer, a.bytes.byteOffset, a.bytes.byteLength);
  const elems = new Map<number, Elem>();
  for (const i of indices) elems.set(i, readElem(view, a.bytes, i * t.size, t));
  const format = formatFor(t, [...elems.values()], a.ndim === 0);
  return { summarize, type: t, elementText: (flat) => format(elems.get(flat)!) };
}

/** numpy's `str(a)`: `[1.5 2. ]`, `[[1 2]\n [3 4]]`, `[(1, 2.5) (3, 4.5)]`; throws ArrayPrintError when it cannot. */
export function arrayStr(a: NdArray): string {
  if (a.ndim === 0) return scalarStr(a);
  if (a.size === 0) return '[]';
  const p = prepare(a);
  return formatArray(a.shape, p.elementText, LINE_WIDTH, ' ', ' ', p.summarize);
}

/** `str()` of the element of a 0-d array (numpy prints the scalar). */
function scalarStr(a: NdArray): string {
  const t = elemTypeOf(a);
  if (a.bytes.length < t.size) throw new ArrayPrintError(`data holds ${a.bytes.length} bytes, the type needs ${t.size}`);
  const view = new DataView(a.bytes.buffer, a.bytes.byteOffset, a.bytes.byteLength);
  const e = readElem(view, a.bytes, 0, t);
  switch (t.kind) {
    case 'b':
      return e ? 'True' : 'False';
    case 'f':
      return pyFloatRepr(e as number, widthOf(t.size));
    case 'c': {
      const [re, im] = e as [number, number];
      return pyComplexRepr(re, im, widthOf(t.size / 2));
    }
    case 'U':
      return e as string;
    case 'struct':
      return formatFor(t, [e], true)(e);
    default:
      return t.kind === 'S' || t.kind === 'V' ? pyBytesRepr(e as Uint8Array) : (e as number | bigint).toString();
  }
}

/** numpy's `repr(a)`: `array([1, 2], dtype=int32)`, as Python shows arrays inside lists and dicts. */
export function arrayRepr(a: NdArray): string {
  const t = elemTypeOf(a);
  const dtype = dtypeShortRepr(a, t);
  const implied = dtype === null && a.size > 0;
  const prefix = 'array(';
  const suffix = implied ? ')' : ',';
  let body: string;
  if (a.size > 0 || (a.ndim === 1 && a.shape[0] === 0)) {
    if (a.size === 0) body = '[]';
    else {
      const p = prepare(a);
      body =
        a.ndim === 0 ? p.elementText(0) : formatArray(a.shape, p.elementText, LINE_WIDTH - suffix.length, ' '.repeat(prefix.length + 1), ', ', p.summarize);
    }
  } else body = `[], shape=(${a.shape.join(', ')}${a.ndim === 1 ? ',' : ''})`;
  const text = prefix + body + suffix;
  if (implied) return text;
  const dtypeText = `dtype=${dtype ?? numericName(t)})`;
  const lastLine = text.length - (text.lastIndexOf('\n') + 1);
  return text + (lastLine + dtypeText.length + 1 > LINE_WIDTH ? `\n${' '.repeat(prefix.length)}` : ' ') + dtypeText;
}

function numericName(t: ElemType): string {
  switch (t.kind) {
    case 'b':
      return 'bool';
    case 'i':
      return `int${t.size * 8}`;
    case 'u':
      return `uint${t.size * 8}`;
    case 'f':
      return `float${t.size * 8}`;
    case 'c':
      return `complex${t.size * 8}`;
    default:
      return '';
  }
}

/** numpy's dtype repr in `repr(array)`, or null when the values imply it (int64, float64, complex128, bool). */
function dtypeShortRepr(a: NdArray, t: ElemType): string | null {
  if (t.kind === 'struct') return descrRepr(a.descr);
  if (t.kind === 'U' || t.kind === 'S' || t.kind === 'V') return `'${a.dtype}'`;
  const name = numericName(t);
  return ['int64', 'float64', 'complex128', 'bool'].includes(name) ? null : name;
}

/** A structured dtype's descr as Python prints it: `[('a', '<i4'), ('b', '<f8', (3,))]`. */
export function descrRepr(descr: unknown): string {
  if (!Array.isArray(descr)) return pyStrRepr(String(descr));
  const fields = (descr as unknown[]).map((f) => {
    if (!Array.isArray(f)) return String(f);
    const [name, type, shape] = f as [unknown, unknown, unknown];
    const parts = [pyStrRepr(String(name)), typeof type === 'string' ? pyStrRepr(type) : descrRepr(type)];
    if (Array.isArray(shape)) parts.push(`(${shape.join(', ')}${shape.length === 1 ? ',' : ''})`);
    return `(${parts.join(', ')})`;
  });
  return `[${fields.join(', ')}]`;
}
