// The SMC editor's host side: request validation, what each request returns on the reference
// fixtures (values from their .expected.json), the audio track, and the structure view.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../../src/core/errors';
import { wavByteLength } from '../../src/core/writers/wav';
import { buildAudioTrack } from '../../src/extension/smc/smcAudio';
import { frameParam, hdf5PathParam, intParam, oneOfParam, ParamError, textParam } from '../../src/extension/kit/requestParams';
import { meanPointDistance } from '../../src/extension/smc/smcReprojection';
import { closeSmcSource, openSmcSource, SmcSession } from '../../src/extension/smc/smcSession';
import { attributeText } from '../../src/extension/smc/smcStructure';
import { expectedJson, fixturePath } from '../helpers/fixtures';
import { tempDir } from '../helpers/tempDir';
import { sha256 } from '../helpers/extractTree';
import type { ReferenceDataset } from '../helpers/hdf5Inventory';

const near = (a: number, b: number, tol = 1e-5) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

async function session(name: string): Promise<SmcSession> {
  return new SmcSession(await openSmcSource(fixturePath('smc', `${name}.smc`)));
}

describe('request parameters from the webview are validated', () => {
  test('integers and frames', () => {
    assert.equal(intParam({ n: 3 }, 'n', 0, 5), 3);
    for (const bad of [{ n: 3.5 }, { n: '3' }, { n: Number.NaN }, { n: -1 }, { n: 6 }, {}, null, 'x', [3]]) {
      assert.throws(() => intParam(bad, 'n', 0, 5), ParamError, JSON.stringify(bad));
    }
    assert.equal(frameParam({ frame: 2 }, 3), 2);
    assert.throws(() => frameParam({ frame: 3 }, 3), /outside 0\.\.2/);
    assert.throws(() => frameParam({ frame: 0 }, 0), /no frames/);
  });

  test('names from a fixed set, paths and text', () => {
    assert.equal(oneOfParam({ camera: '25' }, 'camera', ['00', '25']), '25');
    assert.throws(() => oneOfParam({ camera: '5' }, 'camera', ['00', '25']), /No camera "5"/);
    assert.throws(() => oneOfParam({ camera: 25 }, 'camera', ['00', '25']), ParamError);
    assert.throws(() => oneOfParam({ camera: '__proto__' }, 'camera', ['00']), ParamError);
    assert.equal(hdf5PathParam({ path: '/' }), '/');
    assert.equal(hdf5PathParam({ path: '/Camera/00' }), '/Camera/00');
    for (const bad of ['', 'Camera', '/Camera/', '/a//b', '/a/../b', '/./a', 'x'.repeat(2000)]) {
      assert.throws(() => hdf5PathParam({ path: bad }), ParamError, bad);
    }
    assert.equal(textParam({ text: 'abc' }, 'text', 3), 'abc');
    assert.throws(() => textParam({ text: 'abcd' }, 'text', 3), ParamError);
  });
});

