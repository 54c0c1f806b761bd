import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  defaultCompressOutput,
  guessLengthUnit,
  inspectCompressInput,
  openCompressInput,
  parseLengthUnit,
  pointArrays,
  uncertaintyArrays,
  type OpenInputOptions,
} from '../../src/core/bodycompress/compressInputs';
import { openBodyCompress } from '../../src/core/bodycompress/reader';
import { metadataWithFps, writeFrames } from '../../src/core/bodycompress/writeFrames';
import { InputError } from '../../src/core/errors';
import { NdArray } from '../../src/core/numpy/ndarray';
import { writeNpy } from '../../src/core/numpy/npy';
import { writeNpz } from '../../src/core/numpy/npz';
import { cli } from '../helpers/cli';
import { runPython } from '../helpers/python';
import { tempDir } from '../helpers/tempDir';

const py = (code: string) => runPython(code);

/** Compresses with the core (what the CLI and the extension run) and decodes every frame. */
async function compressAndRead(input: string, options: OpenInputOptions = {}) {
  const out = join(await tempDir('compress'), 'out.xz');
  const source = await openCompressInput(input, options);
  try {
    await writeFrames(out, source, { metadata: source.metadata ?? null });
  } finally {
    await source.close();
  }
  const f = await openBodyCompress(out, { index: false });
  try {
    const frames: Map<string, unknown>[] = [];
    for await (const fr of f.frames()) frames.push(fr.values);
    return { frames, metadata: f.metadata, claimed: f.claimedFrames };
  } finally {
    await f.close();
  }
}

const arr = (frame: Map<string, unknown>, key: string) => frame.get(key) as NdArray;
const values = (a: NdArray) => Array.from(a.values() as Float32Array);

/** T frames of P people with V points: deterministic values in mm that are not all multiples of the step. */
function points(T: number, P: number, V: number, seed: number): Float32Array {
  return Float32Array.from({ length: T * P * V * 3 }, (_, i) => (((i * 7919 + seed * 104729) % 20011) - 10000) / 7.3);
}

/** Largest |decoded − expected|. */
function maxError(decoded: ArrayLike<number>, expected: ArrayLike<number>): number {
  assert.equal(decoded.length, expected.length);
  let max = 0;
  for (let i = 0; i < decoded.length; i++) max = Math.max(max, Math.abs(decoded[i]! - expected[i]!));
  return max;
}

test('npz with a time axis and the standard names: every array, person axis added, within half a step', async () => {
  const dir = await tempDir('compress');
  const [T, V, J] = [5, 40, 7];
  const v = points(T, 1, V, 1);
  const j = points(T, 1, J, 2);
  const vu = Float32Array.from({ length: T * V }, (_, i) => (i % 13) * 0.0017);
  await writeNpz(join(dir, 'seq.npz'), [
    ['vertices', NdArray.fromTyped(v, [T, V, 3])],
    ['joints', NdArray.fromTyped(j, [T, J, 3])],
    ['vertex_uncertainties', NdArray.fromTyped(vu, [T, V])],
    ['fps', NdArray.fromTyped(Float64Array.of(30), [])],
  ]);
  const info = await inspectCompressInput(join(dir, 'seq.npz'));
  assert.equal(info.layout, 'npz');
  assert.equal(info.standardNames, true);
  assert.deepEqual(info.roles, { vertices: 'vertices', joints: 'joints', vertex_uncertainties: 'vertex_uncertainties', joint_uncertainties: null });
  const r = await compressAndRead(join(dir, 'seq.npz'));
  assert.equal(r.frames.length, T);
  assert.equal(r.claimed, T);
  for (const [t, f] of r.frames.entries()) {
    assert.deepEqual([...f.keys()], ['vertices', 'joints', 'vertex_uncertainties']);
    assert.deepEqual([...arr(f, 'vertices').shape], [1, V, 3]);
    assert.ok(maxError(values(arr(f, 'vertices')), v.subarray(t * V * 3, (t + 1) * V * 3)) <= 0.25);
    assert.ok(maxError(values(arr(f, 'joints')), j.subarray(t * J * 3, (t + 1) * J * 3)) <= 0.25);
    assert.ok(maxError(values(arr(f, 'vertex_uncertainties')), vu.subarray(t * V, (t + 1) * V)) <= 0.00025 + 1e-7);
  }
});

