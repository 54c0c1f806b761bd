// SMC files with what the reference fixtures lack (gaps, empty landmarks, sparse rigs, compressed
// images, other HDF5 layouts), written with the layout of the spec, plus pairing and folder indexes.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmod, copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { InputError } from '../../src/core/errors';
import { Hdf5File } from '../../src/core/hdf5/hdf5File';
import { projectPoints, worldToCamera, cameraCenter, type CameraCalibration } from '../../src/core/smc/calibration';
import { imageHeaderInfo, sniffImageFormat } from '../../src/core/smc/imageFormat';
import { SmcFile } from '../../src/core/smc/smcFile';
import { indexSmcFolder } from '../../src/core/smc/smcFolder';
import { findPartner, parseSmcFileName, partnerCandidates } from '../../src/core/smc/smcNames';
import { SmcPerformance } from '../../src/core/smc/smcPerformance';
import { partSummary } from '../../src/core/smc/smcSummary';
import { cameraKey, formatFrameRanges, frameKey, missingFrames, parseFrameKeys, sortCameraIds } from '../../src/core/smc/smcKeys';
import { expectedJson, fixturePath } from '../helpers/fixtures';
import { sha256 } from '../helpers/extractTree';
import { ALL_CAMERAS, writeSmc } from '../helpers/smcWriter';
import { tempDir } from '../helpers/tempDir';

const ROOT = resolve(__dirname, '..', '..');
const tmp = () => tempDir('smc');
const codes = (warnings: { code: string }[]) => [...new Set(warnings.map((w) => w.code))].sort();

let jpeg: Uint8Array;
let png: Uint8Array;
let cal: CameraCalibration;
before(async () => {
  const raw = await Hdf5File.open(fixturePath('smc', '0026_h0_raw.smc'));
  const anno = await SmcFile.open(fixturePath('smc', '0026_h0_anno.smc'));
  jpeg = (await raw.readBytes('/Camera/25/color/0'))!;
  png = (await anno.readImage('25', 'mask', 0))!.bytes;
  cal = (await anno.calibration('25'))!;
  raw.close();
  anno.close();
});

/** A distinct, still valid JPEG per camera and frame: trailing bytes after the image's end. */
const jpegFor = (cam: string, frame: number) => new Uint8Array([...jpeg, ...new Array(Number(cam) * 10 + frame).fill(cam.charCodeAt(1))]);

for (const format of ['h5py', 'latest'] as const) {
  test(`raw file (${format} format, gzip images) with missing, extra and absent frames and cameras`, async () => {
    const path = join(await tmp(), '0099_e3_raw.smc');
    const frames: Record<string, number[]> = { '02': [0, 2, 4], '04': [0, 1, 2, 3, 4, 9] };
    await writeSmc(path, {
      format,
      part: 'e3',
      numFrame: 5,
      images: { kind: 'color', cameras: ['00', '01', '02', '03', '04'], frames: (c) => frames[c] ?? [0, 1, 2, 3, 4], bytes: jpegFor, gzip: true },
      emptyCameras: ['05'],
    });
    const file = await SmcFile.open(path);
    try {
      assert.equal(file.fileKind, 'raw');
      const inv = await file.inventory();
      assert.deepEqual(inv.cameraIds, ['00', '01', '02', '03', '04', '05']);
      const cam2 = inv.cameras[2]!;
      assert.deepEqual(
        [cam2.color?.frames, cam2.color?.missingFrames],
        [
          [0, 2, 4],
          [1, 3],
        ],
      );
      assert.deepEqual(
        cam2.color?.sizes,
        [0, 2, 4].map((f) => jpegFor('02', f).length),
      );
      assert.deepEqual(inv.cameras[4]!.color?.frames, [0, 1, 2, 3, 4, 9]);
      assert.equal(inv.cameras[5]!.color, null);
      assert.equal(inv.color?.images, 5 + 5 + 3 + 5 + 6);
      assert.equal(
        inv.color?.bytes,
        inv.cameras.reduce((n, c) => n + (c.color?.bytes ?? 0), 0),
      );
      if (format === 'h5py') assert.ok(inv.color.storedBytes! > 0, 'compressed size from the chunk index');
      else assert.equal(inv.color.storedBytes, null, 'unknown without the chunk index');
      assert.deepEqual(codes(inv.warnings), ['extra-frames', 'missing-cameras', 'missing-frames', 'partial-rig']);
      const missing = inv.warnings.find((w) => w.code === 'missing-frames')!;
      assert.deepEqual([missing.camera, missing.frames], ['02', [1, 3]]);
      assert.match(inv.warnings.find((w) => w.code === 'missing-cameras')!.message, /cameras 05$/);
      // Every stored frame reads back byte for byte, through the gzip filter; absent ones are null.
      for (const cam of ['00', '02', '04']) {
        for (const f of file.frames(cam, 'color')) assert.equal(sha256((await file.readImage(cam, 'color', f))!.bytes), sha256(jpegFor(cam, f)));
      }
      assert.equal(await file.readImage('02', 'color', 1), null);
      assert.equal(await file.readImage('05', 'color', 0), null);
      assert.equal((await file.readImage(2, 'color', '4'))?.path, '/Camera/02/color/4', 'camera numbers are zero-padded');
      assert.equal(await file.readImage('02', 'color', 'x'), null);
    } finally {
      file.close();
    }
  });
}

