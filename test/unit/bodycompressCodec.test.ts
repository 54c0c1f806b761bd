import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Camera } from '../../src/core/bodycompress/camera';
import { decodeFrame, encodeFrame } from '../../src/core/bodycompress/frame';
import { decodeMsgpack, encodeMsgpack } from '../../src/core/bodycompress/msgpack';
import { INCOMPLETE, skipObject } from '../../src/core/bodycompress/objectSplitter';
import { fromJsonValue, PyComplex, PyFloat, toJsonValue, type PyValue } from '../../src/core/bodycompress/pyValues';
import { dequantize, roundHalfEven } from '../../src/core/bodycompress/quantize';
import { summarizeFrame } from '../../src/core/bodycompress/frameSummary';
import { InputError } from '../../src/core/errors';
import { NdArray } from '../../src/core/numpy/ndarray';
import { assertTypedJson, sha256 } from '../helpers/bodycompressExpected';
import { expectedJson } from '../helpers/fixtures';

/** The msgpack objects of the frame stream, as the reference wrote them. */
function wireObjects(exp: { wire: { data_msgpack_b64: string } }): Uint8Array[] {
  const data = new Uint8Array(Buffer.from(exp.wire.data_msgpack_b64, 'base64'));
  const out: Uint8Array[] = [];
  for (let pos = 0; pos < data.length;) {
    const end = skipObject(data, pos);
    assert.notEqual(end, INCOMPLETE);
    out.push(data.subarray(pos, end));
    pos = end;
  }
  return out;
}

for (const name of ['worked_example', 'extra_keys_small', 'tiny_full_1024v']) {
  test(`${name}: re-encoding the decoded frames reproduces the reference msgpack byte for byte`, () => {
    const exp = expectedJson('bodycompress', name);
    const objects = wireObjects(exp);
    assert.equal(objects.length, exp.n_frames);
    const reencoded = objects.map((bytes, i) => {
      const frame = decodeFrame(bytes, i);
      for (const k of exp.frames[i].keys) assertTypedJson(frame.values.get(k), exp.frames[i].values[k], `frame ${i}.${k}`);
      const again = encodeFrame(frame.values);
      assert.equal(Buffer.compare(again, bytes), 0, `frame ${i} differs`);
      // Indexing reads keys and people without decoding.
      const s = summarizeFrame(bytes);
      assert.deepEqual(s?.keys, exp.wire.frames[i].keys);
      return again;
    });
    assert.equal(sha256(Buffer.concat(reencoded)), exp.wire.data_msgpack_sha256);
    for (const key of ['header_msgpack_b64', 'metadata_msgpack_b64']) {
      const bytes = Buffer.from(exp.wire[key], 'base64');
      assert.equal(Buffer.compare(encodeMsgpack(decodeMsgpack(bytes).value), bytes), 0, key);
    }
  });
}

/** What the reference was given (typed JSON of `inputs`) as writer input. */
function inputFrame(values: Record<string, unknown>, keys: string[]): Map<string, PyValue | Camera> {
  const m = new Map<string, PyValue | Camera>();
  for (const k of keys) {
    const v = values[k] as Record<string, unknown>;
    if (v && typeof v === 'object' && v.$type === 'Camera') {
      const arr = (x: unknown) => (fromJsonValue(x) as NdArray).values() as Float32Array;
      m.set(
        k,
        new Camera({
          R: arr(v.R),
          t: arr(v.t),
          intrinsicMatrix: arr(v.intrinsic_matrix),
          distortionCoeffs: arr(v.distortion_coeffs),
          worldUp: arr(v.world_up),
        }),
      );
    } else m.set(k, fromTuples(v));
  }
  return m;
}

/** Typed JSON of inputs, where tuples and whole floats must keep their Python types. */
function fromTuples(v: unknown): PyValue {
  if (Array.isArray(v)) return v.map(fromTuples);
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (o.$type === 'tuple') return (o.items as unknown[]).map(fromTuples);
    if (o.$type === undefined) return new Map(Object.entries(o).map(([k, x]) => [k, fromTuples(x)]));
  }
  return fromJsonValue(v);
}

test('extra_keys_small: the writer turns the reference inputs (Camera object included) into the same msgpack', () => {
  const exp = expectedJson('bodycompress', 'extra_keys_small');
  const objects = wireObjects(exp);
  exp.inputs.frames.forEach((f: { keys: string[]; values: Record<string, unknown> }, i: number) => {
    const frame = inputFrame(f.values, f.keys);
    // JSON cannot say 3.0 or 1.0 was a float; the reference inputs had Python floats there.
    if (i === 0) frame.set('tup', [1, 'two', new PyFloat(3), null, false]);
    if (i === 1) {
      const cam = frame.get('camera') as Map<PyValue, PyValue>;
      cam.set('rotvec_w2c', [0.1, new PyFloat(0), new PyFloat(0)]);
      cam.set(
        'loc',
        [1, 2, 3].map((x) => new PyFloat(x)),
      );
      cam.set(
        'intr',
        [
          [1000, 0, 640],
          [0, 1000, 360],
        ].map((r) => r.map((x) => new PyFloat(x))),
      );
    }
    assert.equal(Buffer.compare(encodeFrame(frame as never), objects[i]!), 0, `frame ${i}`);
  });
});