test('other names and metres: suggested roles by alias, points scaled to mm, uncertainties kept in m', async () => {
  const dir = await tempDir('compress');
  const [T, P, V, J] = [3, 2, 30, 6];
  const vm = Float64Array.from(points(T, P, V, 3), (x) => x / 1000);
  const jm = Float64Array.from(points(T, P, J, 4), (x) => x / 1000);
  const ju = Float32Array.from({ length: T * P * J }, (_, i) => i * 0.001);
  await writeNpz(join(dir, 'nlf.npz'), [
    ['verts', NdArray.fromTyped(vm, [T, P, V, 3])],
    ['kp3d', NdArray.fromTyped(jm, [T, P, J, 3])],
    ['joint_uncertainty', NdArray.fromTyped(ju, [T, P, J])],
    ['boxes', NdArray.fromTyped(new Float32Array(T * P * 5), [T, P, 5])],
  ]);
  const info = await inspectCompressInput(join(dir, 'nlf.npz'));
  assert.equal(info.standardNames, false);
  assert.deepEqual(info.roles, { vertices: 'verts', joints: 'kp3d', vertex_uncertainties: null, joint_uncertainties: 'joint_uncertainty' });
  assert.deepEqual(
    pointArrays(info).map((a) => a.name),
    ['verts', 'kp3d'],
  );
  assert.deepEqual(
    uncertaintyArrays(info, info.arrays[1]).map((a) => a.name),
    ['joint_uncertainty'],
  );
  assert.deepEqual(await guessLengthUnit(join(dir, 'nlf.npz'), info.roles).then((g) => g?.unit), 'm');
  // Without roles the standard names are required, and the message lists what is there.
  await assert.rejects(
    openCompressInput(join(dir, 'nlf.npz')),
    (e: unknown) => e instanceof InputError && e.message.includes('has no "vertices" array (it has: verts, kp3d, joint_uncertainty, boxes)'),
  );
  const r = await compressAndRead(join(dir, 'nlf.npz'), { roles: info.roles, unit: 'm' });
  assert.equal(r.frames.length, T);
  for (const [t, f] of r.frames.entries()) {
    assert.deepEqual([...f.keys()], ['vertices', 'joints', 'joint_uncertainties']);
    assert.deepEqual([...arr(f, 'vertices').shape], [P, V, 3]);
    const mm = (a: Float64Array, n: number) => Array.from(a.subarray(t * n, (t + 1) * n), (x) => x * 1000);
    assert.ok(maxError(values(arr(f, 'vertices')), mm(vm, P * V * 3)) <= 0.25 + 1e-3);
    assert.ok(maxError(values(arr(f, 'joints')), mm(jm, P * J * 3)) <= 0.25 + 1e-3);
    assert.ok(maxError(values(arr(f, 'joint_uncertainties')), ju.subarray(t * P * J, (t + 1) * P * J)) <= 0.00025 + 1e-7);
  }
  // Shape-only suggestions when no name helps: the array with the most points is the vertices.
  await writeNpz(join(dir, 'anon.npz'), [
    ['a', NdArray.fromTyped(new Float32Array(T * 4 * 3), [T, 4, 3])],
    ['b', NdArray.fromTyped(new Float32Array(T * 9 * 3), [T, 9, 3])],
  ]);
  assert.deepEqual((await inspectCompressInput(join(dir, 'anon.npz'))).roles, {
    vertices: 'b',
    joints: 'a',
    vertex_uncertainties: null,
    joint_uncertainties: null,
  });
});

