// The HDF5 layer: the native metadata reader against h5wasm (the HDF5 library) on the reference fixtures
// and on generated files of other layouts, direct reads, slices, streams, and bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../../src/core/errors';
import { typedArrayFromBytes, makeDtype } from '../../src/core/hdf5/dtype';
import { Hdf5File } from '../../src/core/hdf5/hdf5File';
import { hdf5Tree, summarizeTree } from '../../src/core/hdf5/hdf5Tree';
import { hdf5ErrorMessage } from '../../src/core/hdf5/openHdf5';
import { expectedJson, fixturePath } from '../helpers/fixtures';
import { Hdf5Writer, type Hdf5Format } from '../helpers/smcWriter';
import { checkHdf5Inventory } from '../helpers/hdf5Inventory';
import { tempDir } from '../helpers/tempDir';
import { sha256 } from '../helpers/extractTree';

const FIXTURES = ['0026_e0_anno', '0026_e0_raw', '0026_h0_anno', '0026_h0_raw', '0026_s1_all_anno', '0026_s1_all_raw', 'not_an_smc'];
const tmp = () => tempDir('hdf5');

/** Walks both readers over the whole file and compares members, metadata and values. */
async function compareReaders(path: string): Promise<{ datasets: number; native: Hdf5File }> {
  const native = await Hdf5File.open(path);
  const lib = await Hdf5File.open(path, { nativeIndex: false });
  let datasets = 0;
  try {
    const walk = async (p: string) => {
      const attrs = (f: Hdf5File) => f.attributes(p).map((x) => [x.name, x.dtype.name, x.shape, x.value]);
      assert.deepEqual(attrs(native), attrs(lib), `attributes of ${p}`);
      const a = native.children(p);
      // h5wasm cannot name a valid soft link's target; everything else must agree.
      const untargeted = (links: typeof a) => links?.map((l) => ({ ...l, target: undefined }));
      assert.deepEqual(untargeted(a), untargeted(lib.children(p)), `members of ${p}`);
      for (const c of a ?? []) {
        if (c.kind === 'group') await walk(c.path);
        if (c.kind !== 'dataset') continue;
        datasets++;
        assert.deepEqual(native.attributes(c.path), lib.attributes(c.path), `attributes of ${c.path}`);
        const da = native.dataset(c.path)!;
        const db = lib.dataset(c.path)!;
        // h5wasm cannot see storage details; everything it reports must agree.
        const common = (d: typeof da) => ({ ...d, storedBytes: null, fileOffset: null, layout: d.layout === 'compact' ? 'contiguous' : d.layout });
        assert.deepEqual(common(da), common(db), c.path);
        if (db.storedBytes !== null) assert.equal(da.storedBytes, db.storedBytes, c.path);
        assert.equal(sha256((await native.readBytes(c.path))!), sha256((await lib.readBytes(c.path))!), c.path);
      }
    };
    await walk('/');
  } finally {
    lib.close();
  }
  return { datasets, native };
}

for (const name of FIXTURES) {
  test(`${name}: the native reader agrees with h5wasm on every object and value`, async () => {
    const { datasets, native } = await compareReaders(fixturePath('smc', `${name}.smc`));
    try {
      assert.equal(native.usesNativeIndex, true);
      assert.equal(native.fallbackCount, 0, 'h5py-written files need no fallback');
      assert.equal(datasets, Object.keys(expectedJson('smc', name).hdf5.datasets).length);
    } finally {
      native.close();
    }
  });
}

test('not_an_smc.smc: the generic tree walker lists every group, dataset and attribute', async () => {
  const file = await Hdf5File.open(fixturePath('smc', 'not_an_smc.smc'));
  try {
    await checkHdf5Inventory({ hdf5: file }, expectedJson('smc', 'not_an_smc').hdf5);
    const tree = hdf5Tree(file, '/', { depth: 1 });
    assert.deepEqual(
      tree.children?.map((c) => [c.name, c.kind, c.childCount]),
      [['data', 'group', 2]],
    );
    assert.equal(tree.children?.[0]?.children, undefined, 'depth 1 does not expand members of members');
    const summary = summarizeTree(hdf5Tree(file));
    assert.deepEqual(summary, { groups: 2, datasets: 2, bytes: 3 * 4 + 12 * 4, storedBytes: 3 * 4 + 12 * 4 });
  } finally {
    file.close();
  }
});

