import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writePly } from '../../src/core/writers/ply';
import { tempDir } from '../helpers/tempDir';

/*
 * A PLY header is ASCII, and readers decode it strictly (meshio as UTF-8, plyfile as ASCII): an
 * export from a folder named with "é" or "数据" must still write a header every reader opens. The
 * comment keeps those characters as \uXXXX escapes.
 */

test('a PLY comment with non-ASCII characters is written as ASCII escapes', async () => {
  const dir = await tempDir('plyascii');
  const source = '/data/Séance 数据/take 😀\tone\nframe 3 person 0 (mm)';
  const path = join(dir, 'mesh.ply');
  await writePly(path, { vertices: Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9), faces: Uint32Array.of(0, 1, 2), comment: source });
  const bytes = await readFile(path);
  const end = bytes.indexOf('end_header\n') + 'end_header\n'.length;
  const header = bytes.subarray(0, end);
  const outside = [...header].filter((b) => b > 0x7e || (b < 0x20 && b !== 0x0a));
  assert.deepEqual(outside, [], 'every header byte is printable ASCII or a line break');
  // What meshio does (UTF-8, strict) and what plyfile does (ASCII) both succeed.
  const text = new TextDecoder('utf-8', { fatal: true }).decode(header);
  assert.equal(Buffer.from(text, 'ascii').toString('ascii'), text);
  const lines = text.split('\n');
  assert.deepEqual(lines.slice(0, 2), ['ply', 'format binary_little_endian 1.0']);
  const comment = lines[2]!;
  assert.equal(comment, String.raw`comment /data/S\u00e9ance \u6570\u636e/take \ud83d\ude00\u0009one frame 3 person 0 (mm)`);
  // The escapes are JSON's: the path reads back exactly (the line break became a space).
  assert.equal(JSON.parse(`"${comment.slice('comment '.length)}"`), source.replace('\n', ' '));
  assert.deepEqual(lines.slice(3), [
    'element vertex 3',
    'property float x',
    'property float y',
    'property float z',
    'element face 1',
    'property list uchar int vertex_indices',
    'end_header',
    '',
  ]);
  assert.equal(bytes.length, end + 3 * 12 + 13);
  assert.equal(bytes.readFloatLE(end + 4 * 8), 9);
});
