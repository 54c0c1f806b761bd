// Values in the BodyCompress inspector as Python prints them: a file written by Python
// (msgpack_numpy + xz) with metadata and frame keys of every kind (complex, float16, string and
// bytes arrays, structured and object arrays, numpy scalars, nested containers), compared with the
// repr / str that Python printed for each value (test/helpers/exoticValues.py).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { BodyCompressSession } from '../../src/extension/bodycompress/bodyCompressSession';
import { valueTree, type ValueView } from '../../src/core/bodycompress/valueView';
import { pyDisplay } from '../../src/core/bodycompress/pyRepr';
import { formatPositional, formatScientific, pyComplexRepr, pyFloatRepr, roundToWidth } from '../../src/core/numpy/floatFormat';
import { NdArray } from '../../src/core/numpy/ndarray';
import type { BodyCompressFrame, BodyCompressOpened } from '../../src/protocol/bodyCompressProtocol';
import { H5PY_PYTHON } from '../helpers/h5py';
import { writeExoticFile, type ExoticExpected, type PrintedValue } from '../helpers/exoticValues';
import { tempDir } from '../helpers/tempDir';

/** Python's text for the tree: the same fields, children in order. */
function strip(v: ValueView): PrintedValue {
  const row: PrintedValue = { key: v.key, type: v.type, shape: v.shape, text: v.text, note: v.note };
  if (v.children) row.children = v.children.map(strip);
  return row;
}

describe('a Python-written file with values of every kind', () => {
  let exp: ExoticExpected;
  let s: BodyCompressSession;
  let opened: BodyCompressOpened;
  let frame: BodyCompressFrame;

  before(async () => {
    const file = join(await tempDir('pyrepr'), 'exotic_values.xz');
    exp = writeExoticFile(file);
    s = new BodyCompressSession(file);
    const o = await s.opened();
    assert.ok(o.ok, o.ok ? '' : o.message);
    opened = o.value;
    while (!(await s.indexState()).done) await new Promise((r) => setTimeout(r, 20));
    frame = await s.handlers.frame({ frame: 1, uncertainties: false });
  });
  after(() => s.close());

  test('every frame key: type, shape and value exactly as Python prints them', () => {
    for (const want of exp.rows) {
      const row = frame.keys.find((k) => k.key === want.key);
      assert.ok(row, `row ${want.key}`);
      assert.deepEqual({ key: row.key, type: row.type, shape: row.shape, text: row.value, note: row.note }, want, want.key);
    }
  });

  test('the decoded bodies as numpy prints them (summarised past 1000 values)', () => {
    for (const want of [exp.vertices, exp.joints]) {
      const row = frame.keys.find((k) => k.key === want.key)!;
      assert.deepEqual({ key: row.key, type: row.type, shape: row.shape, text: row.value, note: row.note }, want);
    }
    assert.ok(exp.vertices.text.includes('...'), 'the vertices are summarised by numpy too');
  });

  test('the metadata tree: nested dicts and lists member by member, leaves as Python prints them', () => {
    assert.deepEqual(strip(opened.metadataView), exp.metadata);
  });
});

describe('float and complex formatting against Python', () => {
  test('floats of 16, 32 and 64 bits, positional and scientific, with exact half-even rounding', () => {
    const cases: [number, 16 | 32 | 64][] = (
      [
        [1 / 3, 64],
        [Math.fround(1 / 3), 32],
        [0.1, 16],
        [65504, 16],
        [1e16, 64],
        [9999999999999998, 64],
        [1e-4, 64],
        [9.999e-5, 64],
        [Math.fround(123456789), 32],
        [5e-324, 64],
        [1.7976931348623157e308, 64],
        [-0, 64],
        [2.5, 64],
      ] as [number, 16 | 32 | 64][]
    ).map(([x, w]) => [roundToWidth(x, w), w]);
    const script = [
      'import numpy as np',
      `cases = ${JSON.stringify(cases.map(([x, w]) => [Object.is(x, -0) ? '-0.0' : x.toPrecision(17), w]))}`,
      'for s, w in cases:',
      '    x = {16: np.float16, 32: np.float32, 64: np.float64}[w](float(s))',
      '    print(str(x), np.format_float_positional(x, precision=8, unique=True, trim="."), np.format_float_scientific(x, precision=8, unique=True, trim="k", exp_digits=2))',
      'print(np.format_float_positional(np.float64(0.001953125), precision=8), np.format_float_positional(np.float64(0.0009765625), precision=8))',
      'print(repr(complex(1.5e20, 0.1)), repr(complex(-0.0, -2)), repr(complex(0, 1)), repr(complex(float("nan"), float("inf"))))',
    ].join('\n');
    const r = spawnSync(H5PY_PYTHON, ['-c', script], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    cases.forEach(([x, w], i) => {
      const got = `${pyFloatRepr(x, w)} ${formatPositional(x, w, { precision: 8, trim: '.' })} ${formatScientific(x, w, { precision: 8, trim: 'k' })}`;
      assert.equal(got, lines[i], `${x} as float${w}`);
    });
    assert.equal(
      `${formatPositional(0.001953125, 64, { precision: 8, trim: '.' })} ${formatPositional(0.0009765625, 64, { precision: 8, trim: '.' })}`,
      lines[cases.length],
    );
    assert.equal([pyComplexRepr(1.5e20, 0.1), pyComplexRepr(-0, -2), pyComplexRepr(0, 1), pyComplexRepr(NaN, Infinity)].join(' '), lines[cases.length + 1]);
  });

  test('hostile arrays: a note instead of values, no allocation beyond the shown corners', () => {
    const short = new NdArray('<f8', [1000], new Uint8Array(8));
    assert.match(pyDisplay(short).note, /data holds 8 bytes, the shape needs 8000/);
    const manyAxes = new NdArray('|u1', Array<number>(24).fill(2), new Uint8Array(2 ** 24));
    assert.match(pyDisplay(manyAxes).note, /too many elements to show/);
    const unknown = new NdArray('<M8', [1], new Uint8Array(8));
    assert.match(pyDisplay(unknown).note, /unsupported dtype <M8/);
    const deep = new NdArray('V', [1], new Uint8Array(4), 'V', [['a', [['b', [['c', [['d', [['e', [['f', [['g', [['h', [['i', [['j', '<i4']]]]]]]]]]]]]]]]]]]]);
    assert.match(pyDisplay(deep).note, /nested too deeply/);
  });

  test('hostile metadata: members listed up to a limit with how many are left, text cut with …', () => {
    const tree = valueTree(
      '',
      Array.from({ length: 100_000 }, (_, i) => i),
    );
    assert.equal(tree.children!.length, 500);
    assert.equal(tree.more, 99_500);
    const long = pyDisplay('x'.repeat(10_000), 100).text;
    assert.equal(long, `'${'x'.repeat(99)}…`);
  });
});