test('.npy of vertices, and a folder of per-frame .npz with other names and metadata.json', async () => {
  const dir = await tempDir('compress');
  const [T, V] = [4, 12];
  const v = points(T, 1, V, 5);
  await writeNpy(join(dir, 'verts.npy'), NdArray.fromTyped(v, [T, V, 3]));
  const info = await inspectCompressInput(join(dir, 'verts.npy'));
  assert.deepEqual([info.layout, info.roles.vertices, info.arrays[0]!.shape], ['npy', 'verts', [T, V, 3]]);
  const npy = await compressAndRead(join(dir, 'verts.npy'));
  assert.deepEqual([...arr(npy.frames[3]!, 'joints').shape], [1, 0, 3], 'joints are mandatory: an empty (1, 0, 3) array');
  assert.ok(maxError(values(arr(npy.frames[3]!, 'vertices')), v.subarray(3 * V * 3)) <= 0.25);

  const folder = join(dir, 'frames');
  await mkdir(folder);
  for (let t = 0; t < T; t++) {
    await writeNpz(join(folder, `f${t}.npz`), [
      ['mesh', NdArray.fromTyped(v.slice(t * V * 3, (t + 1) * V * 3), [V, 3])],
      ['vertices', NdArray.fromTyped(new Float32Array(6), [2, 3])], // not the chosen one: left out
      ['camera.loc', NdArray.fromTyped(Float32Array.of(t, 0, 0))],
    ]);
  }
  await writeFile(join(folder, 'metadata.json'), '{"fps": 25, "who": "test"}');
  const folderInfo = await inspectCompressInput(folder);
  // 'vertices' is there, but the other points array makes the joints a guess: the user is asked.
  assert.deepEqual([folderInfo.layout, folderInfo.standardNames, folderInfo.roles.vertices, folderInfo.roles.joints], ['folder', false, 'vertices', 'mesh']);
  assert.equal(folderInfo.frameFiles, T);
  assert.deepEqual(
    pointArrays(folderInfo).map((a) => a.name),
    ['mesh', 'vertices'],
  );
  const r = await compressAndRead(folder, { roles: { vertices: 'mesh' } });
  assert.deepEqual(
    r.metadata,
    new Map<string, unknown>([
      ['fps', 25],
      ['who', 'test'],
    ]),
  );
  assert.equal(r.frames.length, T);
  const last = r.frames[T - 1]!;
  assert.deepEqual([...last.keys()], ['camera', 'vertices', 'joints']);
  assert.deepEqual([...arr(last, 'vertices').shape], [V, 3]);
  assert.deepEqual([...arr(last, 'joints').shape], [0, 3]);
  assert.ok(maxError(values(arr(last, 'vertices')), v.subarray((T - 1) * V * 3)) <= 0.25);
  assert.equal(defaultCompressOutput(folder + '/'), join(dir, 'frames.xz'));
  assert.equal(defaultCompressOutput(join(dir, 'verts.npy')), join(dir, 'verts.xz'));
});

test("npz written by numpy (np.savez, np.savez_compressed): decoded values equal numpy's own quantization", async () => {
  const dir = await tempDir('compress');
  // numpy computes the expected values as the reference does (spec 5.2/5.3): steps = round half to even
  // of x * 2 (float32), back through integers to float32 / 2.
  const expected = JSON.parse(
    py(`
import numpy as np, json
rng = np.random.default_rng(7)
v = (rng.normal(size=(6, 2, 50, 3)) * 400).astype(np.float32)
v[0, 0, 0] = [0.25, 0.75, -1.25]  # ties: half to even
j = (rng.normal(size=(6, 2, 8, 3)) * 400).astype(np.float32)
np.savez('${dir}/plain.npz', vertices=v, joints=j)
np.savez_compressed('${dir}/packed.npz', vertices=v, joints=j)
q = lambda x: np.round(x * np.float32(2.0)).astype(np.int64).astype(np.float32) / np.float32(2.0)
print(json.dumps({'v': q(v).ravel().tolist(), 'j': q(j).ravel().tolist()}))`),
  );
  for (const name of ['plain', 'packed']) {
    const r = await compressAndRead(join(dir, `${name}.npz`));
    assert.equal(r.frames.length, 6);
    const v = r.frames.flatMap((f) => values(arr(f, 'vertices')));
    const j = r.frames.flatMap((f) => values(arr(f, 'joints')));
    assert.deepEqual(v, expected.v, `${name}: vertices`);
    assert.deepEqual(j, expected.j, `${name}: joints`);
  }
});