test('anno file with empty and missing landmarks, an incomplete FLAME frame and an off-arc camera', async () => {
  const path = join(await tmp(), '0099_e1_anno.smc');
  const pts2 = Float32Array.from({ length: 212 }, (_, i) => i);
  const pts3 = Float64Array.from({ length: 318 }, (_, i) => i / 100);
  const kp2: Record<string, Record<number, Float32Array>> = {};
  for (const cam of ['05', ...Array.from({ length: 15 }, (_, i) => String(18 + i))]) {
    if (cam === '20') continue;
    kp2[cam] = { 0: pts2, 1: cam === '21' ? new Float32Array(0) : pts2 };
    if (cam !== '22') kp2[cam][2] = pts2;
  }
  const flameFrame = (withVerts: boolean) => ({
    exp: { data: new Float64Array(50).fill(0.5), shape: [50] },
    trans: { data: Float64Array.of(0, -0.5, 0), shape: [3] },
    ...(withVerts ? { verts: { data: new Float64Array(30), shape: [10, 3] } } : {}),
  });
  await writeSmc(path, {
    part: 'e1',
    numFrame: 3,
    images: { kind: 'mask', cameras: ['18', '25'], bytes: () => png },
    calibration: { '18': cal, '25': cal },
    keypoints2d: kp2,
    keypoints3d: { 0: pts3, 1: pts3, 2: new Float64Array(0) },
    flame: { 0: flameFrame(true), 1: flameFrame(false), 2: flameFrame(true) },
    uvTexture: { 0: jpeg, 2: jpeg },
    scan: { vertex: Float64Array.of(0, 0, 0, 1, 0, 0, 0, 1, 0), faces: BigInt64Array.of(0n, 1n, 2n) },
    scanMask: { '25': png },
  });
  const file = await SmcFile.open(path);
  try {
    assert.equal(file.fileKind, 'anno');
    const inv = await file.inventory();
    const kp = inv.keypoints2d!;
    assert.deepEqual(
      kp.cameras.map((c) => c.id),
      Object.keys(kp2).sort((a, b) => Number(a) - Number(b)),
    );
    const c21 = kp.cameras.find((c) => c.id === '21')!;
    const c22 = kp.cameras.find((c) => c.id === '22')!;
    assert.deepEqual([c21.frames, c21.emptyFrames, c21.missingFrames], [[0, 1, 2], [1], []]);
    assert.deepEqual([c22.frames, c22.emptyFrames, c22.missingFrames], [[0, 1], [], [2]]);
    assert.deepEqual([inv.keypoints3d?.emptyFrames, inv.keypoints3d?.shape], [[2], [106, 3]]);
    assert.deepEqual(inv.flame?.incompleteFrames, [1]);
    assert.deepEqual(Object.keys(inv.flame.keys).sort(), ['exp', 'trans', 'verts']);
    assert.deepEqual([inv.uvTexture?.frames, inv.uvTexture?.missingFrames], [[0, 2], [1]]);
    assert.deepEqual(codes(inv.warnings), ['flame-incomplete', 'keypoints-camera', 'keypoints-empty', 'keypoints-missing', 'missing-frames', 'partial-rig']);
    assert.match(inv.warnings.find((w) => w.code === 'keypoints-camera')!.message, /05/);
    assert.ok(inv.warnings.some((w) => w.code === 'keypoints-missing' && w.message.endsWith('frontal cameras 20')));
    // Missing and empty landmarks are null, not errors; others read.
    assert.equal(await file.keypoints2d('21', 1), null);
    assert.equal(await file.keypoints2d('22', 2), null);
    assert.equal(await file.keypoints2d('20', 0), null);
    assert.deepEqual(Array.from((await file.keypoints2d(21, 0))!.data), Array.from(pts2));
    assert.equal(await file.keypoints3d(2), null);
    assert.deepEqual((await file.flame(1))!.verts, undefined);
    assert.deepEqual((await file.flameSeries('verts'))?.frames, [0, 2]);
    assert.equal(await file.uvTexture(1), null);
    const mesh = (await file.scanMesh())!;
    assert.deepEqual([mesh.vertexCount, mesh.faceCount, Array.from(mesh.faces)], [3, 1, [0, 1, 2]]);
    const contents = partSummary(inv);
    assert.deepEqual(contents.keypoints2d && [contents.keypoints2d.cameras, contents.keypoints2d.emptyFrames, contents.keypoints2d.missingFrames], [15, 1, 1]);
    assert.deepEqual(contents.flame?.parameters.sort(), ['exp', 'trans', 'verts']);
  } finally {
    file.close();
  }
});

