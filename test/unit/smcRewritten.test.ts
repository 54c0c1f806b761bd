// A RenderMe360 performance (the 0026_e0 fixture pair) rewritten by h5py the way researchers'
// pipelines do (test/helpers/rewriteSmc.py): with a 512-byte user block, with a float16 root
// attribute added, and with every dataset chunked through LZF or gzip. `bodycap info` and a full
// extraction must give what the original gives: the same report, the same files, byte for byte
// (stored JPEG/PNG images decompressed, never copied as compressed chunks).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { extractPerformance } from '../../src/core/extract/extractPerformance';
import { SmcFile } from '../../src/core/smc/smcFile';
import { cli } from '../helpers/cli';
import { listTree } from '../helpers/extractTree';
import { fixturePath } from '../helpers/fixtures';
import { runH5py } from '../helpers/h5py';
import { tempDir } from '../helpers/tempDir';

const LABEL = '0026_e0';
const VARIANTS = ['userblock', 'float16', 'lzf', 'gzip'] as const;
type Variant = (typeof VARIANTS)[number];
const script = readFileSync(join(__dirname, '..', 'helpers', 'rewriteSmc.py'), 'utf8');

/** `bodycap info` text without what differs by design: the folder and the file size. */
async function infoText(dir: string): Promise<string> {
  const r = await cli('info', join(dir, `${LABEL}_anno.smc`));
  assert.equal(r.code, 0, r.err);
  assert.equal(r.err, '');
  return (
    r.out
      .split(dir + '/')
      .join('')
      .replace(/^(File\s+\S+) \(.*\)$/m, '$1')
      // The partner is printed relative to the working directory when that is shorter (e.g. ../tmp-dir/...).
      .replace(/^(Pair\s+).*\/([^/\n]+)$/m, '$1$2')
  );
}

/** `bodycap info --json` without the path, the file size and the stored (compressed) sizes. */
async function infoJson(dir: string): Promise<unknown> {
  const r = await cli('info', join(dir, `${LABEL}_anno.smc`), '--json');
  assert.equal(r.code, 0, r.err);
  return JSON.parse(r.out, (key, value: unknown) => (key === 'path' || key === 'fileSize' || key === 'storedBytes' || key === 'pair' ? undefined : value));
}

/** Every extracted file's bytes, by relative path; the report names the input files, so its paths are made relative. */
async function extractAll(dir: string, out: string): Promise<Map<string, Buffer>> {
  const input = { label: LABEL, primary: join(dir, `${LABEL}_raw.smc`), partner: join(dir, `${LABEL}_anno.smc`) };
  await extractPerformance(input, { preset: 'full' }, out, { version: '0.0.0-test' });
  const files = new Map<string, Buffer>();
  for (const rel of (await listTree(out)).keys()) files.set(rel, await readFile(join(out, rel)));
  return files;
}

/**
 * A report in a form where only what differs by design is left out: the input files' paths and sizes
 * (and the totals that count the reports' own bytes). Texts: every number masked; JSON: `bytes` dropped.
 */
function report(rel: string, bytes: Buffer, dir: string): unknown {
  const text = bytes
    .toString('utf8')
    .split(dir + '/')
    .join('');
  if (rel.endsWith('.json')) return JSON.parse(text, (key, value: unknown) => (key === 'bytes' ? undefined : value));
  return text.replace(/\d[\d,.]*( ?[KMG]?B\b)?/g, '#');
}

describe('a RenderMe360 file rewritten by h5py reads as the original', () => {
  const dirs = {} as Record<Variant | 'original', string>;
  let work: string;
  before(async () => {
    work = await tempDir('smc-rewritten');
    dirs.original = join(work, 'original');
    await mkdir(dirs.original);
    for (const kind of ['anno', 'raw']) {
      runH5py('import shutil, sys; shutil.copy(sys.argv[1], sys.argv[2])', [
        fixturePath('smc', `${LABEL}_${kind}.smc`),
        join(dirs.original, `${LABEL}_${kind}.smc`),
      ]);
    }
    for (const v of VARIANTS) {
      dirs[v] = join(work, v);
      await mkdir(dirs[v]);
      for (const kind of ['anno', 'raw']) {
        runH5py(script, [fixturePath('smc', `${LABEL}_${kind}.smc`), join(dirs[v], `${LABEL}_${kind}.smc`), v]);
      }
    }
  });

  test('the rewritten files are what they claim (h5py: user block, float16 attribute, LZF / gzip chunks)', () => {
    const facts = JSON.parse(
      runH5py(
        `
import h5py, json, sys
out = {}
for v in ['userblock', 'float16', 'lzf', 'gzip']:
    with h5py.File(sys.argv[1] + '/' + v + '/${LABEL}_raw.smc', 'r') as f:
        ds = f['/Camera/00/color/0']
        out[v] = [f.userblock_size, str(f.attrs['extra_half'].dtype) if 'extra_half' in f.attrs else None, ds.compression, ds.chunks is not None]
print(json.dumps(out))
`,
        [work],
      ),
    ) as Record<Variant, [number, string | null, string | null, boolean]>;
    assert.deepEqual(facts, {
      userblock: [512, null, null, false],
      float16: [0, 'float16', null, false],
      lzf: [0, null, 'lzf', true],
      gzip: [0, null, 'gzip', true],
    });
  });

  for (const v of VARIANTS) {
    test(`${v}: bodycap info gives the original's report`, async () => {
      assert.equal(await infoText(dirs[v]), await infoText(dirs.original));
      assert.deepEqual(await infoJson(dirs[v]), await infoJson(dirs.original));
    });

    test(`${v}: the stored images read as the original's bytes`, async () => {
      const original = await SmcFile.open(join(dirs.original, `${LABEL}_raw.smc`));
      const rewritten = await SmcFile.open(join(dirs[v], `${LABEL}_raw.smc`));
      try {
        for (const path of ['/Camera/00/color/0', '/Camera/59/color/2']) {
          const a = await original.hdf5.readBytes(path);
          const b = await rewritten.hdf5.readBytes(path);
          assert.ok(a && b && a.length > 1000);
          assert.deepEqual(Buffer.from(b), Buffer.from(a), path);
        }
      } finally {
        original.close();
        rewritten.close();
      }
    });

    test(`${v}: a full extraction writes the original's files, byte for byte`, async () => {
      const a = await extractAll(dirs.original, join(work, `out-original-${v}`));
      const b = await extractAll(dirs[v], join(work, `out-${v}`));
      assert.deepEqual([...b.keys()], [...a.keys()]);
      for (const [rel, bytes] of a) {
        if (/(\.txt|metadata\/info\.json)$/.test(rel)) assert.deepEqual(report(rel, b.get(rel)!, dirs[v]), report(rel, bytes, dirs.original), rel);
        else assert.ok(b.get(rel)!.equals(bytes), `${rel} differs`);
      }
    });
  }
});