test('wrong shapes, NaN, unknown units, bad metadata: one clear message each, and no file left behind', async () => {
  const dir = await tempDir('compress');
  const bad = async (arrays: [string, NdArray][], re: RegExp, options: OpenInputOptions = {}) => {
    const input = join(dir, 'bad.npz');
    await writeNpz(input, arrays);
    const out = join(dir, 'out', 'bad.xz');
    await assert.rejects(
      (async () => {
        const s = await openCompressInput(input, options);
        try {
          await writeFrames(out, s);
        } finally {
          await s.close();
        }
      })(),
      (e: unknown) => e instanceof InputError && re.test(e.message),
    );
    assert.deepEqual(await readdir(join(dir, 'out')).catch(() => []), []);
  };
  const f = (n: number) => new Float32Array(n);
  await bad([['vertices', NdArray.fromTyped(f(2 * 5 * 2), [2, 5, 2])]], /vertices must be \(T, V, 3\) or \(T, P, V, 3\), not \(2, 5, 2\)/);
  await bad(
    [
      ['vertices', NdArray.fromTyped(f(2 * 5 * 3), [2, 5, 3])],
      ['joints', NdArray.fromTyped(f(3 * 4 * 3), [3, 4, 3])],
    ],
    /joints has shape \(3, 4, 3\), which does not match vertices \(2, 5, 3\)/,
  );
  await bad(
    [
      ['vertices', NdArray.fromTyped(f(2 * 5 * 3), [2, 5, 3])],
      ['vertex_uncertainties', NdArray.fromTyped(f(2 * 4), [2, 4])],
    ],
    /vertex_uncertainties must have one value per vertex/,
  );
  const nan = f(3 * 5 * 3);
  nan[2 * 15 + 4] = NaN;
  await bad([['vertices', NdArray.fromTyped(nan, [3, 5, 3])]], /^Frame 2: vertices holds NaN at \[0, 1, 1\]/);
  await bad([['points', NdArray.fromTyped(f(15), [1, 5, 3])]], /has no array named "pts" \(it has: points\)/, { roles: { vertices: 'pts' } });
  assert.throws(() => parseLengthUnit('cm'), /Unknown unit "cm": say mm or m/);
  assert.equal(parseLengthUnit(' Metres '), 'm');
  assert.throws(() => metadataWithFps([1, 2], 30), /must be a JSON object to record fps/);
  assert.throws(() => metadataWithFps(null, -1), /fps must be a positive number/);
  assert.deepEqual(
    metadataWithFps(new Map([['a', 1]]), 29.97),
    new Map<string, unknown>([
      ['a', 1],
      ['fps', 29.97],
    ]),
  );

  const folder = join(dir, 'frames');
  await mkdir(folder);
  await writeNpz(join(folder, 'frame_000000.npz'), [
    ['vertices', NdArray.fromTyped(f(2 * 4 * 3), [2, 4, 3])],
    ['joints', NdArray.fromTyped(f(3 * 1 * 3), [3, 1, 3])],
  ]);
  const s = await openCompressInput(folder);
  await assert.rejects(writeFrames(join(dir, 'out', 'folder.xz'), s), /frame_000000\.npz: joints \(3, 1, 3\) do not match vertices \(2, 4, 3\)/);
  assert.deepEqual(await readdir(join(dir, 'out')), []);
});