/** A file with the features h5py-written SMC fixtures lack: chunks, gzip, a big group, links, scalars. */
async function writeVarietyFile(path: string, format: Hdf5Format): Promise<void> {
  const w = await Hdf5Writer.create(path, format);
  try {
    w.attrs('/', { title: 'variety', count: 7n, ratio: 0.5, dims: BigInt64Array.of(3n, 4n), ünïcode: 'µ-metre' });
    const wave = Float32Array.from({ length: 20000 }, (_, i) => Math.sin(i / 10));
    w.dataset('/audio/chunked', wave, { shape: [10000, 2], chunks: [1000, 2], gzip: 6 });
    // Unfiltered chunks are stored whole, the partial last one included: 4 × 3000 × 2 × 4 bytes.
    w.dataset('/audio/plainChunks', wave, { shape: [10000, 2], chunks: [3000, 2] });
    w.dataset('/audio/rate', BigInt64Array.of(48000n), { shape: [] });
    // More members than fit a compact group in the newer format (dense storage there).
    for (let i = 0; i < 30; i++)
      w.dataset(
        `/frames/${i}`,
        Uint8Array.from({ length: 500 + i }, (_, j) => (i * 7 + j) & 0xff),
      );
    w.dataset('/empty', new Float64Array(0), { shape: [0, 3] });
    w.softLink('/frames/7', '/alias');
    w.softLink('/nowhere', '/dangling');
    w.dataset('/ints', Int32Array.from([1, -2, 3]));
  } finally {
    w.close();
  }
}

for (const format of ['h5py', 'latest'] as const) {
  test(`generated ${format}-format file: chunked, gzip, scalars, empty and big groups read alike in both readers`, async () => {
    const path = join(await tmp(), `variety-${format}.h5`);
    await writeVarietyFile(path, format);
    const { datasets, native } = await compareReaders(path);
    try {
      assert.equal(datasets, 36, 'the alias counts as a dataset');
      const chunked = native.dataset('/audio/chunked')!;
      assert.deepEqual([chunked.layout, chunked.chunks, chunked.filters.map((f) => f.name)], ['chunked', [1000, 2], ['deflate']]);
      assert.equal(chunked.fileOffset, null);
      if (format === 'h5py') {
        // Stored size = the sum of the compressed chunks, from the chunk B-tree: less than the raw 80 kB.
        assert.ok(chunked.storedBytes! > 1000 && chunked.storedBytes! < 80000, String(chunked.storedBytes));
        assert.equal(native.dataset('/audio/plainChunks')!.storedBytes, 4 * 3000 * 2 * 4);
        assert.equal(native.fallbackCount, 0);
      } else {
        assert.ok(native.fallbackCount > 0, 'dense groups are read through h5wasm');
      }
      const frame = native.dataset('/frames/12')!;
      assert.equal(frame.byteLength, 512);
      assert.equal(frame.storedBytes, 512);
      assert.deepEqual(native.childNames('/frames')?.slice(0, 4), ['0', '1', '10', '11'], 'HDF5 name order');

      // Values: rows along the first axis, scalars, streams in pieces, empty datasets.
      const rows = (await native.readRows('/audio/chunked', 9998, 10))!;
      assert.deepEqual(rows.shape, [2, 2]);
      assert.deepEqual(
        Array.from(rows.data as Float32Array),
        [19996, 19997, 19998, 19999].map((i) => Math.fround(Math.sin(i / 10))),
      );
      const rate = (await native.readArray('/audio/rate'))!;
      assert.deepEqual([rate.shape, Array.from(rate.data as BigInt64Array)], [[], [48000n]]);
      const pieces: Uint8Array[] = [];
      for await (const piece of native.streamBytes('/audio/chunked', 16000)) pieces.push(piece);
      assert.equal(pieces.length, 5);
      assert.equal(sha256(Buffer.concat(pieces)), sha256((await native.readBytes('/audio/chunked'))!));
      const framePieces: Uint8Array[] = [];
      for await (const piece of native.streamBytes('/frames/29', 100)) framePieces.push(piece);
      assert.deepEqual(
        framePieces.map((p) => p.length),
        [100, 100, 100, 100, 100, 29],
      );
      assert.deepEqual((await native.readArray('/empty'))!.shape, [0, 3]);
      assert.deepEqual(Array.from((await native.readArray('/ints'))!.data as Int32Array), [1, -2, 3]);
      assert.deepEqual(
        native.attributes('/').map((a) => [a.name, a.dtype.name]),
        [
          ['count', 'int64'],
          ['dims', 'int64'],
          ['ratio', 'float64'],
          ['title', 'vlen-string'],
          ['ünïcode', 'vlen-string'],
        ],
      );
      assert.equal(native.attribute('/', 'title'), 'variety');
      assert.equal(native.attribute('/', 'ünïcode'), 'µ-metre');
      assert.equal(native.attribute('/', 'count'), 7n);
      assert.deepEqual(native.attribute('/', 'dims'), BigInt64Array.of(3n, 4n));
      assert.equal(native.attribute('/', 'nope'), undefined);
      assert.equal(native.dataset('/nope/deeper'), null);
      assert.equal(native.kind('/frames/99'), null);
      assert.equal(await native.readBytes('/frames'), null, 'a group has no bytes');
      // Soft links: followed for kinds and reads; listed with their targets; dangling ones reported.
      assert.equal(native.kind('/alias'), 'dataset');
      assert.equal(sha256((await native.readBytes('/alias'))!), sha256((await native.readBytes('/frames/7'))!));
      assert.equal(native.kind('/dangling'), 'soft-link');
      const links = native.children('/')!.filter((l) => l.name === 'alias' || l.name === 'dangling');
      if (native.fallbackCount === 0) {
        assert.deepEqual(
          links.map((l) => [l.name, l.kind, l.target]),
          [
            ['alias', 'dataset', '/frames/7'],
            ['dangling', 'soft-link', '/nowhere'],
          ],
        );
      }
    } finally {
      native.close();
    }
  });
}