test('sparse speech raw file (500-subject release): audio-only camera 00, colour for camera 25 only', async () => {
  const path = join(await tmp(), 'speech.smc'); // no _raw suffix: the kind comes from the content
  const samples = Float32Array.from({ length: 4800 }, (_, i) => Math.sin(i / 5) / 2);
  const calibration = Object.fromEntries(ALL_CAMERAS.map((c) => [c, cal]));
  await writeSmc(path, {
    part: 's3_all',
    numFrame: 2,
    images: { kind: 'color', cameras: ['25'], bytes: jpegFor },
    audio: { samples, channels: 1, sampleRate: 16000 },
    calibration,
  });
  const file = await SmcFile.open(path);
  try {
    assert.equal(file.fileKind, 'raw');
    assert.equal(file.performanceKind, 'speech');
    const inv = await file.inventory();
    assert.deepEqual(inv.cameraIds, ['00', '25']);
    assert.deepEqual(codes(inv.warnings), ['partial-rig'], 'the audio-only camera is not missing images');
    assert.match(inv.warnings[0]!.message, /1 of 60 cameras/);
    assert.deepEqual(inv.calibration?.cameraIds, ALL_CAMERAS);
    const audio = (await file.audio())!;
    assert.deepEqual([audio.channels, audio.sampleCount, audio.sampleRate, audio.durationSeconds, audio.dtype], [1, 4800, 16000, 0.3, 'float32']);
    assert.deepEqual(Array.from(audio.samples.subarray(0, 5)), Array.from(samples.subarray(0, 5)));
    const window = (await file.audio({ start: 4790, count: 100 }))!;
    assert.equal(window.samples.length, 10, 'windows are clipped to the samples');
  } finally {
    file.close();
  }
});

test('the file kind comes from the content, not the name', async () => {
  const path = join(await tmp(), '0099_e0_raw.smc');
  await writeSmc(path, { numFrame: 1, images: { kind: 'mask', cameras: ['00'], bytes: () => png } });
  const file = await SmcFile.open(path);
  assert.equal(file.fileKind, 'anno');
  file.close();
});

