import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cli } from '../helpers/cli';
import { openBodyCompress } from '../../src/core/bodycompress/reader';
import { NdArray } from '../../src/core/numpy/ndarray';
import { NpzReader, writeNpz } from '../../src/core/numpy/npz';
import { assertTypedJson } from '../helpers/bodycompressExpected';
import { expectedJson, fixturePath } from '../helpers/fixtures';
import { tempDir } from '../helpers/tempDir';
import { runPython } from '../helpers/python';

const bc = (name: string) => fixturePath('bodycompress', `${name}.xz`);

test('info --json: counted frames, keys, people, blocks and sizes', async () => {
  const exp = expectedJson('bodycompress', 'multi_person_varying');
  const r = await cli('info', bc('multi_person_varying'), '--json');
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  assert.equal(j.format, 'bodycompress');
  assert.deepEqual(j.version, [0, 2, 1]);
  assert.equal(j.length, exp.header.length);
  assert.equal(j.frames, exp.n_frames);
  assert.equal(j.metadata.n_frames, exp.metadata.n_frames);
  assert.deepEqual(j.keys, exp.frames[0].keys);
  const people = exp.frames.map((f: { values: { vertices: { shape: number[] } } }) => f.values.vertices.shape[0]);
  assert.deepEqual(j.persons, { min: Math.min(...people), max: Math.max(...people) });
  assert.equal(j.blocks, 1);
  assert.equal(j.fileSize, exp.file.size);
  assert.equal(j.uncompressedBytes, exp.wire.data_msgpack_size);
  assert.equal(j.compressedBytes, exp.file.size - exp.data_start);
  const legacy = JSON.parse((await cli('info', bc('legacy_v010'), '--json')).out);
  assert.equal(legacy.version, null);
  assert.equal(legacy.frames, expectedJson('bodycompress', 'legacy_v010').n_frames);
  const cut = await cli('info', bc('truncated_single_person'), '--json');
  assert.equal(JSON.parse(cut.out).complete, false);
  assert.equal(cut.code, 2, 'a truncated file exits 2 so batch checks notice');
  assert.match(cut.err, /truncated after frame 15/);
  const human = await cli('info', bc('long_300f_multiblock'));
  assert.match(human.out, /Frames\s+300 \(header: 300\)/);
  assert.match(human.out, /xz blocks\s+2 \(random access by block\)/);
});

test('export npz then compress the folder: the reference msgpack again', async () => {
  const exp = expectedJson('bodycompress', 'tiny_full_1024v');
  const dir = await tempDir('cli');
  const r = await cli('export', bc('tiny_full_1024v'), '--out', join(dir, 'frames'), '--json');
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(JSON.parse(r.out), { out: join(dir, 'frames'), format: 'npz', frames: 3, files: 4 });
  assert.deepEqual(await readdir(join(dir, 'frames')), ['frame_000000.npz', 'frame_000001.npz', 'frame_000002.npz', 'metadata.json']);
  const z = await NpzReader.open(join(dir, 'frames', 'frame_000001.npz'));
  try {
    assert.deepEqual(z.names, [
      'boxes',
      'camera.rotvec_w2c',
      'camera.loc',
      'camera.intr',
      'camera.up',
      'vertices',
      'joints',
      'vertex_uncertainties',
      'joint_uncertainties',
    ]);
    assertTypedJson(await z.read('vertices'), exp.frames[1].values.vertices, 'vertices');
    assertTypedJson(await z.read('camera.intr'), exp.frames[1].values.camera.intr, 'camera.intr');
  } finally {
    z.close();
  }
  const c = await cli('compress', join(dir, 'frames'), '--out', join(dir, 'again.xz'));
  assert.equal(c.code, 0, c.err);
  const f = await openBodyCompress(join(dir, 'again.xz'));
  try {
    assert.equal((await f.verifyData()).sha256, exp.wire.data_msgpack_sha256);
  } finally {
    await f.close();
  }
});

test('export ply/obj: one file per person and frame in the range', async () => {
  const exp = expectedJson('bodycompress', 'multi_person_varying');
  const dir = await tempDir('cli');
  const r = await cli('export', bc('multi_person_varying'), '--out', dir, '--format', 'ply', '--frames', '8:16:2');
  assert.equal(r.code, 0, r.err);
  const expected = [8, 10, 12, 14].flatMap((i) =>
    Array.from({ length: exp.frames[i].values.vertices.shape[0] }, (_, p) => `frame_${String(i).padStart(6, '0')}_person_${p}.ply`),
  );
  assert.deepEqual((await readdir(dir)).filter((n) => n.endsWith('.ply')).sort(), expected.sort());
  const o = await cli('export', bc('worked_example'), '--out', join(dir, 'obj'), '--format', 'obj');
  assert.equal(o.code, 0, o.err);
  assert.ok((await readdir(join(dir, 'obj'))).includes('frame_000000_person_0.obj'));
});

