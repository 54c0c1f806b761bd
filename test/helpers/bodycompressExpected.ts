import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { NdArray } from '../../src/core/numpy/ndarray';
import { MsgExt, NpScalar, PyComplex, PyFloat, type PyValue } from '../../src/core/bodycompress/pyValues';

/*
 * Compares decoded values with the typed JSON of the reference fixtures' .expected.json
 * (fixtures README: "Typed JSON values"): arrays by dtype, shape, byte count and sha256 of their
 * bytes, plus the values the reference listed; everything else exactly.
 */

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A frame of the reference, as far as these helpers read it: its vertices array's shape and leading values. */
export interface ReferenceFrame {
  values: { vertices: { shape: number[]; head?: number[]; values?: number[] } };
}

/** People in a frame of the reference: the leading dimension of its vertices. */
export const peopleIn = (f: ReferenceFrame): number => f.values.vertices.shape[0]!;

/** The first vertex of a frame of the reference, from its `head` (or `values` for small arrays); null when it has none. */
export function firstVertexOf(f: ReferenceFrame): number[] | null {
  const v = f.values.vertices;
  const flat = (v.head ?? v.values)!;
  return flat.length >= 3 ? flat.slice(0, 3) : null;
}

function number(expected: unknown): number {
  if (typeof expected === 'number') return expected;
  if (expected === 'NaN') return NaN;
  if (expected === 'Infinity') return Infinity;
  if (expected === '-Infinity') return -Infinity;
  throw new Error(`not a number: ${JSON.stringify(expected)}`);
}

function sameNumber(a: number | bigint, e: unknown, at: string): void {
  if (typeof a === 'bigint') {
    assert.equal(a, BigInt(number(e)), at);
    return;
  }
  const x = number(e);
  assert.ok(Object.is(a, x) || (a === x && x !== 0), `${at}: ${a} !== ${x}`);
}

function checkNdArray(a: unknown, e: Record<string, unknown>, at: string): void {
  assert.ok(a instanceof NdArray, `${at}: expected an ndarray, got ${describe(a)}`);
  if (e.kind) {
    assert.equal(a.kind, e.kind, `${at}: kind`);
    if (e.b64) assert.equal(Buffer.from(a.bytes).toString('base64'), e.b64, `${at}: bytes`);
    return;
  }
  assert.equal(a.dtype, e.dtype, `${at}: dtype`);
  assert.deepEqual([...a.shape], e.shape, `${at}: shape`);
  assert.equal(a.bytes.length, e.nbytes, `${at}: nbytes`);
  assert.equal(sha256(a.bytes), e.sha256, `${at}: sha256`);
  const values = a.values() as ArrayLike<number | bigint> | null;
  const isBool = (e.dtype as string).endsWith('b1');
  if (Array.isArray(e.values) && values) {
    assert.equal(values.length, e.values.length, `${at}: value count`);
    e.values.forEach((x, i) => (isBool ? assert.equal(values[i] !== 0, x, `${at}[${i}]`) : sameNumber(values[i]!, x, `${at}[${i}]`)));
  }
  if (e.samples && values) {
    for (const [i, x] of Object.entries(e.samples as Record<string, unknown>)) sameNumber(values[Number(i)]!, x, `${at}[${i}]`);
  }
}

function describe(v: unknown): string {
  if (v instanceof Map) return 'a dict';
  if (v instanceof NdArray) return `ndarray ${v.dtype}`;
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x)) ?? String(v);
}

/** Asserts that decoded `actual` equals the typed-JSON `expected`. */
export function assertTypedJson(actual: PyValue | undefined, expected: unknown, at = 'value'): void {
  if (expected === null || typeof expected === 'boolean' || typeof expected === 'string') {
    assert.equal(actual, expected, at);
    return;
  }
  if (typeof expected === 'number') {
    const a = actual instanceof PyFloat ? actual.value : actual;
    assert.ok(typeof a === 'number' || typeof a === 'bigint', `${at}: expected a number, got ${describe(actual)}`);
    sameNumber(a, expected, at);
    return;
  }
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${at}: expected a list, got ${describe(actual)}`);
    assert.equal(actual.length, expected.length, `${at}: length`);
    expected.forEach((e, i) => assertTypedJson(actual[i], e, `${at}[${i}]`));
    return;
  }
  const e = expected as Record<string, unknown>;
  switch (e.$type) {
    case 'int':
      assert.equal(typeof actual === 'bigint' ? actual : BigInt(actual as number), BigInt(e.value as string), at);
      return;
    case 'float':
      sameNumber(actual instanceof PyFloat ? actual.value : (actual as number), e.value, at);
      return;
    case 'bytes':
      assert.ok(actual instanceof Uint8Array, `${at}: expected bytes`);
      assert.equal(Buffer.from(actual).toString('base64'), e.b64, at);
      return;
    case 'ndarray':
      checkNdArray(actual, e, at);
      return;
    case 'npscalar':
      assert.ok(actual instanceof NpScalar, `${at}: expected a numpy scalar, got ${describe(actual)}`);
      assert.equal(actual.dtype, e.dtype, `${at}: dtype`);
      if (e.b64) assert.equal(Buffer.from(actual.bytes).toString('base64'), e.b64, `${at}: bytes`);
      return;
    case 'complex':
      assert.ok(actual instanceof PyComplex, `${at}: expected a complex`);
      sameNumber(actual.real, e.real, `${at}.real`);
      sameNumber(actual.imag, e.imag, `${at}.imag`);
      return;
    case 'map': {
      assert.ok(actual instanceof Map, `${at}: expected a dict`);
      const items = e.items as [unknown, unknown][];
      const entries = [...actual];
      assert.equal(entries.length, items.length, `${at}: size`);
      items.forEach(([k, v], i) => {
        assertTypedJson(entries[i]![0], k, `${at} key ${i}`);
        assertTypedJson(entries[i]![1], v, `${at}[${JSON.stringify(k)}]`);
      });
      return;
    }
    case undefined: {
      assert.ok(actual instanceof Map, `${at}: expected a dict, got ${describe(actual)}`);
      assert.deepEqual([...actual.keys()], Object.keys(e), `${at}: keys`);
      for (const [k, v] of Object.entries(e)) assertTypedJson(actual.get(k), v, `${at}.${k}`);
      return;
    }
    default:
      assert.fail(`${at}: unknown typed JSON ${String(e.$type)} (actual ${actual instanceof MsgExt ? 'ext' : describe(actual)})`);
  }
}