describe('pairing and performances', () => {
  let root: string;
  before(async () => {
    root = await tmp();
    await mkdir(join(root, 'anno', '0026'), { recursive: true });
    await mkdir(join(root, 'raw', '0026'), { recursive: true });
    for (const part of ['e0', 'h0', 's1_all']) {
      await copyFile(fixturePath('smc', `0026_${part}_anno.smc`), join(root, 'anno', '0026', `0026_${part}_anno.smc`));
      await copyFile(fixturePath('smc', `0026_${part}_raw.smc`), join(root, 'raw', '0026', `0026_${part}_raw.smc`));
    }
    await copyFile(fixturePath('smc', 'broken_truncated.smc'), join(root, 'raw', '0026', '0026_e1_raw.smc'));
    await copyFile(fixturePath('smc', '0026_e0_anno.smc'), join(root, 'anno', '0026', '0026_e1_anno.smc'));
    await copyFile(fixturePath('smc', 'not_an_smc.smc'), join(root, 'notes.smc'));
    await writeSmc(join(root, '0099_h0_anno.smc'), { actorId: '0099', part: 'h0', numFrame: 4, images: { kind: 'mask', cameras: ['00'], bytes: () => png } });
    await writeSmc(join(root, '0099_h0_raw.smc'), { actorId: '0099', part: 'h0', numFrame: 5, images: { kind: 'color', cameras: ['00'], bytes: jpegFor } });
  });

  test('file names and partner locations', () => {
    assert.deepEqual(parseSmcFileName('/x/0297_h1_3bk_raw.smc'), { actorId: '0297', part: 'h1_3bk', kind: 'raw' });
    assert.deepEqual(parseSmcFileName('0026_s1_all_ANNO.smc'), { actorId: '0026', part: 's1_all', kind: 'anno' });
    assert.equal(parseSmcFileName('notes.smc'), null);
    assert.deepEqual(partnerCandidates('/d/anno/0026/0026_e0_anno.smc'), [
      '/d/anno/0026/0026_e0_raw.smc',
      '/d/raw/0026/0026_e0_raw.smc',
      '/d/raw/0026_e0_raw.smc',
    ]);
    assert.deepEqual(partnerCandidates('/d/RAW/0026_e0_RAW.SMC'), ['/d/RAW/0026_e0_ANNO.SMC', '/d/ANNO/0026_e0_ANNO.SMC', '/d/ANNO/0026/0026_e0_ANNO.SMC']);
  });

  test('a performance opened from either file finds its partner and routes each accessor', async () => {
    assert.equal(await findPartner(join(root, 'anno', '0026', '0026_s1_all_anno.smc')), join(root, 'raw', '0026', '0026_s1_all_raw.smc'));
    const perf = await SmcPerformance.open(join(root, 'raw', '0026', '0026_s1_all_raw.smc'));
    try {
      assert.equal(perf.raw?.path, join(root, 'raw', '0026', '0026_s1_all_raw.smc'));
      assert.equal(perf.anno?.path, join(root, 'anno', '0026', '0026_s1_all_anno.smc'));
      const exp = expectedJson('smc', '0026_s1_all_anno');
      assert.equal(sha256((await perf.readImage('25', 'mask', 0))!.bytes), exp.mask_samples[0].sha256);
      assert.equal(sha256((await perf.readImage('25', 'color', 0))!.bytes), expectedJson('smc', '0026_s1_all_raw').color_samples[0].sha256);
      assert.deepEqual(await perf.calibration('00'), exp.calibration.samples['00'], 'calibration from anno: the raw file has none');
      assert.equal((await perf.calibrationAll()).size, 60);
      assert.equal((await perf.audioInfo())?.sampleRate, 48000);
      assert.ok(await perf.keypoints2d('25', 0));
      const inv = await perf.inventory();
      assert.ok(inv.anno && inv.raw);
      assert.deepEqual(inv.warnings, []);
      // Projecting the 3D landmarks through the calibration lands on the 2D landmarks (RT is camera-to-world).
      const k3 = (await perf.keypoints3d(0))!;
      for (const cam of ['18', '25', '32']) {
        const uv = projectPoints((await perf.calibration(cam))!, k3.data);
        const k2 = (await perf.keypoints2d(cam, 0))!;
        assert.ok(
          uv.every((v, i) => Math.abs(v - k2.data[i]!) < 1e-3),
          `camera ${cam}`,
        );
      }
    } finally {
      perf.close();
    }
  });

  test('an unreadable or disagreeing partner is a warning, a missing one is noted', async () => {
    const broken = await SmcPerformance.open(join(root, 'anno', '0026', '0026_e1_anno.smc'));
    try {
      assert.equal(broken.partner, null);
      assert.equal(broken.partnerError?.code, 'truncated');
      assert.deepEqual(codes((await broken.inventory()).warnings), ['pair-unreadable']);
      assert.equal(await broken.readImage('25', 'color', 0), null);
    } finally {
      broken.close();
    }
    const mismatch = await SmcPerformance.open(join(root, '0099_h0_anno.smc'));
    try {
      const w = (await mismatch.inventory()).warnings.find((x) => x.code === 'pair-mismatch');
      assert.match(w!.message, /num_frame 4 vs 5/);
    } finally {
      mismatch.close();
    }
    const alone = await SmcPerformance.open(fixturePath('smc', '0026_e0_anno.smc'), { partner: null });
    try {
      assert.deepEqual(codes((await alone.inventory()).warnings), ['pair-missing']);
    } finally {
      alone.close();
    }
  });

  test('a folder tree is indexed into paired performances with a summary row each', async () => {
    const index = await indexSmcFolder(root);
    assert.deepEqual(
      index.performances.map((p) => [p.actorId, p.part, Boolean(p.anno), Boolean(p.raw)]),
      [
        ['0026', 'e0', true, true],
        ['0026', 'e1', true, true],
        ['0026', 'h0', true, true],
        ['0026', 's1_all', true, true],
        ['0099', 'h0', true, true],
      ],
    );
    const [e0, e1, , s1, h0b] = index.performances;
    assert.deepEqual(e0!.problems, []);
    assert.equal(e0!.anno?.header?.cameraInfo.numFrame, 3);
    assert.equal(e0!.raw?.cameraGroups, 60);
    assert.equal(e1!.raw?.error?.code, 'truncated');
    assert.ok(e1!.problems.includes('raw file truncated'));
    assert.ok(
      e1!.problems.some((p) => p.includes('says 0026_e0 inside')),
      'a file whose name disagrees with its content',
    );
    assert.equal(s1!.performanceKind, 'speech');
    assert.ok(h0b!.problems.some((p) => p.includes('num_frame differs')));
    assert.deepEqual(index.unrecognized, [join(root, 'notes.smc')]);
    const subject = index.subjects.find((s) => s.actorId === '0026')!;
    assert.deepEqual(subject.parts, ['e0', 'e1', 'h0', 's1_all']);
    assert.equal(subject.missingParts.length, 19 - 4);
    assert.ok(!subject.missingParts.includes('e1') && subject.missingParts.includes('s6_all'));
    const quick = await indexSmcFolder(root, { readHeaders: false });
    assert.equal(quick.performances[0]!.anno?.header, undefined);
    assert.equal(quick.performances.length, 5);
  });
});