test('a file with a user block (signature at byte 512) reads correctly', async () => {
  const dir = await tmp();
  const original = await readFile(fixturePath('smc', '0026_h0_raw.smc'));
  const path = join(dir, 'userblock.smc');
  await writeFile(path, Buffer.concat([Buffer.alloc(512), original]));
  const file = await Hdf5File.open(path);
  try {
    assert.equal(file.superblock.signatureOffset, 512);
    assert.equal(file.usesNativeIndex, true);
    const img = (await file.readBytes('/Camera/25/color/0'))!;
    const exp = expectedJson('smc', '0026_h0_raw').color_samples[0];
    assert.equal(sha256(img), exp.sha256);
    assert.equal(file.dataset('/Camera/25/color/0')!.fileOffset! >= 512, true);
  } finally {
    file.close();
  }
});

test('a dataset whose shape claims more bytes than the file holds is rejected before any allocation', async () => {
  const dir = await tmp();
  const path = join(dir, 'liar.h5');
  const w = await Hdf5Writer.create(path, 'h5py');
  w.dataset('/payload', new Uint8Array(12345).fill(1));
  w.close();
  const original = await readFile(path);
  // The dataspace holds the dimension then its maximum: the first two little-endian 12345s in the file.
  const needle = Buffer.from([0x39, 0x30, 0, 0, 0, 0, 0, 0]);
  const dim = original.indexOf(needle);
  assert.ok(dim > 0 && original.indexOf(needle, dim + 8) === dim + 8, 'dims followed by max dims');
  const patched = (fields: number) => {
    const b = Buffer.from(original);
    for (let i = 0; i < fields; i++) b.writeBigUInt64LE(10n ** 12n, dim + 8 * i);
    return b;
  };
  const isCorrupt = (pattern: RegExp) => (err: unknown) => {
    assert.ok(err instanceof InputError, String(err));
    assert.equal(err.code, 'corrupt');
    assert.match(err.message, pattern);
    return true;
  };
  for (const nativeIndex of [true, false]) {
    // A dimension above its own maximum: the metadata itself is reported as damaged.
    await writeFile(path, patched(1));
    let file = await Hdf5File.open(path, { nativeIndex });
    try {
      assert.throws(() => file.dataset('/payload'), isCorrupt(/maxdim|maximum/));
    } finally {
      file.close();
    }
    // Consistent metadata claiming 10^12 bytes in an 14 kB file: refused when read.
    await writeFile(path, patched(2));
    file = await Hdf5File.open(path, { nativeIndex });
    try {
      if (nativeIndex) {
        assert.equal(file.dataset('/payload')?.byteLength, 1e12);
        await assert.rejects(file.readBytes('/payload'), isCorrupt(/claims 1,000,000,000,000 bytes/));
        await assert.rejects(file.readArray('/payload'), isCorrupt(/claims 1,000,000,000,000 bytes/));
        await assert.rejects(file.readRows('/payload', 0, 10), isCorrupt(/claims/));
      } else {
        // The HDF5 library already refuses the dataset's metadata (storage smaller than the shape).
        assert.throws(() => file.dataset('/payload'), isCorrupt(/invalid dataset size/));
      }
    } finally {
      file.close();
    }
  }
});

