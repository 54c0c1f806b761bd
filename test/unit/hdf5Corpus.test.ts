// The differential HDF5 corpus: files written by h5py (test/helpers/hdf5Corpus.py: superblock
// versions, layouts and chunk indexes, every filter, dense links, user blocks, float16, strings of
// every kind) read by our reader on both metadata paths and compared with h5py's view: tree
// listing, attributes and dataset values.
//
// `npm test` runs the small corpus (a few dozen files). HDF5_CORPUS=large (or `npm run fuzz --
// --hdf5-corpus`) adds random variants: HDF5_CORPUS_FILES of them (default 150), HDF5_CORPUS_SEED.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { runCorpus, writeCorpus, type Corpus, type CorpusCounts } from '../helpers/hdf5Corpus';
import { tempDir } from '../helpers/tempDir';

const mode = process.env.HDF5_CORPUS === 'large' ? 'large' : 'small';
const seed = Number(process.env.HDF5_CORPUS_SEED ?? 1);
const counts: Record<string, CorpusCounts> = {};
let corpus: Corpus;

describe(`HDF5 corpus written by h5py (${mode})`, () => {
  before(async () => {
    corpus = writeCorpus(await tempDir('hdf5-corpus'), mode, seed);
  });
  after(() => {
    // One line for bench/RESULTS.md and the fuzz log.
    process.stdout.write(`# hdf5 corpus ${JSON.stringify({ mode, seed, h5py: corpus.h5py, hdf5: corpus.hdf5, ...counts })}\n`);
  });

  for (const [label, nativeIndex] of [
    ['native metadata reader', true],
    ['h5wasm', false],
  ] as const) {
    test(`every file reads as h5py reads it: ${label}`, async () => {
      const { counts: c, failures } = await runCorpus(corpus, nativeIndex);
      counts[label] = c;
      const report = [...failures].map(([name, diffs]) => `${name}:\n    ${diffs.slice(0, 20).join('\n    ')}`).join('\n');
      assert.equal(failures.size, 0, `${failures.size} of ${c.files} files differ from h5py:\n${report}`);
    });
  }

  test('the corpus covers what it claims', () => {
    const names = corpus.files.map((f) => f.name);
    for (const n of ['libver_earliest', 'libver_v108', 'libver_v110', 'libver_latest', 'links_dense_1500', 'userblock_4096_latest', 'float16', 'strings']) {
      assert.ok(names.includes(n), n);
    }
    const datasets = corpus.files.flatMap((f) => f.objects.filter((o) => o.kind === 'dataset').map((o) => o.path));
    for (const n of [
      '/lzf',
      '/gzip1',
      '/szip',
      '/fletcher32',
      '/scaleoffset_int',
      '/nbit_int12',
      '/bzip2',
      '/zstd',
      '/lz4',
      '/blosc',
      '/implicit',
      '/btree2',
      '/extensible',
    ]) {
      assert.ok(datasets.includes(n), n);
    }
  });
});