test('keys: camera ids, frame ids, numeric sorting, gaps', () => {
  assert.equal(cameraKey(5), '05');
  assert.equal(cameraKey('25'), '25');
  assert.equal(frameKey('07'), '7');
  assert.equal(frameKey(-1), null);
  assert.equal(frameKey('1.5'), null);
  assert.deepEqual(parseFrameKeys(['0', '1', '10', '11', '2', 'x']), { frames: [0, 1, 2, 10, 11], keys: ['0', '1', '2', '10', '11'], invalid: ['x'] });
  assert.deepEqual(sortCameraIds(['10', '02', 'x', '1']), ['1', '02', '10', 'x']);
  assert.deepEqual(missingFrames([0, 2, 5], 6), [1, 3, 4]);
  assert.equal(formatFrameRanges([0, 1, 2, 4, 7, 8]), '0-2, 4, 7-8');
});

test('image headers give format and size without decoding', () => {
  assert.equal(sniffImageFormat(jpeg), 'jpeg');
  assert.equal(sniffImageFormat(png), 'png');
  assert.equal(sniffImageFormat(Uint8Array.of(1, 2, 3)), 'unknown');
  assert.deepEqual(imageHeaderInfo(jpeg), { width: 102, height: 85, channels: 3 });
  assert.deepEqual(imageHeaderInfo(png), { width: 102, height: 85, channels: 1 });
  assert.equal(imageHeaderInfo(jpeg.subarray(0, 20)), null);
});

