// Hyperslab reads (the Structure view's table pages and heatmap slices): every slab of every layout
// must hold what h5py reads with the same slicing, through both readers (native metadata with direct
// contiguous reads, and h5wasm alone).
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Hdf5File } from '../../src/core/hdf5/hdf5File';
import { hyperslabRuns, type Hyperslab } from '../../src/core/hdf5/hyperslab';
import { runH5py } from '../helpers/h5py';
import { tempDir } from '../helpers/tempDir';

/** Writes the datasets into argv[1], then prints, as JSON, h5py's values of each slab of argv[2]. */
const GENERATE = String.raw`
import sys, json
import numpy as np, h5py
path, cases = sys.argv[1], json.loads(sys.argv[2])
a3 = (np.arange(5 * 6 * 7, dtype='f4') * 0.5 - 3).reshape(5, 6, 7)
with h5py.File(path, 'w') as f:
    f['contig_f4_3d'] = a3
    f.create_dataset('chunked_gzip_f8_3d', data=np.sin(np.arange(6 * 7 * 8)).reshape(6, 7, 8), chunks=(2, 3, 4), compression='gzip')
    f.create_dataset('contig_be_i2_2d', data=(np.arange(9 * 11) - 50).reshape(9, 11).astype('>i2'))
    f.create_dataset('shuffle_u1_2d', data=(np.arange(40 * 33) % 251).reshape(40, 33).astype('u1'), chunks=(7, 5), shuffle=True, compression='gzip')
    f.create_dataset('contig_i8_1d', data=np.arange(1000, dtype='i8') * 3_000_000_007)
    f.create_dataset('contig_f2_2d', data=(np.arange(8 * 9) / 7).reshape(8, 9).astype('f2'))
    f.create_dataset('chunked_4d', data=np.arange(3 * 4 * 5 * 6, dtype='i4').reshape(3, 4, 5, 6), chunks=(1, 2, 5, 3), compression='lzf')
    f.create_dataset('vlen_str_1d', data=['zero', 'one', 'two', 'three', 'four', 'five'], dtype=h5py.string_dtype())
def enc(v):
    if isinstance(v, (bytes, np.bytes_)):
        return bytes(v).decode('utf-8')
    if isinstance(v, str):
        return v
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    return float(v)
out = []
with h5py.File(path, 'r') as f:
    for name, start, count, step in cases:
        sel = tuple(slice(s, s + (c - 1) * t + 1 if c else s, t) for s, c, t in zip(start, count, step))
        v = f[name][sel]
        out.append({'shape': list(v.shape), 'values': [enc(x) for x in np.asarray(v).ravel().tolist()]})
print(json.dumps(out))
`;

const SHAPES: Record<string, number[]> = {
  contig_f4_3d: [5, 6, 7],
  chunked_gzip_f8_3d: [6, 7, 8],
  contig_be_i2_2d: [9, 11],
  shuffle_u1_2d: [40, 33],
  contig_i8_1d: [1000],
  contig_f2_2d: [8, 9],
  chunked_4d: [3, 4, 5, 6],
  vlen_str_1d: [6],
};

/** A fixed mix per dataset: everything, one row, a column, one element, strided, empty, and pseudo-random slabs. */
function slabsFor(shape: number[]): Hyperslab[] {
  const all = { start: shape.map(() => 0), count: shape.slice(), step: shape.map(() => 1) };
  const out: Hyperslab[] = [all];
  out.push({ ...all, start: shape.map((n, i) => (i === 0 ? n - 1 : 0)), count: shape.map((n, i) => (i === 0 ? 1 : n)) });
  out.push({ start: shape.map((n, i) => (i === shape.length - 1 ? n - 2 : 0)), count: shape.map((n, i) => (i === shape.length - 1 ? 1 : n)), step: all.step });
  out.push({ start: shape.map((n) => n - 1), count: shape.map(() => 1), step: all.step });
  out.push({ start: shape.map(() => 1), count: shape.map((n) => Math.ceil((n - 1) / 2)), step: shape.map(() => 2) });
  out.push({ start: shape.map(() => 0), count: shape.map((n, i) => (i === 0 ? 0 : n)), step: all.step });
  let seed = shape.reduce((a, b) => a * 31 + b, 7);
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  for (let k = 0; k < 6; k++) {
    const start = shape.map((n) => rand(n));
    const step = shape.map(() => 1 + rand(3));
    const count = shape.map((n, i) => 1 + rand(Math.floor((n - 1 - start[i]!) / step[i]!) + 1));
    out.push({ start, count, step });
  }
  return out;
}

const cases = Object.entries(SHAPES).flatMap(([name, shape]) => slabsFor(shape).map((s) => [name, s.start, s.count, s.step] as const));
let file: string;
let expected: { shape: number[]; values: (string | number)[] }[];

before(async () => {
  file = join(await tempDir('hdf5-slice'), 'slices.h5');
  expected = JSON.parse(runH5py(GENERATE, [file, JSON.stringify(cases)]));
});

const ours = (v: unknown): string | number => (typeof v === 'bigint' ? String(v) : (v as string | number));

for (const nativeIndex of [true, false]) {
  test(`readSlice equals h5py's slicing on every layout (${nativeIndex ? 'native metadata, direct reads' : 'h5wasm alone'})`, async () => {
    const f = await Hdf5File.open(file, { nativeIndex });
    try {
      assert.equal(f.usesNativeIndex, nativeIndex);
      for (const [i, [name, start, count, step]] of cases.entries()) {
        const got = (await f.readSlice(`/${name}`, { start, count, step }))!;
        const want = expected[i]!;
        const isInt = got.dtype.kind === 'int' || got.dtype.kind === 'uint';
        const values = Array.from(got.data as ArrayLike<unknown>, (v) => (isInt ? String(v) : ours(v)));
        assert.deepEqual(got.shape, want.shape, `${name} ${JSON.stringify({ start, count, step })}`);
        assert.deepEqual(values, want.values, `${name} ${JSON.stringify({ start, count, step })}`);
      }
    } finally {
      f.close();
    }
  });
}

test('readSlice refuses a slab outside the dataset and one larger than maxBytes', async () => {
  const f = await Hdf5File.open(file);
  try {
    await assert.rejects(
      f.readSlice('/contig_f4_3d', { start: [0, 0, 0], count: [6, 1, 1], step: [1, 1, 1] }),
      /axis 0: the selection ends past its 5 elements/,
    );
    await assert.rejects(f.readSlice('/contig_f4_3d', { start: [0, 0], count: [1, 1], step: [1, 1] }), /the selection has 2 axes, the dataset 3/);
    await assert.rejects(
      f.readSlice('/contig_f4_3d', { start: [0, 0, 0], count: [5, 6, 7], step: [1, 1, 1] }, { maxBytes: 100 }),
      /840 bytes, more than one read may take/,
    );
  } finally {
    f.close();
  }
});

test('contiguous runs merge trailing axes selected whole, and step through the rest', () => {
  const runs = (shape: number[], slab: Hyperslab) => [...hyperslabRuns(shape, slab)];
  assert.deepEqual(runs([4, 5], { start: [1, 0], count: [2, 5], step: [1, 1] }), [[5, 10]]);
  assert.deepEqual(runs([4, 5], { start: [0, 1], count: [2, 3], step: [2, 1] }), [
    [1, 3],
    [11, 3],
  ]);
  assert.deepEqual(runs([2, 3], { start: [0, 0], count: [2, 2], step: [1, 2] }), [
    [0, 1],
    [2, 1],
    [3, 1],
    [5, 1],
  ]);
});
