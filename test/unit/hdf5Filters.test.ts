// HDF5 filters h5py users meet. LZF (h5py's own `compression='lzf'`) was refused as corrupt, with a
// message about the wasm build's plugin folder; it is read now through the h5wasm-plugins filter
// plugins, like bzip2, Blosc, Zstandard, LZ4 (whose values the differential corpus,
// hdf5Corpus.test.ts, compares with what was written). A filter no reader here has is refused as
// unsupported, naming it.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { InputError } from '../../src/core/errors';
import { filterAvailable, filterName, h5wasmPluginDir, missingFilterReason } from '../../src/core/hdf5/filters';
import { Hdf5File } from '../../src/core/hdf5/hdf5File';
import { runH5py } from '../helpers/h5py';
import { tempDir } from '../helpers/tempDir';

let dir: string;
let expected: { lzf: number[]; lzf2d: number[]; bytes: string };

before(async () => {
  dir = await tempDir('hdf5-filters');
  expected = JSON.parse(
    runH5py(
      `
import h5py, numpy as np, sys, json, base64, bz2
lzf = (np.arange(5000, dtype='<i4') * 7919) % 65521 - 30000
lzf2d = np.sin(np.arange(600, dtype='<f8')).reshape(20, 30)
image = np.frombuffer(bytes(range(256)) * 40 + b'\\xff\\xd9', dtype='u1')
for name, kw in [('lzf.h5', {}), ('lzf_latest.h5', {'libver': 'latest'})]:
    with h5py.File(sys.argv[1] + '/' + name, 'w', **kw) as f:
        f.create_dataset('lzf', data=lzf, chunks=(333,), compression='lzf')
        f.create_dataset('lzf2d', data=lzf2d, chunks=(7, 8), compression='lzf', shuffle=True, fletcher32=True)
        f.create_dataset('image', data=image, chunks=(1000,), compression='lzf')
with h5py.File(sys.argv[1] + '/zeros.h5', 'w') as f:
    # 16 MB of zeros in 196 stored bytes: bzip2 goes far beyond deflate's 1032:1.
    ds = f.create_dataset('bzip2', shape=(4_000_000,), dtype='<i4', chunks=(1_000_000,), compression=307, compression_opts=(9,), allow_unknown_filter=True)
    for i in range(4):
        ds.id.write_direct_chunk((i * 1_000_000,), bz2.compress(b'\\0' * 4_000_000, 9))
with h5py.File(sys.argv[1] + '/sz.h5', 'w') as f:
    ds = f.create_dataset('sz', shape=(10,), dtype='<f4', chunks=(10,), compression=32017, allow_unknown_filter=True)
    ds.id.write_direct_chunk((0,), b'\\0' * 40)
# h5py reads its own LZF back: the ground truth.
with h5py.File(sys.argv[1] + '/lzf.h5', 'r') as f:
    print(json.dumps({'lzf': f['lzf'][()].tolist(), 'lzf2d': f['lzf2d'][()].ravel().tolist(), 'bytes': base64.b64encode(f['image'][()].tobytes()).decode()}))
`,
      [dir],
    ),
  ) as typeof expected;
});

for (const name of ['lzf.h5', 'lzf_latest.h5']) {
  for (const nativeIndex of [true, false]) {
    test(`h5py's LZF chunks read as h5py reads them: ${name}, ${nativeIndex ? 'native' : 'h5wasm'} metadata`, async () => {
      const f = await Hdf5File.open(join(dir, name), { nativeIndex });
      try {
        assert.deepEqual(
          f.dataset('/lzf')?.filters.map((x) => x.name),
          ['lzf'],
        );
        assert.deepEqual(Array.from((await f.readArray('/lzf'))!.data as Int32Array), expected.lzf);
        assert.deepEqual(Array.from((await f.readArray('/lzf2d'))!.data as Float64Array), expected.lzf2d);
        assert.deepEqual(Array.from((await f.readRows('/lzf', 1000, 400))!.data as Int32Array), expected.lzf.slice(1000, 1400));
        const image = Buffer.from(expected.bytes, 'base64');
        assert.ok(Buffer.from((await f.readBytes('/image'))!).equals(image));
        const pieces: Uint8Array[] = [];
        for await (const piece of f.streamBytes('/image', 4096)) pieces.push(piece);
        assert.ok(pieces.length > 1);
        assert.ok(Buffer.concat(pieces).equals(image));
      } finally {
        f.close();
      }
    });
  }
}

test("bzip2 chunks that expand far beyond deflate's ratio are read, not called corrupt", async () => {
  const f = await Hdf5File.open(join(dir, 'zeros.h5'));
  try {
    const info = f.dataset('/bzip2')!;
    assert.ok(info.storedBytes! < 1000 && info.byteLength === 16_000_000);
    assert.equal(f.unreadableReason(info), null);
    const values = (await f.readArray('/bzip2'))!.data as Int32Array;
    assert.equal(values.length, 4_000_000);
    assert.ok(values.every((v) => v === 0));
  } finally {
    f.close();
  }
});

test('a filter no reader here has is refused as unsupported, naming it', async () => {
  for (const nativeIndex of [true, false]) {
    const f = await Hdf5File.open(join(dir, 'sz.h5'), { nativeIndex });
    try {
      await assert.rejects(
        f.readArray('/sz'),
        (e: unknown) =>
          e instanceof InputError && e.code === 'unsupported' && e.message.includes('HDF5 filter "sz" (id 32017)') && !e.message.includes('plugin folder'),
      );
    } finally {
      f.close();
    }
  }
});

test('the filters h5py users meet are all available; the others are named', () => {
  assert.ok(h5wasmPluginDir(), 'the h5wasm-plugins folder is found');
  for (const id of [1, 2, 3, 4, 5, 6, 307, 32000, 32001, 32004, 32008, 32013, 32015, 32026]) assert.ok(filterAvailable(id), `filter ${id}`);
  assert.equal(
    missingFilterReason([
      { id: 32000, name: 'lzf' },
      { id: 1, name: 'deflate' },
    ]),
    null,
  );
  assert.equal(filterName(32017), 'sz');
  assert.equal(filterName(40000, 'vendor thing'), 'vendor thing');
  assert.match(
    missingFilterReason([
      { id: 1, name: 'deflate' },
      { id: 40000, name: '' },
    ])!,
    /"filter 40000" \(id 40000\)/,
  );
});
