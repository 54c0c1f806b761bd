import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { InputError } from '../../src/core/errors';
import { NdArray } from '../../src/core/numpy/ndarray';
import { encodeNpyHeader, NpyRowReader, openNpyFile, parseNpyHeader, readNpyWhole, writeNpy } from '../../src/core/numpy/npy';
import { NpzReader, NpzWriter, writeNpz } from '../../src/core/numpy/npz';
import { runPython } from '../helpers/python';
import { tempDir } from '../helpers/tempDir';

const py = (code: string) => runPython(code);

const arrays: [string, NdArray][] = [
  ['f4', NdArray.fromTyped(Float32Array.of(1.5, -2, 3.25, 0, 1e-3, 7), [2, 3])],
  ['f8be', new NdArray('>f8', [2], new Uint8Array(Buffer.from('3ff8000000000000c004000000000000', 'hex')))], // 1.5, -2.5
  ['bool', new NdArray('|b1', [3], Uint8Array.of(1, 0, 1))],
  ['zero_d', NdArray.fromTyped(Int32Array.of(-7), [])],
  ['empty', NdArray.fromTyped(new Float32Array(0), [0, 6890, 3])],
  ['u8', NdArray.fromTyped(Uint8Array.of(0, 255), [2], '|u1')],
  ['i64', NdArray.fromTyped(BigInt64Array.of(-(2n ** 62n)), [1])],
];

test('npy headers: numpy layout (64-byte aligned), parsed back; bad headers refused', () => {
  for (const [, a] of arrays) {
    const h = encodeNpyHeader(a.dtype, a.shape);
    assert.equal(h.length % 64, 0);
    const p = parseNpyHeader(h, 'x')!;
    assert.deepEqual(p, { dtype: a.dtype, shape: [...a.shape], fortranOrder: false, dataOffset: h.length });
  }
  assert.equal(
    Buffer.from(encodeNpyHeader('<f4', [3]))
      .toString('latin1', 10)
      .trimEnd(),
    "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }",
  );
  assert.equal(parseNpyHeader(encodeNpyHeader('<f4', [3]).subarray(0, 20), 'x'), null); // needs more bytes
  assert.throws(
    () => parseNpyHeader(Buffer.from('PK\x03\x04 not an npy file'), 'x'),
    (e: unknown) => e instanceof InputError,
  );
});

test('npy and npz written here load in numpy (allow_pickle=False) with the same values', async () => {
  const dir = await tempDir('numpy');
  for (const [name, a] of arrays) await writeNpy(join(dir, `${name}.npy`), a);
  await writeNpz(join(dir, 'all.npz'), arrays);
  await writeNpz(join(dir, 'deflated.npz'), arrays, { compress: true });
  const out = py(`
import numpy as np, json, sys
d = '${dir}'
res = {}
for name in ${JSON.stringify(arrays.map(([n]) => n))}:
    a = np.load(f'{d}/{name}.npy', allow_pickle=False)
    res[name] = [a.dtype.str, list(a.shape), a.ravel().tolist()[:6]]
for f in ['all', 'deflated']:
    z = np.load(f'{d}/{f}.npz', allow_pickle=False)
    res[f] = {k: [z[k].dtype.str, list(z[k].shape)] for k in z.files}
print(json.dumps(res))`);
  const res = JSON.parse(out);
  assert.deepEqual(res.f4, ['<f4', [2, 3], [1.5, -2, 3.25, 0, 0.0010000000474974513, 7]]);
  assert.deepEqual(res.f8be, ['>f8', [2], [1.5, -2.5]]);
  assert.deepEqual(res.bool, ['|b1', [3], [true, false, true]]);
  assert.deepEqual(res.zero_d, ['<i4', [], [-7]]);
  assert.deepEqual(res.empty, ['<f4', [0, 6890, 3], []]);
  assert.deepEqual(res.i64, ['<i8', [1], [-(2 ** 62)]]);
  for (const f of ['all', 'deflated']) {
    assert.deepEqual(res[f], Object.fromEntries(arrays.map(([n, a]) => [n, [a.dtype, [...a.shape]]])));
  }
});

