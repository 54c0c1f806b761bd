import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { defaultConvertOutput, openSmcConversion } from '../../src/core/bodycompress/fromSmc';
import { toJsonValue } from '../../src/core/bodycompress/pyValues';
import { openBodyCompress } from '../../src/core/bodycompress/reader';
import { writeFrames } from '../../src/core/bodycompress/writeFrames';
import { InputError } from '../../src/core/errors';
import type { NdArray } from '../../src/core/numpy/ndarray';
import { SmcPerformance } from '../../src/core/smc/smcPerformance';
import { cli } from '../helpers/cli';
import { expectedJson, fixturePath } from '../helpers/fixtures';
import { writeSmc } from '../helpers/smcWriter';
import { tempDir } from '../helpers/tempDir';

const smc = (name: string) => fixturePath('smc', `${name}.smc`);
/** Half of the 0.5 mm step, plus float32 rounding of values of a few hundred mm. */
const TOLERANCE_MM = 0.25 + 1e-3;

/** Converts an SMC with the core (as the CLI and the extension do) and decodes every frame. */
async function convertAndRead(path: string, options: Parameters<typeof openSmcConversion>[1] = {}) {
  const out = join(await tempDir('convert'), 'out.xz');
  const conversion = await openSmcConversion(path, options);
  try {
    await writeFrames(out, conversion, { metadata: conversion.metadata });
  } finally {
    await conversion.close();
  }
  const file = await openBodyCompress(out, { index: false });
  try {
    const frames: { vertices: NdArray; joints: NdArray }[] = [];
    for await (const f of file.frames()) {
      frames.push({ vertices: f.values.get('vertices') as NdArray, joints: f.values.get('joints') as NdArray });
    }
    return { out, conversion, frames, metadata: toJsonValue(file.metadata, Infinity) as Record<string, unknown>, claimed: file.claimedFrames };
  } finally {
    await file.close();
  }
}

/** Largest |decoded − metres × 1000| over all points. */
function maxErrorMm(decoded: NdArray, metres: ArrayLike<number>): number {
  const d = decoded.values() as Float32Array;
  assert.equal(d.length, metres.length, 'point count');
  let max = 0;
  for (let i = 0; i < d.length; i++) max = Math.max(max, Math.abs(d[i]! - metres[i]! * 1000));
  return max;
}

test('expression part: FLAME verts as vertices and Keypoints3d as joints, in mm within half a step of the SMC', async () => {
  const exp = expectedJson('smc', '0026_e0_anno');
  const r = await convertAndRead(smc('0026_e0_anno'));
  assert.equal(r.conversion.kind, 'flame');
  assert.equal(r.frames.length, exp.camera_info.num_frame);
  assert.equal(r.claimed, exp.camera_info.num_frame);
  const perf = await SmcPerformance.open(smc('0026_e0_anno'));
  try {
    for (const [t, f] of r.frames.entries()) {
      const flame = (await perf.flame(t))!;
      const kp = (await perf.keypoints3d(t))!;
      assert.deepEqual([...f.vertices.shape], [1, ...exp.flame.keys.verts.shape]);
      assert.deepEqual([...f.joints.shape], [1, ...exp.keypoints3d.point_shape]);
      assert.ok(maxErrorMm(f.vertices, flame.verts!.data) <= TOLERANCE_MM, `frame ${t} vertices`);
      assert.ok(maxErrorMm(f.joints, kp.data) <= TOLERANCE_MM, `frame ${t} joints`);
    }
  } finally {
    perf.close();
  }
  // The reference's own samples of the SMC, read back from the BodyCompress file.
  for (const s of exp.flame.samples) {
    const v = r.frames[s.frame]!.vertices.values() as Float32Array;
    s.verts_first.forEach((x: number, c: number) => assert.ok(Math.abs(v[c]! - x * 1000) <= TOLERANCE_MM, `verts_first[${c}] of frame ${s.frame}`));
    const sum = v.reduce((a, x) => a + x, 0);
    assert.ok(Math.abs(sum - s.verts_sum * 1000) <= v.length * TOLERANCE_MM, `verts_sum of frame ${s.frame}`);
  }
  for (const s of exp.keypoints3d.samples) {
    const j = r.frames[s.frame]!.joints.values() as Float32Array;
    (s.first3 as number[][]).flat().forEach((x, i) => assert.ok(Math.abs(j[i]! - x * 1000) <= TOLERANCE_MM, `keypoint value ${i} of frame ${s.frame}`));
  }
  assert.deepEqual(r.metadata, {
    source: 'RenderMe360 SMC',
    performance: `${exp.root_attrs.actor_id}_${exp.root_attrs.performance_part}`,
    actor_id: exp.root_attrs.actor_id,
    performance_part: exp.root_attrs.performance_part,
    capture_date: exp.root_attrs.capture_date,
    fps: 30,
    units: 'mm',
    vertices: 'FLAME verts',
    joints: 'Keypoints3d',
    source_files: ['0026_e0_anno.smc', '0026_e0_raw.smc'],
    n_frames: exp.camera_info.num_frame,
  });
});

