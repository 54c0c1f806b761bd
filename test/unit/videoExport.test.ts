// Export Video… on the host: the WebM pieces the webview streams (at positions, the muxer going
// back to fill in sizes) become one file under its real name only when complete; cancelling or a
// failed write leaves nothing. And the frame range the user types.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PartialFile } from '../../src/core/io/partialFile';
import { isTemporaryPath } from '../../src/core/io/atomicFile';
import { parseFrameRange, framesIn, videoName, formatFrameRange } from '../../src/core/videoPlan';
import { contactSheetLayout, thumbnailAt } from '../../src/core/extract/contactSheetLayout';
import { tempDir } from '../helpers/tempDir';

test('pieces written at positions (and one going back) make the file at commit, not before', async () => {
  const dir = await tempDir('video');
  const path = join(dir, 'videos', 'walk_0-9.webm');
  const f = await PartialFile.create(path);
  await f.write(0, Buffer.from('HEADER??'));
  await f.write(8, Buffer.from('cluster-1'));
  await f.write(17, Buffer.from('cluster-2'));
  // The muxer fills in a size it now knows.
  await f.write(6, Buffer.from('42'));
  const during = await readdir(join(dir, 'videos'));
  assert.equal(during.length, 1);
  assert.ok(isTemporaryPath(during[0]!), `only a temporary file while writing: ${during[0]}`);
  await f.commit();
  assert.deepEqual(await readdir(join(dir, 'videos')), ['walk_0-9.webm']);
  assert.equal(await readFile(path, 'utf8'), 'HEADER42cluster-1cluster-2');
  assert.equal(f.length, 26);
  await f.abort(); // after commit: nothing happens
  assert.deepEqual(await readdir(join(dir, 'videos')), ['walk_0-9.webm']);
});

test('cancelling removes the temporary file and keeps what was there under the real name', async () => {
  const dir = await tempDir('video');
  const path = join(dir, 'old.webm');
  await writeFile(path, 'previous video');
  const f = await PartialFile.create(path);
  await f.write(0, new Uint8Array(1000).fill(7));
  await f.abort();
  await f.abort();
  assert.deepEqual(await readdir(dir), ['old.webm']);
  assert.equal(await readFile(path, 'utf8'), 'previous video');
  await assert.rejects(f.write(0, new Uint8Array(1)), /closed/);
});

test('writes that would leave a hole, or grow past the limit, are refused', async () => {
  const dir = await tempDir('video');
  const f = await PartialFile.create(join(dir, 'a.webm'), 16);
  await f.write(0, new Uint8Array(8));
  await assert.rejects(f.write(9, new Uint8Array(1)), /byte 9 of a 8-byte file/);
  await assert.rejects(f.write(-1, new Uint8Array(1)), RangeError);
  await assert.rejects(f.write(8, new Uint8Array(9)), /exceed 16 bytes/);
  await f.abort();
  assert.deepEqual(await readdir(dir), []);
});

test('frame ranges as typed: first-last, :step, one frame; and what is wrong with the rest', () => {
  assert.deepEqual(parseFrameRange('0-29', 30), { first: 0, last: 29, step: 1 });
  assert.deepEqual(parseFrameRange(' 0 - 9 : 2 ', 30), { first: 0, last: 8, step: 2 });
  assert.deepEqual(parseFrameRange('5', 30), { first: 5, last: 5, step: 1 });
  assert.equal(framesIn({ first: 0, last: 8, step: 2 }), 5);
  assert.equal(formatFrameRange({ first: 0, last: 8, step: 2 }), '0-8:2');
  assert.match(parseFrameRange('0-30', 30) as string, /last frame that can be recorded is 29/);
  assert.match(parseFrameRange('9-3', 30) as string, /comes before/);
  assert.match(parseFrameRange('0-9:0', 30) as string, /step/);
  assert.match(parseFrameRange('all', 30) as string, /first-last/);
  assert.equal(videoName('/w/bodycompress/walk.xz', { first: 0, last: 8, step: 2 }), 'walk_0-8.webm');
});

test('the contact sheet layout: 60 RenderMe360 cameras of 2448 × 2048 in 10 columns of 320 × 268', () => {
  const l = contactSheetLayout(60, 2048, 2448);
  assert.deepEqual([l.columns, l.rows, l.thumbWidth, l.thumbHeight], [10, 6, 320, 268]);
  assert.deepEqual([l.width, l.height], [10 * 324 + 4, 6 * 272 + 4]);
  assert.deepEqual(thumbnailAt(l, 0), [4, 4]);
  assert.deepEqual(thumbnailAt(l, 11), [4 + 324, 4 + 272]);
});