describe('an anno SMC opened with its raw partner', () => {
  const anno = expectedJson('smc', '0026_e0_anno');
  const raw = expectedJson('smc', '0026_e0_raw');
  let s: SmcSession;
  before(async () => {
    s = await session('0026_e0_anno');
  });
  after(() => closeSmcSource(s.source));

  test('info names both files; contents span both', async () => {
    const info = s.info();
    assert.equal(info.kind, 'smc');
    if (info.kind !== 'smc') return;
    assert.deepEqual(
      info.files.map((f) => [f.name, f.kind, f.role]),
      [
        ['0026_e0_anno.smc', 'anno', 'opened'],
        ['0026_e0_raw.smc', 'raw', 'partner'],
      ],
    );
    assert.equal(info.partnerNote, null);
    const c = await s.handlers.contents(null);
    assert.deepEqual(
      c.cameras.map((r) => r.id),
      anno.cameras.ids,
    );
    assert.equal(c.frameCount, anno.camera_info.num_frame);
    assert.ok(c.hasColor && c.hasMask);
    assert.deepEqual(c.keypoints2dCameras, Object.keys(anno.keypoints2d.cameras));
    assert.deepEqual(c.calibratedCameras, anno.calibration.camera_ids);
    assert.deepEqual(c.scanMaskCameras, anno.scan_mask.camera_ids);
    assert.deepEqual(c.scan, { vertices: anno.scan.ply.vertex_count, faces: anno.scan.ply.face_count });
    assert.deepEqual(c.flame?.parameters.map((p) => p.name).sort(), Object.keys(anno.flame.keys).sort());
    assert.deepEqual(
      c.flame?.parameters
        .filter((p) => !p.plottable)
        .map((p) => p.name)
        .sort(),
      ['albedos', 'verts'],
    );
    assert.ok(c.parts.some((p) => p.file === 'raw' && p.part.startsWith('Colour')));
    assert.ok(c.parts.some((p) => p.file === 'anno' && p.part.startsWith('Masks')));
  });

  test('images come from the file that holds them, as stored', async () => {
    const color = raw.color_samples[0];
    const img = await s.handlers.image({ camera: color.camera, kind: 'color', frame: color.frame });
    assert.ok(img);
    assert.equal(sha256(img.bytes), color.sha256);
    assert.equal(img.mime, 'image/jpeg');
    assert.equal(img.bytes.byteLength, img.bytes.buffer.byteLength, 'the bytes own their buffer');
    assert.deepEqual([img.height, img.width], color.decoded_shape.slice(0, 2));
    const mask = anno.mask_samples[0];
    const m = await s.handlers.image({ camera: mask.camera, kind: 'mask', frame: mask.frame });
    assert.equal(sha256(m!.bytes), mask.sha256);
    assert.equal(m!.mime, 'image/png');
  });

  test('bad image requests are refused with a clear message', async () => {
    await assert.rejects(s.handlers.image({ camera: '99', kind: 'color', frame: 0 }), /No camera "99"/);
    await assert.rejects(s.handlers.image({ camera: '25', kind: 'depth', frame: 0 }), /No image kind "depth"/);
    await assert.rejects(s.handlers.image({ camera: '25', kind: 'color', frame: anno.camera_info.num_frame }), /outside/);
    await assert.rejects(s.handlers.image({ camera: '25', kind: 'color', frame: '0' }), /integer/);
    await assert.rejects(s.handlers.scanMask({ camera: '/Camera' }), ParamError);
    await assert.rejects(s.handlers.flameSeries({ name: 'verts' }), /plottable/);
    await assert.rejects(s.handlers.structure({ file: 2, path: '/' }), /outside/);
  });

  test('keypoints: detected, projected through the calibration, and their mean distance', async () => {
    const sample = anno.keypoints2d.samples[0];
    const kp = await s.handlers.keypoints({ camera: sample.camera, frame: sample.frame });
    assert.ok(kp.detected && kp.projected);
    sample.first3.flat().forEach((v: number, i: number) => near(kp.detected![i]!, v));
    // The fixtures' 3D landmarks project exactly onto the 2D ones (fixture README).
    assert.ok(kp.meanError !== null && kp.meanError < 1e-3, `mean error ${kp.meanError}`);
    sample.first3.flat().forEach((v: number, i: number) => near(kp.projected![i]!, v, 1e-3));
    const outside = await s.handlers.keypoints({ camera: '05', frame: 0 });
    assert.equal(outside.detected, null);
    assert.ok(outside.projected, 'any calibrated camera gets the projection');
    assert.equal(outside.meanError, null);
  });

  test('calibration, 3D keypoints, FLAME, scan', async () => {
    const cal = await s.handlers.calibration(null);
    assert.deepEqual(
      cal.map((c) => c.id),
      anno.calibration.camera_ids,
    );
    const c25 = cal.find((c) => c.id === '25')!;
    assert.deepEqual(c25.K, anno.calibration.samples['25'].K);
    assert.deepEqual(c25.RT, anno.calibration.samples['25'].RT);
    const k3 = anno.keypoints3d.samples[0];
    const p3 = await s.handlers.keypoints3d({ frame: k3.frame });
    k3.first3.flat().forEach((v: number, i: number) => near(p3![i]!, v));
    const f0 = anno.flame.samples[0];
    const ff = await s.handlers.flameFrame({ frame: f0.frame });
    assert.deepEqual(Array.from(ff!.parameters.find((p) => p.name === 'global_pose')!.values), f0.global_pose);
    assert.ok(!ff!.parameters.some((p) => p.name === 'verts' || p.name === 'albedos'));
    const verts = await s.handlers.flameVertices({ frame: f0.frame });
    f0.verts_first.forEach((v: number, i: number) => near(verts!.positions[i]!, v));
    const series = await s.handlers.flameSeries({ name: 'jaw_pose' });
    assert.deepEqual(series!.frames, anno.flame.frames);
    assert.equal(series!.width, 3);
    assert.deepEqual(Array.from(series!.data.slice(0, 3)), f0.jaw_pose);
    const scan = await s.handlers.scanMesh(null);
    assert.equal(scan!.positions.length, anno.scan.vertex.shape[0] * 3);
    assert.equal(scan!.indices!.length, anno.scan.vertex_indices.shape[0] * 3);
  });

  test('structure of either file, one level at a time', async () => {
    const root = await s.handlers.structure({ file: 0, path: '/' });
    assert.deepEqual(root.children!.map((c) => c.name).sort(), [...anno.top_level].sort());
    assert.ok(root.attributes.some((a) => a.name === 'actor_id' && a.value.includes(anno.root_attrs.actor_id)));
    const cam = await s.handlers.structure({ file: 1, path: '/Camera/25/color' });
    assert.equal(cam.childCount, raw.camera_info.num_frame);
    assert.equal(cam.children![0]!.dataset!.dtype, 'uint8');
    await assert.rejects(s.handlers.structure({ file: 0, path: '/Nope' }), /No object at \/Nope/);
  });
});