test('npz from numpy (savez and savez_compressed) reads back row by row', async () => {
  const dir = await tempDir('numpy');
  py(`
import numpy as np
v = np.arange(5*4*3, dtype='<f4').reshape(5, 4, 3)
np.savez('${dir}/s.npz', vertices=v, big=np.arange(3, dtype='>i2'))
np.savez_compressed('${dir}/c.npz', vertices=v)
np.save('${dir}/f.npy', np.asfortranarray(v))`);
  for (const f of ['s', 'c']) {
    const z = await NpzReader.open(join(dir, `${f}.npz`));
    try {
      const r = await z.rowReader('vertices');
      const rows: number[][] = [];
      for await (const row of r.rows(2)) rows.push(Array.from(row.values() as Float32Array));
      assert.deepEqual(
        rows.map((x) => x.length),
        [24, 24, 12],
      );
      assert.equal(rows[2]![11], 59);
      if (f === 's') assert.deepEqual(Array.from((await z.read('big')).values() as Int16Array), [0, 1, 2]);
    } finally {
      z.close();
    }
  }
  await assert.rejects(openNpyFile(join(dir, 'f.npy')), /Fortran order/);
  await assert.rejects(NpzReader.open(join(dir, 'f.npy')), (e: unknown) => e instanceof InputError);
});

test('a header claiming more data than the file holds is refused before reading; truncation is an error', async () => {
  const dir = await tempDir('numpy');
  const head = encodeNpyHeader('<f8', [1000000, 3]);
  await writeFile(join(dir, 'liar.npy'), Buffer.concat([head, Buffer.alloc(16)]));
  await assert.rejects(openNpyFile(join(dir, 'liar.npy')), (e: unknown) => e instanceof InputError && e.code === 'truncated');
  const r = await NpyRowReader.open(Readable.from([Buffer.concat([encodeNpyHeader('<f4', [2, 2]), Buffer.alloc(12)])]), 'cut');
  await assert.rejects(readNpyWhole(r), (e: unknown) => e instanceof InputError && e.code === 'truncated');
});

test('NpzWriter streams a large entry from pieces and renames only when complete', async () => {
  const dir = await tempDir('numpy');
  const w = await NpzWriter.create(join(dir, 'streamed.npz'));
  async function* rows() {
    for (let t = 0; t < 10; t++) yield new Uint8Array(Float32Array.from({ length: 300 }, (_, i) => t * 1000 + i).buffer);
  }
  w.addStreamed('vertices', '<f4', [10, 100, 3], 10 * 300 * 4, rows());
  w.add('fps', NdArray.fromTyped(Float64Array.of(30), []));
  assert.ok((await readdir(dir)).every((n) => n.endsWith('.partial')));
  await w.close();
  assert.deepEqual(await readdir(dir), ['streamed.npz']);
  const z = await NpzReader.open(join(dir, 'streamed.npz'));
  try {
    const v = await z.read('vertices');
    assert.deepEqual([...v.shape], [10, 100, 3]);
    assert.equal((v.values() as Float32Array)[2999], 9299);
    assert.deepEqual(z.names, ['vertices', 'fps']);
  } finally {
    z.close();
  }
});

test('NpzWriter: the same arrays give the same bytes; a failing streamed entry rejects close and leaves nothing', async () => {
  const dir = await tempDir('numpy');
  const arrays: [string, NdArray][] = [['a', NdArray.fromTyped(Float32Array.of(1, 2, 3), [3])]];
  await writeNpz(join(dir, 'one.npz'), arrays);
  await new Promise((r) => setTimeout(r, 1100)); // a zip timestamp has 2 s resolution; cross a second anyway
  await writeNpz(join(dir, 'two.npz'), arrays);
  const { readFile } = await import('node:fs/promises');
  assert.ok((await readFile(join(dir, 'one.npz'))).equals(await readFile(join(dir, 'two.npz'))));

  const w = await NpzWriter.create(join(dir, 'broken.npz'));
  async function* failing() {
    yield new Uint8Array(12);
    throw new Error('the source disk went away');
  }
  w.addStreamed('v', '<f4', [2, 3], 24, failing());
  await assert.rejects(w.close(), /the source disk went away/);
  assert.deepEqual((await readdir(dir)).sort(), ['one.npz', 'two.npz']);
});
