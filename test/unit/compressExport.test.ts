import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { existingExportFiles, exportFrames, formatFrameRange, parseFrameRange } from '../../src/core/bodycompress/exportFrames';
import { openBodyCompress } from '../../src/core/bodycompress/reader';
import { frameCount, inspectCompressInput } from '../../src/core/bodycompress/compressInputs';
import { InputError } from '../../src/core/errors';
import type { NdArray } from '../../src/core/numpy/ndarray';
import { cli } from '../helpers/cli';
import { expectedJson, fixturePath } from '../helpers/fixtures';
import { tempDir } from '../helpers/tempDir';

const bc = (name: string) => fixturePath('bodycompress', `${name}.xz`);

test('frame ranges: Python slices or one frame; bad text says what is wrong', () => {
  assert.deepEqual(parseFrameRange('5'), { start: 5, end: 6, step: 1 });
  assert.deepEqual(parseFrameRange(' 10:20:5 '), { start: 10, end: 20, step: 5 });
  assert.deepEqual(parseFrameRange(':'), { start: 0, end: Infinity, step: 1 });
  for (const r of ['3:', '0:9:2', '7']) assert.equal(formatFrameRange(parseFrameRange(r)), r === '7' ? '7:8' : r);
  assert.throws(
    () => parseFrameRange('a:b'),
    (e: unknown) => e instanceof InputError && e.message.includes('start must be a whole number ≥ 0 (got "a")'),
  );
  assert.throws(() => parseFrameRange('0:10:0'), /step must be at least 1/);
  assert.throws(() => parseFrameRange('1:2:3:4'), /give start:end:step/);
  assert.throws(() => parseFrameRange(''), /give start:end:step or a frame number/);
});

test('export a range, then compress the folder back: the same frames; earlier exports are found before replacing', async () => {
  const exp = expectedJson('bodycompress', 'multi_person_varying');
  const dir = join(await tempDir('export'), 'frames');
  assert.deepEqual(await existingExportFiles(dir, 'npz'), []);
  const seen: number[] = [];
  const r = await exportFrames(bc('multi_person_varying'), dir, { range: parseFrameRange('2:12:3'), onProgress: (p) => seen.push(p.frame) });
  assert.deepEqual(seen, [2, 5, 8, 11]);
  assert.deepEqual(r, { frames: 4, files: 5, leftOut: [] });
  await writeFile(join(dir, 'notes.txt'), 'mine');
  assert.deepEqual((await existingExportFiles(dir, 'npz')).sort(), [
    'frame_000002.npz',
    'frame_000005.npz',
    'frame_000008.npz',
    'frame_000011.npz',
    'metadata.json',
  ]);
  assert.deepEqual(await existingExportFiles(dir, 'ply'), ['metadata.json']);

  // What export writes needs no questions when compressed again.
  const info = await inspectCompressInput(dir);
  assert.deepEqual([info.standardNames, frameCount(info, info.roles)], [true, 4]);
  const out = join(dir, '..', 'again.xz');
  const c = await cli('compress', dir, '--out', out);
  assert.equal(c.code, 0, c.err);
  const f = await openBodyCompress(out, { index: false });
  try {
    let i = 0;
    for await (const frame of f.frames()) {
      const want = exp.frames[[2, 5, 8, 11][i++]!];
      assert.deepEqual([...frame.values.keys()], want.keys);
      assert.deepEqual([...(frame.values.get('vertices') as NdArray).shape], want.values.vertices.shape);
    }
    assert.equal(i, 4);
  } finally {
    await f.close();
  }
});

test('cancelling an export removes what it wrote and the folder it made, and keeps what was there', async () => {
  const root = await tempDir('export');
  const fresh = join(root, 'a', 'b');
  const abort = new AbortController();
  await assert.rejects(
    exportFrames(bc('long_300f_multiblock'), fresh, { format: 'ply', signal: abort.signal, onProgress: (p) => p.frames === 3 && abort.abort() }),
    (e: unknown) => (e as Error).name === 'AbortError',
  );
  assert.deepEqual(await readdir(root), [], 'a/b was created by the export and is gone again');

  const kept = join(root, 'kept');
  await mkdir(kept);
  await writeFile(join(kept, 'notes.txt'), 'mine');
  const again = new AbortController();
  await assert.rejects(exportFrames(bc('long_300f_multiblock'), kept, { signal: again.signal, onProgress: (p) => p.frames === 2 && again.abort() }));
  assert.deepEqual(await readdir(kept), ['notes.txt']);
});

test('export errors: a range past the end, and a file that is not BodyCompress', async () => {
  const dir = await tempDir('export');
  await assert.rejects(exportFrames(bc('worked_example'), join(dir, 'x'), { range: parseFrameRange('5:') }), /No frame in 5: exists/);
  await assert.rejects(
    exportFrames(bc('not_bodycompress'), join(dir, 'y')),
    (e: unknown) => e instanceof InputError && e.message.includes('not a BodyCompress file'),
  );
  assert.deepEqual(await readdir(dir), ['x'], 'no folder for a file that cannot be read');
});