test('reads larger than the limit ask for slices; slices of them work', async () => {
  const file = await Hdf5File.open(fixturePath('smc', '0026_s1_all_raw.smc'));
  try {
    await assert.rejects(file.readArray('/Camera/00/audio/audio', { maxBytes: 1000 }), (err: unknown) => {
      assert.ok(err instanceof InputError);
      assert.equal(err.code, 'too-large');
      return true;
    });
    const rows = (await file.readRows('/Camera/00/audio/audio', 100, 50, { maxBytes: 1000 }))!;
    assert.deepEqual(rows.shape, [50, 2]);
  } finally {
    file.close();
  }
});

test('a file cut short whose superblock was rewritten to match: reads report corruption, never crash', async () => {
  const dir = await tmp();
  const path = join(dir, 'cut.smc');
  const original = await readFile(fixturePath('smc', '0026_e0_raw.smc'));
  const cut = Buffer.from(original.subarray(0, Math.floor(original.length * 0.6)));
  cut.writeBigUInt64LE(BigInt(cut.length), 40); // superblock v0: end-of-file address
  await writeFile(path, cut);
  const file = await Hdf5File.open(path);
  try {
    const outcomes = new Set<string>();
    for (const cam of ['00', '30', '59']) {
      for (const f of ['0', '1', '2']) {
        const p = `/Camera/${cam}/color/${f}`;
        try {
          if (file.dataset(p)) await file.readBytes(p);
          outcomes.add('read');
        } catch (err) {
          // Structures past the end are damage: reported as corrupt, never handed to h5wasm.
          assert.ok(err instanceof InputError, `${p}: ${String(err)}`);
          assert.equal(err.code, 'corrupt');
          assert.match(err.message, /past the end of the file/);
          outcomes.add('corrupt');
        }
      }
    }
    assert.ok(outcomes.has('corrupt'));
  } finally {
    file.close();
  }
});

test('bad input is classified: not HDF5, empty, truncated, damaged superblock, folder, missing', async () => {
  const dir = await tmp();
  const original = await readFile(fixturePath('smc', '0026_h0_raw.smc'));
  const damaged = Buffer.from(original);
  damaged[8] = 9; // unknown superblock version
  const rootless = Buffer.from(original);
  rootless.fill(0x5a, 96, 400); // root object header overwritten
  const files: [string, Uint8Array | string][] = [
    ['text.smc', 'hello, not HDF5 at all'],
    ['empty.smc', ''],
    ['damaged.smc', damaged],
    ['rootless.smc', rootless],
  ];
  for (const [n, content] of files) await writeFile(join(dir, n), content);
  const codeOf = (p: string) =>
    Hdf5File.open(p).then(
      (f) => {
        f.close();
        return 'opened';
      },
      (e: unknown) => (e instanceof InputError ? e.code : `unexpected: ${String(e)}`),
    );
  assert.equal(await codeOf(join(dir, 'text.smc')), 'not-hdf5');
  assert.equal(await codeOf(join(dir, 'empty.smc')), 'empty');
  assert.equal(await codeOf(join(dir, 'damaged.smc')), 'corrupt');
  assert.equal(await codeOf(join(dir, 'rootless.smc')), 'corrupt');
  assert.equal(await codeOf(fixturePath('smc', 'broken_truncated.smc')), 'truncated');
  assert.equal(await codeOf(dir), 'is-directory');
  assert.equal(await codeOf(join(dir, 'missing.smc')), 'not-found');
});

test('HDF5 library error stacks are reduced to their cause', () => {
  const stack = [
    'HDF5-DIAG: Error detected in HDF5 (2.0.0):',
    '  #000: H5D.c line 401 in H5Dopen2(): unable to synchronously open dataset',
    '    major: Dataset',
    "    minor: Can't open object",
    "  #001: H5Gloc.c line 421 in H5G_loc_find(): object 'x' doesn't exist",
    '    major: Symbol table',
    '    minor: Object not found',
  ].join('\n');
  assert.equal(hdf5ErrorMessage(new Error(stack)), "H5G_loc_find() object 'x' doesn't exist (Object not found)");
  assert.equal(hdf5ErrorMessage(new Error('plain')), 'plain');
});

test('big-endian values are swapped into native order', () => {
  const bytes = Uint8Array.from([0x3f, 0xf0, 0, 0, 0, 0, 0, 0, 0xc0, 0, 0, 0, 0, 0, 0, 0]);
  const arr = typedArrayFromBytes(bytes, makeDtype('float', 8, false));
  assert.deepEqual(Array.from(arr as Float64Array), [1, -2]);
  const ints = typedArrayFromBytes(Uint8Array.from([0, 0, 1, 2]), makeDtype('uint', 2, false));
  assert.deepEqual(Array.from(ints as Uint16Array), [0, 0x0102]);
});