test('compress .npz arrays with a time axis; bad input exits 2 with one line and leaves no file', async () => {
  const dir = await tempDir('cli');
  const T = 4;
  const v = Float32Array.from({ length: T * 2 * 5 * 3 }, (_, i) => (i % 7) * 10.5 - 30.5);
  const j = Float32Array.from({ length: T * 2 * 2 * 3 }, (_, i) => i * 0.5);
  await writeNpz(join(dir, 'in.npz'), [
    ['vertices', NdArray.fromTyped(v, [T, 2, 5, 3])],
    ['joints', NdArray.fromTyped(j, [T, 2, 2, 3])],
  ]);
  const r = await cli('compress', join(dir, 'in.npz'), '--out', join(dir, 'out.xz'), '--metadata', '{"fps": 30}', '--block-frames', '2', '--json');
  assert.equal(r.code, 0, r.err);
  assert.equal(JSON.parse(r.out).frames, T);
  const f = await openBodyCompress(join(dir, 'out.xz'));
  try {
    assert.deepEqual(f.metadata, new Map([['fps', 30]]));
    await f.layoutReady();
    assert.equal(f.blockCount, 2);
    const last = (await f.getFrame(3)).values.get('vertices') as NdArray;
    assert.deepEqual([...last.shape], [2, 5, 3]);
    assert.deepEqual(Array.from(last.values() as Float32Array), Array.from(v.subarray(3 * 30)));
  } finally {
    await f.close();
  }
  v[40] = Infinity;
  await writeNpz(join(dir, 'bad.npz'), [['vertices', NdArray.fromTyped(v, [T, 2, 5, 3])]]);
  const bad = await cli('compress', join(dir, 'bad.npz'), '--out', join(dir, 'bad.xz'));
  assert.equal(bad.code, 2);
  assert.equal(bad.err.trim().split('\n').length, 1);
  assert.match(bad.err, /Frame 1: vertices holds Infinity/);
  assert.ok(!(await readdir(dir)).some((n) => n.startsWith('bad.xz') || n.startsWith('.bad.xz')));
  const notBc = await cli('export', bc('not_bodycompress'), '--out', join(dir, 'x'));
  assert.equal(notBc.code, 2);
  assert.match(notBc.err, /not a BodyCompress file/);
  assert.equal((await cli('compress', join(dir, 'missing.npz'), '--out', join(dir, 'm.xz'))).code, 2);
  assert.equal((await cli('export', bc('worked_example'))).code, 2); // no --out
});

test('export --faces: OBJ meshes carry the template faces numpy saved; faces that do not fit are said once and left out; npz refuses --faces', async () => {
  const dir = await tempDir('cli');
  // A 32 × 32 grid (tiny_full_1024v's 1,024 vertices) and a 40 × 40 one that does not fit, saved by numpy.
  const info = JSON.parse(
    runPython(`
import json, numpy as np
def grid(n):
    r, c = np.meshgrid(np.arange(n - 1), np.arange(n - 1), indexing='ij')
    a = (r * n + c).ravel()
    return np.stack([a, a + 1, a + n, a + 1, a + n + 1, a + n], 1).reshape(-1, 3).astype(np.int64)
np.save(${JSON.stringify(join(dir, 'fits.npy'))}, grid(32))
np.save(${JSON.stringify(join(dir, 'too_big.npy'))}, grid(40))
print(json.dumps({'faces': len(grid(32)), 'first': (grid(32)[0] + 1).tolist()}))
`),
  ) as { faces: number; first: number[] };
  const r = await cli('export', bc('tiny_full_1024v'), '--out', join(dir, 'obj'), '--format', 'obj', '--frames', '0:1', '--faces', join(dir, 'fits.npy'));
  assert.equal(r.code, 0, r.err);
  const obj = await readFile(join(dir, 'obj', 'frame_000000_person_0.obj'), 'utf8');
  const faceLines = obj.split('\n').filter((l) => l.startsWith('f '));
  assert.equal(faceLines.length, info.faces);
  assert.equal(faceLines[0], `f ${info.first.join(' ')}`);

  const bad = await cli('export', bc('tiny_full_1024v'), '--out', join(dir, 'bad'), '--format', 'obj', '--frames', '0:2', '--faces', join(dir, 'too_big.npy'));
  assert.equal(bad.code, 0, bad.err);
  assert.equal(bad.err.match(/warning: meshes of 1,024 vertices are written without faces/g)?.length, 1, bad.err);
  assert.ok(!(await readFile(join(dir, 'bad', 'frame_000000_person_0.obj'), 'utf8')).includes('\nf '));

  const npz = await cli('export', bc('tiny_full_1024v'), '--out', join(dir, 'npz'), '--faces', join(dir, 'fits.npy'));
  assert.equal(npz.code, 2);
  assert.match(npz.err, /--faces applies to --format ply or obj/);
});