for (const name of ['0026_h0_anno', '0026_s1_all_raw']) {
  test(`${name}: no FLAME, so the 3D keypoints are both vertices and joints`, async () => {
    const exp = expectedJson('smc', name.replace('_raw', '_anno'));
    const r = await convertAndRead(smc(name), { fps: 25 });
    assert.equal(r.conversion.kind, 'keypoints');
    assert.equal(r.frames.length, exp.camera_info.num_frame);
    assert.equal(r.metadata.vertices, 'Keypoints3d');
    assert.equal(r.metadata.fps, 25);
    assert.ok(!('missing_frames' in r.metadata));
    const perf = await SmcPerformance.open(smc(name));
    try {
      for (const [t, f] of r.frames.entries()) {
        const kp = (await perf.keypoints3d(t))!;
        assert.deepEqual([...f.joints.shape], [1, ...exp.keypoints3d.point_shape]);
        assert.deepEqual(f.vertices.values(), f.joints.values());
        assert.ok(maxErrorMm(f.joints, kp.data) <= TOLERANCE_MM, `frame ${t}`);
      }
    } finally {
      perf.close();
    }
    for (const s of exp.keypoints3d.samples) {
      const j = r.frames[s.frame]!.joints.values() as Float32Array;
      const sum = j.reduce((a, x) => a + x, 0);
      assert.ok(Math.abs(sum - s.sum * 1000) <= j.length * TOLERANCE_MM, `sum of frame ${s.frame}`);
      (s.first3 as number[][]).flat().forEach((x, i) => assert.ok(Math.abs(j[i]! - x * 1000) <= TOLERANCE_MM));
    }
  });
}

test('a raw file converts through its anno partner; alone it has nothing to convert and says why', async () => {
  const r = await convertAndRead(smc('0026_e0_raw'));
  assert.equal(r.conversion.kind, 'flame');
  assert.equal(r.frames[0]!.vertices.shape[1], 5023);
  await assert.rejects(
    openSmcConversion(smc('0026_e0_raw'), { partner: null }),
    (e: unknown) => e instanceof InputError && /no FLAME vertices and no 3D keypoints.*anno file, which was not found/.test(e.message),
  );
  await assert.rejects(openSmcConversion(smc('not_an_smc')), (e: unknown) => e instanceof InputError && e.code === 'not-smc');
  await assert.rejects(openSmcConversion(smc('broken_truncated')), (e: unknown) => e instanceof InputError && e.code === 'truncated');
  await assert.rejects(openSmcConversion(smc('0026_e0_anno'), { fps: 0 }), /fps must be a positive number/);
});

/** A small FLAME frame: `verts` of V points (metres), plus a parameter that must not be converted. */
function flameFrame(V: number, t: number, poison?: number) {
  const verts = Float64Array.from({ length: V * 3 }, (_, i) => 0.001 * ((i * 37 + t * 11) % 400) - 0.2);
  if (poison !== undefined) verts[poison] = NaN;
  return { verts: { data: verts, shape: [V, 3] }, exp: { data: new Float64Array(50), shape: [50] } };
}

test('gaps: a frame without FLAME or landmarks keeps its number, gets 0 points and is listed in the metadata', async () => {
  const dir = await tempDir('convert');
  const path = join(dir, '0099_e2_anno.smc');
  const kp = (t: number) => Float64Array.from({ length: 106 * 3 }, (_, i) => 0.0005 * i + t * 0.01);
  await writeSmc(path, {
    part: 'e2',
    numFrame: 4,
    flame: { 0: flameFrame(20, 0), 2: flameFrame(20, 2), 3: flameFrame(20, 3) },
    keypoints3d: { 0: kp(0), 1: kp(1), 2: new Float64Array(0), 3: kp(3) },
  });
  const r = await convertAndRead(path);
  assert.equal(r.conversion.kind, 'flame');
  assert.deepEqual(
    r.frames.map((f) => [f.vertices.shape[1], f.joints.shape[1]]),
    [
      [20, 106],
      [0, 106],
      [20, 0],
      [20, 106],
    ],
  );
  assert.deepEqual(r.metadata.missing_frames, { flame: [1], keypoints3d: [2] });
  assert.deepEqual(r.metadata.source_files, ['0099_e2_anno.smc']);
  assert.ok(maxErrorMm(r.frames[3]!.vertices, flameFrame(20, 3).verts.data) <= TOLERANCE_MM);
  assert.ok(maxErrorMm(r.frames[1]!.joints, kp(1)) <= TOLERANCE_MM);
});