describe('audio of a speech part', () => {
  const raw = expectedJson('smc', '0026_s1_all_raw');
  let s: SmcSession;
  before(async () => {
    s = await session('0026_s1_all_raw');
  });
  after(() => closeSmcSource(s.source));

  test('a float32 WAV of the samples as stored, and the waveform envelope', async () => {
    const a = raw.audio;
    const track = await s.handlers.audio({ buckets: 100 });
    assert.ok(track);
    assert.equal(track.sampleRate, a.sample_rate.value);
    assert.equal(track.channels, a.channels);
    near(track.durationSeconds, a.duration_s, 1e-9);
    const dv = new DataView(track.wav.buffer, track.wav.byteOffset);
    assert.equal(new TextDecoder().decode(track.wav.subarray(0, 4)), 'RIFF');
    assert.equal(dv.getUint16(20, true), 3, 'IEEE float');
    assert.equal(dv.getUint16(22, true), a.channels);
    assert.equal(dv.getUint32(24, true), a.sample_rate.value);
    const header = wavByteLength(a.channels, 0);
    assert.equal(track.wav.byteLength, header + a.frames * a.channels * 4);
    a.audio.first3.flat().forEach((v: number, i: number) => assert.equal(dv.getFloat32(header + 4 * i, true), Math.fround(v)));
    near(Math.min(...track.peaksMin), a.audio.min);
    near(Math.max(...track.peaksMax), a.audio.max);
    await assert.rejects(s.handlers.audio({ buckets: 0 }), ParamError);
  });

  test('parts without audio give null', async () => {
    const h0 = await session('0026_h0_raw');
    try {
      assert.equal(await h0.handlers.audio({ buckets: 10 }), null);
    } finally {
      closeSmcSource(h0.source);
    }
  });

  test('the envelope covers a track shorter than the buckets', async () => {
    const track = await buildAudioTrack({ sampleCount: 3, channels: 1, sampleRate: 8000, read: async () => Float32Array.of(0.5, -2, Number.NaN) }, 6);
    // Samples fall in buckets 0, 2 and 4; -2 is clamped to -1 and NaN plays as silence.
    assert.deepEqual(Array.from(track.peaksMax), [0.5, 0, -1, 0, 0, 0]);
    assert.deepEqual(Array.from(track.peaksMin), [0.5, 0, -1, 0, 0, 0]);
  });
});

describe('files that are not a full SMC', () => {
  test('a valid HDF5 file that is not an SMC opens as plain HDF5 with a notice', async () => {
    const exp = expectedJson('smc', 'not_an_smc');
    const s = await session('not_an_smc');
    try {
      const info = s.info();
      assert.equal(info.kind, 'hdf5');
      if (info.kind === 'hdf5') assert.match(info.notice, /not a RenderMe360 SMC/);
      await assert.rejects(s.handlers.contents(null), /only its structure/);
      const data = await s.handlers.structure({ file: 0, path: '/data' });
      for (const [path, d] of Object.entries<ReferenceDataset>(exp.hdf5.datasets)) {
        const child = data.children!.find((c) => c.path === path)!;
        assert.equal(child.dataset!.dtype, d.dtype);
        assert.deepEqual(child.dataset!.shape, d.shape);
      }
      const root = await s.handlers.structure({ file: 0, path: '/' });
      assert.equal(root.attributes[0]!.value, JSON.stringify(exp.hdf5.attributes['/'].title.value));
    } finally {
      closeSmcSource(s.source);
    }
  });

  test('a truncated file is refused with the reason', async () => {
    await assert.rejects(openSmcSource(fixturePath('smc', 'broken_truncated.smc')), (e: unknown) => e instanceof InputError && e.code === 'truncated');
  });

  test('an SMC without its partner says what is missing', async () => {
    const dir = await tempDir('smc-alone');
    try {
      await copyFile(fixturePath('smc', '0026_h0_raw.smc'), join(dir, '0026_h0_raw.smc'));
      const s = new SmcSession(await openSmcSource(join(dir, '0026_h0_raw.smc')));
      const info = s.info();
      closeSmcSource(s.source);
      assert.equal(info.kind === 'smc' && info.files.length, 1);
      assert.match(info.kind === 'smc' ? (info.partnerNote ?? '') : '', /No anno file found .* masks and annotations are not shown/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

test('helpers: mean point distance and attribute text', () => {
  assert.equal(meanPointDistance([0, 0, 3, 4], [0, 0, 0, 0]), 2.5);
  assert.equal(meanPointDistance([0, 0, 1, 1], [Number.NaN, 0, 1, 1]), 0);
  assert.equal(meanPointDistance([Number.NaN, 0], [0, 0]), null);
  assert.equal(attributeText(7n), '7');
  assert.equal(attributeText('a'), '"a"');
  assert.equal(attributeText(BigInt64Array.of(2048n, 2448n)), '[2048, 2448]');
  assert.match(attributeText(new Float64Array(100)), /… \(100 values\)/);
});