test('quantization: numpy rounding half to even and float32 arithmetic', () => {
  for (const [y, r] of [
    [2000.5, 2000],
    [2001.5, 2002],
    [5.5, 6],
    [-0.5, -0],
    [25.5, 26],
    [-2.5, -2],
    [-3.5, -4],
    [0.49999999999999994, 0],
  ] as const) {
    assert.ok(Object.is(roundHalfEven(y), r), `${y} → ${roundHalfEven(y)}`);
  }
  // 0.01275 m × 2000 rounds in float32 to 25.5 first, then to 26 steps (spec §8.2).
  const u = NdArray.fromTyped(Float32Array.of(0.01275), [1, 1]);
  const bytes = encodeFrame({
    vertices: NdArray.fromTyped(new Float32Array(3), [1, 1, 3]),
    joints: NdArray.fromTyped(new Float32Array(0), [1, 0, 3]),
    vertex_uncertainties: u,
  });
  const back = decodeFrame(bytes, 0).values.get('vertex_uncertainties') as NdArray;
  assert.equal((back.values() as Float32Array)[0], Math.fround(26 / 2000));
  // Sums are exact (no int32 wrap) and divided in float32, as the reference does.
  assert.deepEqual(Array.from(dequantize(Int32Array.of(-2147483648, -2147483648, 5), [3, 1], 2, -2)), [-1073741824, -2147483648, -2147483648]);
  assert.deepEqual(Array.from(dequantize(Int32Array.of(10, 1), [2], 3.3333333333333335, -1)), [
    Math.fround(10 / Math.fround(10 / 3)),
    Math.fround(11 / Math.fround(10 / 3)),
  ]);
});

test('the writer refuses NaN, infinities and coordinates beyond the quantization range', () => {
  const frame = (v: number[]) => ({
    vertices: NdArray.fromTyped(Float32Array.from(v), [1, v.length / 3, 3]),
    joints: NdArray.fromTyped(new Float32Array(0), [1, 0, 3]),
  });
  const invalid = (err: unknown) => err instanceof InputError && err.code === 'invalid-value';
  assert.throws(
    () => encodeFrame(frame([0, 0, NaN])),
    (e: unknown) => invalid(e) && (e as Error).message.includes('NaN at [0, 0, 2]'),
  );
  assert.throws(() => encodeFrame(frame([Infinity, 0, 0])), invalid);
  assert.throws(() => encodeFrame(frame([2e9, 0, 0])), invalid); // 4e9 steps: not an int32
  assert.throws(() => encodeFrame(frame([1e9, 0, 0, -1e9, 0, 0])), invalid); // each fits, the difference does not
  assert.throws(() => encodeFrame({ vertices: frame([0, 0, 0]).vertices }), /needs joints/);
  assert.throws(() => encodeFrame(frame([0, 0, 0]), 0), invalid);
  // Within range at 0.5 mm: ±1000 km still round-trips to the step.
  const ok = decodeFrame(encodeFrame(frame([5e8, -5e8, 0.25])), 0).values.get('vertices') as NdArray;
  assert.deepEqual(Array.from(ok.values() as Float32Array), [5e8, -5e8, 0]);
});

test('msgpack: Python value types survive a round trip; bad input is refused, not crashed on', () => {
  const values: PyValue[] = [
    new Map<PyValue, PyValue>([
      ['a', 1],
      [new Uint8Array([1, 2]), 'bytes key'],
      ['f', new PyFloat(3)],
      ['nan', NaN],
      ['negzero', -0],
      ['big', 18446744073709551615n],
      ['neg', -9223372036854775808n],
      ['c', new PyComplex(1, -2)],
      ['arr', new NdArray('>i2', [2], new Uint8Array([0, 1, 0xff, 0xfe]))],
    ]),
  ];
  for (const v of values) {
    const bytes = encodeMsgpack(v);
    const back = decodeMsgpack(bytes).value as Map<PyValue, PyValue>;
    assert.deepEqual(Buffer.from(encodeMsgpack(back)), Buffer.from(bytes));
    assert.deepEqual(Array.from((back.get('arr') as NdArray).values() as Int16Array), [1, -2]);
    assert.equal((back.get('c') as PyComplex).repr, '(1-2j)');
    assert.deepEqual(toJsonValue(back.get('big')!), { $type: 'int', value: '18446744073709551615' });
  }
  assert.equal(PyComplex.parse('(1e+300-2.5j)')?.real, 1e300);
  assert.equal(PyComplex.parse('-1j')?.imag, -1);
  // A map claiming 4 billion entries in 5 bytes: incomplete, not an allocation.
  assert.throws(() => decodeMsgpack(new Uint8Array([0xdf, 0xff, 0xff, 0xff, 0xff])), /exceeds/);
  assert.equal(skipObject(new Uint8Array([0xc6, 0xff, 0xff, 0xff, 0xff, 0]), 0), INCOMPLETE);
  assert.throws(
    () => decodeFrame(new Uint8Array([0x2a]), 7),
    (e: unknown) => e instanceof InputError && (e as Error).message.includes('Frame 7 is not a map'),
  );
});