test('NaN in FLAME verts and wrongly shaped keypoints: a clear error naming the dataset, and no file', async () => {
  const dir = await tempDir('convert');
  const nan = join(dir, '0099_e1_anno.smc');
  await writeSmc(nan, { part: 'e1', numFrame: 3, flame: { 0: flameFrame(10, 0), 1: flameFrame(10, 1), 2: flameFrame(10, 2, 13) } });
  const c = await openSmcConversion(nan);
  const out = join(dir, 'nan.xz');
  try {
    await assert.rejects(
      writeFrames(out, c, { metadata: c.metadata }),
      (e: unknown) => e instanceof InputError && e.code === 'invalid-value' && e.message.includes('/FLAME/2/verts holds NaN at point 4'),
    );
  } finally {
    await c.close();
  }
  assert.deepEqual((await readdir(dir)).sort(), ['0099_e1_anno.smc']);

  const flat = join(dir, '0099_e3_anno.smc');
  await writeSmc(flat, { part: 'e3', numFrame: 1, flame: { 0: { verts: { data: new Float64Array(30), shape: [15, 2] } } } });
  await assert.rejects(
    openSmcConversion(flat),
    (e: unknown) => e instanceof InputError && e.message === '0099_e3_anno.smc: /FLAME/0/verts has shape (15, 2); expected (points, 3)',
  );
});

test('a damaged frame key far beyond num_frame is refused, not turned into millions of empty frames', async () => {
  const dir = await tempDir('convert');
  const path = join(dir, '0099_e4_anno.smc');
  const kp = Float64Array.from({ length: 106 * 3 }, (_, i) => 0.0005 * i);
  await writeSmc(path, { part: 'e4', numFrame: 2, keypoints3d: { 0: kp, 123456789: kp } });
  await assert.rejects(
    openSmcConversion(path),
    (e: unknown) =>
      e instanceof InputError && e.code === 'corrupt' && e.message.includes('/Keypoints3d/123456789 is frame 123456789; an SMC holds at most 1,000,000 frames'),
  );
});

test('cancelling a conversion leaves no file, also not a temporary one', async () => {
  const dir = await tempDir('convert');
  const out = join(dir, 'cancelled.xz');
  const c = await openSmcConversion(smc('0026_e0_anno'));
  const abort = new AbortController();
  try {
    await assert.rejects(
      writeFrames(out, c, { metadata: c.metadata, signal: abort.signal, onProgress: (p) => p.done === 1 && abort.abort() }),
      (e: unknown) => (e as Error).name === 'AbortError',
    );
  } finally {
    await c.close();
  }
  assert.deepEqual(await readdir(dir), []);
});

test('bodycap convert: default name next to the input, refuses to replace without --force, --json result', async () => {
  const dir = await tempDir('convert');
  const exp = expectedJson('smc', '0026_h0_anno');
  const out = join(dir, 'h0.xz');
  const r = await cli('convert', smc('0026_h0_anno'), '--out', out, '--json', '--fps', '24');
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  assert.deepEqual([j.out, j.frames, j.kind, j.vertices, j.joints], [out, exp.camera_info.num_frame, 'keypoints', 106, 106]);
  const before = (await stat(out)).mtimeMs;
  const again = await cli('convert', smc('0026_h0_anno'), '--out', out);
  assert.equal(again.code, 2);
  assert.match(again.err, /already exists; add --force/);
  assert.equal((await stat(out)).mtimeMs, before);
  const forced = await cli('convert', smc('0026_h0_anno'), '--out', out, '--force', '--fps', '50');
  assert.equal(forced.code, 0, forced.err);
  assert.match(forced.out, /Wrote .*h0\.xz: 4 frames/);
  const f = await openBodyCompress(out, { index: false });
  try {
    assert.equal((f.metadata as Map<string, unknown>).get('fps'), 50);
  } finally {
    await f.close();
  }
  assert.equal(defaultConvertOutput('/data/0026_h0_anno.smc', '0026_h0'), join('/data', '0026_h0.xz'));
  const bad = await cli('convert', smc('not_an_smc'), '--out', join(dir, 'x.xz'));
  assert.equal(bad.code, 2);
  assert.equal(bad.err.trim().split('\n').length, 1);
  assert.equal((await cli('convert', smc('0026_h0_anno'), '--fps', 'fast')).code, 2);
});
