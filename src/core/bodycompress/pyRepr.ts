import { ArrayPrintError, arrayRepr, arrayStr, descrRepr } from '../numpy/arrayPrint';
import { pyComplexRepr, pyFloatRepr } from '../numpy/floatFormat';
import { NdArray } from '../numpy/ndarray';
import { pyBytesRepr, pyStrRepr } from '../numpy/pyLiteral';
import { MsgExt, NpScalar, PyComplex, PyFloat, type PyValue } from './pyValues';

/*
 * Decoded values as Python prints them (Python 3, numpy 1.x print options by default):
 * - builtins as `repr()`: 'abc', b'\x00', 0.1, 3.0, (1+2j), True, None, [1, 'a'], {'k': 2};
 * - numpy arrays as `str()` (what `print(a)` shows: `[1.+2.j 3.-1.j]`, big arrays summarised with
 *   `...`), numpy scalars as `str()` (`0.33333334`): the dtype is shown beside the value;
 * - numpy values inside lists and dicts as Python's repr of the container shows them:
 *   arrays as `array([1, 2], dtype=int32)`, scalars as numpy 1.x prints them (`0.33333334`);
 * - values that cannot be printed outside Python (pickled object arrays) as a note in parentheses.
 * Text is cut at `limit` characters with '…', so a huge value costs no more than that.
 */

class Full extends Error {}

/** Collects text up to a limit; `Full` is thrown once it is reached. */
class Out {
  text = '';
  constructor(private readonly limit: number) {}
  add(s: string): void {
    this.text += s;
    if (this.text.length > this.limit) throw new Full();
  }
}

function capped(limit: number, write: (out: Out) => void): string {
  const out = new Out(limit);
  try {
    write(out);
    return out.text;
  } catch (e) {
    if (e instanceof Full) return `${out.text.slice(0, limit)}…`;
    throw e;
  }
}

/**
 * What `print(value)` shows for numpy values, `repr(value)` for the rest (see above); for an
 * array that cannot be printed here, `note` says why and `text` is ''.
 */
export function pyDisplay(v: PyValue, limit = 2000): { text: string; note: string } {
  if (v instanceof NdArray || v instanceof NpScalar) {
    try {
      const text = v instanceof NdArray ? arrayStr(v) : arrayStr(new NdArray(v.dtype, [], v.bytes));
      return { text: text.length > limit ? `${text.slice(0, limit)}…` : text, note: '' };
    } catch (e) {
      if (e instanceof ArrayPrintError) return { text: '', note: e.message };
      throw e;
    }
  }
  return { text: capped(limit, (out) => writeRepr(out, v, 0)), note: '' };
}

/** Python's `repr(value)` (numpy values as inside a container). */
export function pyRepr(v: PyValue, limit = 2000): string {
  return capped(limit, (out) => writeRepr(out, v, 0));
}

function arrayText(a: NdArray, print: (a: NdArray) => string): string {
  try {
    return print(a);
  } catch (e) {
    if (e instanceof ArrayPrintError) return `(${e.message})`;
    throw e;
  }
}

/** numpy's `str()` of a scalar (`np.float32(1/3)` → `0.33333334`). */
function npScalarStr(s: NpScalar): string {
  return arrayText(new NdArray(s.dtype, [], s.bytes), arrayStr);
}

const MAX_DEPTH = 64;

function writeRepr(out: Out, v: PyValue, depth: number): void {
  if (depth > MAX_DEPTH) {
    out.add('...');
    return;
  }
  if (v === null) out.add('None');
  else if (typeof v === 'boolean') out.add(v ? 'True' : 'False');
  else if (typeof v === 'number') out.add(Number.isInteger(v) && !Object.is(v, -0) ? String(v) : pyFloatRepr(v));
  else if (typeof v === 'bigint') out.add(v.toString());
  else if (v instanceof PyFloat) out.add(pyFloatRepr(v.value));
  else if (typeof v === 'string') out.add(pyStrRepr(v));
  else if (v instanceof Uint8Array) out.add(pyBytesRepr(v));
  else if (v instanceof PyComplex) out.add(pyComplexRepr(v.real, v.imag));
  else if (v instanceof NpScalar) out.add(npScalarStr(v));
  else if (v instanceof NdArray) out.add(arrayText(v, arrayRepr));
  else if (v instanceof MsgExt) out.add(`ExtType(code=${v.type}, data=${pyBytesRepr(v.data)})`);
  else if (Array.isArray(v)) {
    out.add('[');
    v.forEach((x, i) => {
      if (i) out.add(', ');
      writeRepr(out, x, depth + 1);
    });
    out.add(']');
  } else {
    out.add('{');
    let first = true;
    for (const [k, x] of v) {
      if (!first) out.add(', ');
      first = false;
      writeRepr(out, k, depth + 1);
      out.add(': ');
      writeRepr(out, x, depth + 1);
    }
    out.add('}');
  }
}

/** The type column: numpy's dtype string (`<f4`), the record fields of a structured array, or the Python type. */
export function pyTypeName(v: PyValue): string {
  if (v === null) return 'NoneType';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'string') return 'str';
  if (typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v) && !Object.is(v, -0))) return 'int';
  if (typeof v === 'number' || v instanceof PyFloat) return 'float';
  if (v instanceof Uint8Array) return 'bytes';
  if (Array.isArray(v)) return 'list';
  if (v instanceof Map) return 'dict';
  if (v instanceof PyComplex) return 'complex';
  if (v instanceof MsgExt) return 'msgpack ext';
  if (v instanceof NpScalar) return `numpy ${v.dtype}`;
  if (v.kind === 'O') return 'object (|O)';
  if (v.kind === 'V') return capped(300, (out) => out.add(descrRepr(v.descr)));
  return v.dtype;
}

/** The shape column: numpy's `(2, 3)` / `(5,)` / `()`, `N items` for lists and dicts, '' otherwise. */
export function pyShapeText(v: PyValue): string {
  if (v instanceof NdArray) return `(${v.shape.join(', ')}${v.shape.length === 1 ? ',' : ''})`;
  if (v instanceof NpScalar) return '()';
  if (Array.isArray(v) || v instanceof Map) {
    const count = v instanceof Map ? v.size : v.length;
    return `${count.toLocaleString('en-US')} item${count === 1 ? '' : 's'}`;
  }
  return '';
}