test('calibration helpers: world-to-camera inverts camera-to-world', () => {
  const w2c = worldToCamera(cal.RT);
  const c = cameraCenter(cal.RT);
  // The camera centre maps to the camera origin.
  const origin = [0, 1, 2].map((r) => w2c[r]![0]! * c[0] + w2c[r]![1]! * c[1] + w2c[r]![2]! * c[2] + w2c[r]![3]!);
  assert.ok(origin.every((v) => Math.abs(v) < 1e-12));
  // A point one metre along the camera's +z axis projects onto the principal point.
  const ahead = [0, 1, 2].map((r) => c[r]! + cal.RT[r]![2]!);
  const uv = projectPoints(cal, ahead);
  assert.ok(Math.abs(uv[0]! - cal.K[0]![2]!) < 1e-9 && Math.abs(uv[1]! - cal.K[1]![2]!) < 1e-9);
  const behind = projectPoints(
    cal,
    [0, 1, 2].map((r) => c[r]! - cal.RT[r]![2]!),
  );
  assert.ok(Number.isNaN(behind[0]));
});

test('damaged files (bytes overwritten in their metadata) give InputError or data, never another failure', async () => {
  const dir = await tmp();
  for (const name of ['0026_h0_anno', '0026_s1_all_raw']) {
    const original = await readFile(fixturePath('smc', `${name}.smc`));
    // Where metadata lives: the superblock, B-tree nodes, symbol table nodes and local heaps.
    const spots: number[] = [0];
    for (const sig of ['TREE', 'SNOD', 'HEAP']) for (let i = original.indexOf(sig); i >= 0; i = original.indexOf(sig, i + 1)) spots.push(i);
    let seed = 7;
    const rnd = () => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) / 2 ** 32;
    };
    const outcomes = new Map<string, number>();
    for (let it = 0; it < 40; it++) {
      const bytes = Buffer.from(original);
      for (let k = 0; k < 1 + Math.floor(rnd() * 6); k++) {
        const at = spots[Math.floor(rnd() * spots.length)]! + Math.floor(rnd() * 600) - 50;
        if (at >= 0 && at < bytes.length) bytes[at] = Math.floor(rnd() * 256);
      }
      const path = join(dir, `${name}-${it}.smc`);
      await writeFile(path, bytes);
      let outcome = 'read';
      let file: SmcFile | undefined;
      try {
        file = await SmcFile.open(path);
        const inv = await file.inventory();
        for (const c of inv.cameras.slice(0, 3)) {
          for (const kind of ['color', 'mask'] as const) for (const f of c[kind]?.frames ?? []) await file.readImage(c.id, kind, f);
        }
        await file.calibrationAll();
        await file.keypoints2d(25, 0);
        await file.keypoints3d(1);
        await file.audio();
      } catch (err) {
        assert.ok(err instanceof InputError, `${name} #${it}: ${(err as Error)?.stack}`);
        outcome = err.code;
      } finally {
        file?.close();
      }
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }
    assert.ok((outcomes.get('corrupt') ?? 0) > 0, `${name}: ${JSON.stringify([...outcomes])}`);
  }
});

test('a file without read permission is unreadable', async () => {
  const dir = await tmp();
  const path = join(dir, 'locked.smc');
  await copyFile(fixturePath('smc', '0026_h0_raw.smc'), path);
  await chmod(path, 0);
  if (process.getuid?.() !== 0) {
    await assert.rejects(SmcFile.open(path), (err: unknown) => err instanceof InputError && err.code === 'unreadable');
    return;
  }
  // Root reads any file, so run `bodycap info` as the unprivileged user "nobody" instead.
  await chmod(dir, 0o755);
  const r = spawnSync(
    'setpriv',
    ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '--import', 'tsx', join(ROOT, 'src', 'cli', 'main.ts'), 'info', path, '--json'],
    { encoding: 'utf8', cwd: ROOT, env: { ...process.env, HOME: dir } },
  );
  assert.equal(r.status, 2, r.stderr);
  assert.equal(JSON.parse(r.stdout).error.code, 'unreadable');
  assert.match(r.stderr, /Permission denied/);
});
