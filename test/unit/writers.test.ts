import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatFloat32, writeObj } from '../../src/core/writers/obj';
import { writePly } from '../../src/core/writers/ply';
import { tempDir } from '../helpers/tempDir';

const vertices = Float32Array.of(0, 0, 0, 1000.25, -2.5, 0.1, 3, 4, 5);
const faces = Uint32Array.of(0, 1, 2);

/** Minimal PLY reader: header lines, then little-endian float32 xyz and uchar+int32 faces. */
function readPly(buf: Buffer) {
  const end = buf.indexOf('end_header\n') + 'end_header\n'.length;
  const header = buf.toString('latin1', 0, end).split('\n');
  const nv = Number(header.find((l) => l.startsWith('element vertex'))!.split(' ')[2]);
  const nf = Number(header.find((l) => l.startsWith('element face'))?.split(' ')[2] ?? 0);
  const v = Array.from({ length: nv * 3 }, (_, i) => buf.readFloatLE(end + i * 4));
  const f: number[] = [];
  for (let k = 0, p = end + nv * 12; k < nf; k++, p += 13) {
    assert.equal(buf[p], 3);
    f.push(buf.readInt32LE(p + 1), buf.readInt32LE(p + 5), buf.readInt32LE(p + 9));
  }
  assert.equal(buf.length, end + nv * 12 + nf * 13, 'no bytes after the last element');
  return { header, v, f };
}

test('binary PLY with and without faces reads back exactly', async () => {
  const dir = await tempDir('ply');
  await writePly(join(dir, 'mesh.ply'), { vertices, faces, comment: 'test\nmesh' });
  await writePly(join(dir, 'points.ply'), { vertices });
  const mesh = readPly(await readFile(join(dir, 'mesh.ply')));
  assert.equal(mesh.header[1], 'format binary_little_endian 1.0');
  assert.ok(mesh.header.includes('comment test mesh'));
  assert.deepEqual(mesh.v, Array.from(vertices));
  assert.deepEqual(mesh.f, [0, 1, 2]);
  const points = readPly(await readFile(join(dir, 'points.ply')));
  assert.ok(!points.header.some((l) => l.startsWith('element face')));
  await assert.rejects(writePly(join(dir, 'bad.ply'), { vertices, faces: [0, 1, 3] }), /refers to vertex 3/);
  assert.deepEqual((await readdir(dir)).sort(), ['mesh.ply', 'points.ply']);
});

test('OBJ text uses the shortest float32 decimals and 1-based faces', async () => {
  const dir = await tempDir('obj');
  await writeObj(join(dir, 'mesh.obj'), { vertices, faces });
  const lines = (await readFile(join(dir, 'mesh.obj'), 'utf8')).trim().split('\n');
  assert.deepEqual(lines, ['v 0 0 0', 'v 1000.25 -2.5 0.1', 'v 3 4 5', 'f 1 2 3']);
  for (const x of [0.1, 1 / 3, 1e-7, 123456.789, -3.4e38]) {
    const s = formatFloat32(x);
    assert.equal(Math.fround(Number(s)), Math.fround(x), s);
    assert.ok(s.replace(/^-/, '').replace('.', '').replace(/e.*$/, '').replace(/^0+/, '').length <= 9, s);
  }
});