test('cancelling compress stops at once and removes the temporary file', async () => {
  const dir = await tempDir('compress');
  await writeNpz(join(dir, 'in.npz'), [['vertices', NdArray.fromTyped(points(50, 1, 100, 9), [50, 100, 3])]]);
  const abort = new AbortController();
  const s = await openCompressInput(join(dir, 'in.npz'));
  let last = 0;
  try {
    await assert.rejects(
      writeFrames(join(dir, 'in.xz'), s, {
        signal: abort.signal,
        onProgress: (p) => {
          last = p.done;
          if (p.done === 10) abort.abort();
        },
      }),
      (e: unknown) => (e as Error).name === 'AbortError',
    );
  } finally {
    await s.close();
  }
  assert.equal(last, 10);
  assert.deepEqual(await readdir(dir), ['in.npz']);
});

test('cancelling while the output is verified replaces nothing: an existing file stays as it was', async () => {
  const dir = await tempDir('compress');
  await writeNpz(join(dir, 'in.npz'), [['vertices', NdArray.fromTyped(points(5, 1, 100, 4), [5, 100, 3])]]);
  await writeFile(join(dir, 'in.xz'), 'the earlier output');
  const abort = new AbortController();
  const s = await openCompressInput(join(dir, 'in.npz'));
  try {
    await assert.rejects(
      writeFrames(join(dir, 'in.xz'), s, { signal: abort.signal, onProgress: (p) => p.verifying && abort.abort() }),
      (e: unknown) => (e as Error).name === 'AbortError',
    );
  } finally {
    await s.close();
  }
  assert.equal(await readFile(join(dir, 'in.xz'), 'utf8'), 'the earlier output');
  assert.deepEqual((await readdir(dir)).sort(), ['in.npz', 'in.xz']);
});

test('bodycap compress: --units, array names, --fps, default output, and --force to replace', async () => {
  const dir = await tempDir('compress');
  const vm = Float64Array.from(points(2, 1, 10, 11), (x) => x / 1000);
  await writeNpz(join(dir, 'take.npz'), [['verts', NdArray.fromTyped(vm, [2, 10, 3])]]);
  const missing = await cli('compress', join(dir, 'take.npz'));
  assert.equal(missing.code, 2);
  assert.match(missing.err, /no "vertices" array \(it has: verts\)/);
  const r = await cli('compress', join(dir, 'take.npz'), '--vertices', 'verts', '--units', 'm', '--fps', '30', '--json');
  assert.equal(r.code, 0, r.err);
  assert.equal(JSON.parse(r.out).out, join(dir, 'take.xz'));
  const f = await openBodyCompress(join(dir, 'take.xz'), { index: false });
  try {
    assert.deepEqual(f.metadata, new Map([['fps', 30]]));
    const first = await f.frames().next();
    const v = values(arr(first.value!.values, 'vertices'));
    assert.ok(
      maxError(
        v,
        Array.from(vm.subarray(0, 30), (x) => x * 1000),
      ) <=
        0.25 + 1e-3,
    );
  } finally {
    await f.close();
  }
  const before = await readFile(join(dir, 'take.xz'));
  const refused = await cli('compress', join(dir, 'take.npz'), '--vertices', 'verts');
  assert.equal(refused.code, 2);
  assert.match(refused.err, /take\.xz already exists; add --force/);
  assert.deepEqual(await readFile(join(dir, 'take.xz')), before);
  const unit = await cli('compress', join(dir, 'take.npz'), '--vertices', 'verts', '--units', 'inches', '--force');
  assert.equal(unit.code, 2);
  assert.match(unit.err, /Unknown unit "inches"/);
  const forced = await cli('compress', join(dir, 'take.npz'), '--vertices', 'verts', '--force');
  assert.equal(forced.code, 0, forced.err);
  assert.notDeepEqual(await readFile(join(dir, 'take.xz')), before, 'replaced: now in mm as given, without fps');
});
