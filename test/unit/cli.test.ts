import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cli } from '../helpers/cli';
import { expectedJson, fixturePath } from '../helpers/fixtures';
import { tempDir } from '../helpers/tempDir';

test('info --json on an SMC prints the reference header fields', async () => {
  const exp = expectedJson('smc', '0026_e0_anno');
  const r = await cli('info', fixturePath('smc', '0026_e0_anno.smc'), '--json');
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  assert.equal(j.format, 'smc');
  assert.equal(j.fileKind, 'anno');
  assert.equal(j.actorId, exp.root_attrs.actor_id);
  assert.equal(j.performancePart, exp.root_attrs.performance_part);
  assert.equal(j.captureDate, exp.root_attrs.capture_date);
  assert.deepEqual(j.cameraInfo.resolution, exp.camera_info.resolution);
});

test('info on bad input exits 2 with one line naming the problem', async () => {
  const r = await cli('info', fixturePath('smc', 'broken_truncated.smc'));
  assert.equal(r.code, 2);
  assert.equal(r.err.trim().split('\n').length, 1);
  assert.match(r.err, /truncated/);
  const j = await cli('info', fixturePath('bodycompress', 'not_bodycompress.xz'), '--json');
  assert.equal(j.code, 2);
  assert.equal(JSON.parse(j.out).error.code, 'not-bodycompress');
});

test('unknown commands and missing arguments are usage errors', async () => {
  assert.equal((await cli('frobnicate')).code, 2);
  assert.equal((await cli('info')).code, 2);
  assert.equal((await cli('--help')).code, 0);
});

test('info --json on every SMC fixture: header, cameras, contents and pair match the reference', async () => {
  for (const name of ['0026_e0_anno', '0026_e0_raw', '0026_h0_anno', '0026_h0_raw', '0026_s1_all_anno', '0026_s1_all_raw']) {
    const exp = expectedJson('smc', name);
    const r = await cli('info', fixturePath('smc', `${name}.smc`), '--json');
    assert.equal(r.code, 0, r.err);
    assert.equal(r.err, '');
    const j = JSON.parse(r.out);
    assert.equal(j.format, 'smc');
    assert.equal(j.fileKind, exp.file_kind);
    assert.equal(j.performanceKind, exp.performance_kind);
    assert.equal(j.fileSize, exp.size_bytes);
    const a = exp.root_attrs;
    assert.deepEqual(j.actorInfo, { age: a.age, color: a.color, gender: a.gender, height: a.height, weight: a.weight });
    assert.deepEqual(j.cameraInfo, { numDevice: exp.camera_info.num_device, numFrame: exp.camera_info.num_frame, resolution: exp.camera_info.resolution });
    assert.deepEqual(Object.keys(j.cameras).sort(), exp.cameras.ids);
    for (const [id, c] of Object.entries<{ frames: { color?: number[]; mask?: number[] } }>(exp.cameras.per_camera)) {
      assert.deepEqual(j.cameras[id], { color: c.frames.color?.length ?? 0, mask: c.frames.mask?.length ?? 0 });
    }
    assert.deepEqual(j.missingFrames, {});
    assert.equal(j.contents.color?.images ?? 0, exp.cameras.image_counts.color);
    assert.equal(j.contents.mask?.images ?? 0, exp.cameras.image_counts.mask);
    assert.equal(j.contents.audio?.sampleRate ?? null, exp.audio.present ? exp.audio.sample_rate.value : null);
    assert.equal(j.contents.calibration?.cameras ?? 0, exp.calibration.camera_ids?.length ?? 0);
    assert.equal(j.contents.keypoints2d?.cameras ?? 0, Object.keys(exp.keypoints2d.cameras ?? {}).length);
    assert.equal(j.contents.keypoints3d?.frames ?? 0, exp.keypoints3d.frames?.length ?? 0);
    assert.deepEqual(j.contents.flame?.parameters ?? [], Object.keys(exp.flame.keys ?? {}));
    assert.equal(j.contents.uvTexture?.frames ?? 0, exp.uv_texture.frames?.length ?? 0);
    assert.equal(j.contents.scan?.vertices ?? null, exp.scan.present ? exp.scan.vertex.shape[0] : null);
    assert.equal(j.contents.scanMask?.cameras ?? 0, exp.scan_mask.camera_ids?.length ?? 0);
    assert.equal(j.datasets, Object.keys(exp.hdf5.datasets).length);
    assert.equal(j.pair, fixturePath('smc', exp.pair));
    assert.deepEqual(j.warnings, []);
  }
});

test('info on an SMC prints a readable summary with a contents table', async () => {
  const r = await cli('info', fixturePath('smc', '0026_s1_all_raw.smc'));
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^Format\s+RenderMe360 SMC \(raw\)$/m);
  assert.match(r.out, /^Performance\s+s1_all \(speech\)$/m);
  assert.match(r.out, /^Resolution\s+77 x 64$/m);
  assert.match(r.out, /^colour images\s+360 \(60 cameras, 6 frames\)\s+637\.6 KB$/m);
  assert.match(r.out, /^audio\s+0\.20 s, 2 ch, 48000 Hz, float32/m);
  assert.match(r.out, /^Pair\s+.*0026_s1_all_anno\.smc$/m);
});

/** A performance in `info --json` of a folder, as far as the test reads it. */
interface FolderPerformance {
  actorId: string;
  performancePart: string;
  anno: { size: number } | null;
  raw: { size: number } | null;
  problems: string[];
}

test('info on a folder lists its performances, paired', async () => {
  const dir = fixturePath('smc', '');
  const j = JSON.parse((await cli('info', dir, '--json')).out);
  assert.equal(j.format, 'smc-folder');
  assert.deepEqual(
    j.performances.map((p: FolderPerformance) => [p.actorId, p.performancePart, p.anno?.size, p.raw?.size, p.problems]),
    ['e0', 'h0', 's1_all'].map((part) => [
      '0026',
      part,
      expectedJson('smc', `0026_${part}_anno`).size_bytes,
      expectedJson('smc', `0026_${part}_raw`).size_bytes,
      [],
    ]),
  );
  assert.equal(j.performances[0].cameraInfo.numFrame, 3);
  assert.deepEqual(
    j.unrecognized.map((p: string) => p.split('/').at(-1)),
    ['broken_truncated.smc', 'not_an_smc.smc'],
  );
  const r = await cli('info', dir);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^0026\s+s1_all\s+speech\s+6\s+586\.7 KB\s+960\.9 KB\s+ok$/m);
});

test('info classifies every kind of bad SMC input with exit 2 and one line', async () => {
  const dir = await tempDir('cli');
  await writeFile(join(dir, 'text.smc'), 'not HDF5');
  await writeFile(join(dir, 'empty.smc'), '');
  const cases: [string, string][] = [
    [fixturePath('smc', 'broken_truncated.smc'), 'truncated'],
    [fixturePath('smc', 'not_an_smc.smc'), 'not-smc'],
    [join(dir, 'text.smc'), 'not-hdf5'],
    [join(dir, 'empty.smc'), 'empty'],
    [join(dir, 'missing.smc'), 'not-found'],
  ];
  for (const [path, code] of cases) {
    const human = await cli('info', path);
    assert.equal(human.code, 2, path);
    assert.equal(human.out, '');
    assert.equal(human.err.trim().split('\n').length, 1, human.err);
    const j = await cli('info', path, '--json');
    assert.equal(j.code, 2);
    assert.equal(JSON.parse(j.out).error.code, code, path);
    assert.ok(JSON.parse(j.out).error.message.length > 10);
  }
});
