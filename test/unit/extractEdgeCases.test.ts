// Extraction of what the reference fixtures lack: ids that would escape the output folder, gaps and
// empty landmarks, compressed images, bad input; the exact-size formulas; option parsing; the CLI.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { InputError } from '../../src/core/errors';
import { extractPerformance } from '../../src/core/extract/extractPerformance';
import { parseCameras, parseFrames, parseParts, selectFrames } from '../../src/core/extract/extractOptions';
import { npzByteLength, type NpzEntryLayout } from '../../src/core/extract/npzLayout';
import { insideRoot, unsafeComponentReason } from '../../src/core/extract/safeNames';
import { NdArray } from '../../src/core/numpy/ndarray';
import { NpzWriter } from '../../src/core/numpy/npz';
import { SmcPerformance } from '../../src/core/smc/smcPerformance';
import type { CameraCalibration } from '../../src/core/smc/calibration';
import { wavByteLength } from '../../src/core/writers/wav';
import { cli } from '../helpers/cli';
import { expectedJson, fixturePath } from '../helpers/fixtures';
import { listTree, numpyLoad, sha256, treeBytes } from '../helpers/extractTree';
import { writeSmc } from '../helpers/smcWriter';
import { tempDir } from '../helpers/tempDir';

const VERSION = '0.0.0-test';
const tmp = () => tempDir('extract-edge');

let jpeg: Uint8Array;
let png: Uint8Array;
let cal: CameraCalibration;
before(async () => {
  // A real JPEG, PNG mask and calibration to build files with.
  const perf = await SmcPerformance.open(fixturePath('smc', '0026_h0_raw.smc'));
  try {
    jpeg = (await perf.readImage('25', 'color', 0))!.bytes;
    png = (await perf.readImage('25', 'mask', 0))!.bytes;
    cal = (await perf.calibration('25'))!;
  } finally {
    perf.close();
  }
});

test('path components from a file: separators, dot folders, control characters and long names are refused', () => {
  for (const bad of ['..', '.', '', 'a/b', 'a\\b', '../x', 'x'.repeat(65), 'a\u0000b', 'nul', 'COM1', 'trailing.', ' lead']) {
    assert.ok(unsafeComponentReason(bad), bad);
  }
  for (const ok of ['00', 'cam_25', '0026', 's1_all', 'h1_3bk']) assert.equal(unsafeComponentReason(ok), null, ok);
  const root = resolve(tmpdir(), 'out');
  assert.equal(insideRoot(root, 'a/b.txt'), join(root, 'a', 'b.txt'));
  for (const rel of ['../x', 'a/../../x', '/etc/passwd', '']) assert.throws(() => insideRoot(root, rel), InputError, rel);
});

test('a camera id that would escape the output folder is skipped and reported; an unsafe actor id is refused', async () => {
  const dir = await tmp();
  const path = join(dir, '0099_e1_raw.smc');
  await writeSmc(path, {
    part: 'e1',
    numFrame: 2,
    images: { kind: 'color', cameras: ['..', '05', 'a b.'], bytes: () => jpeg },
    calibration: { '05': cal, '..': cal },
  });
  const out = join(dir, 'out');
  const { summary } = await extractPerformance({ label: 'x', primary: path, partner: null }, { preset: 'full' }, out, { version: VERSION });
  const tree = [...(await listTree(out)).keys()];
  assert.ok(
    tree.every((r) => r.startsWith('0099_e1/')),
    tree.join('\n'),
  );
  assert.ok(tree.includes('0099_e1/from_raw/images/cam_05/frame_000001.jpg'));
  assert.ok(!tree.some((r) => r.includes('cam_..') || r.includes('a b')), tree.join('\n'));
  assert.ok(summary.notes.some((n) => n.includes('Camera id ".."')));
  assert.ok(summary.notes.some((n) => n.includes('Camera id "a b."')));
  assert.match(await readFile(join(out, '0099_e1/extraction_info.txt'), 'utf8'), /Camera id "\.\." cannot be used in a file name/);
  assert.deepEqual(await readdir(dir), ['0099_e1_raw.smc', 'out']);

  const evil = join(dir, 'evil_raw.smc');
  await writeSmc(evil, { actorId: '../../tmp', numFrame: 1, images: { kind: 'color', cameras: ['00'], bytes: () => jpeg } });
  await assert.rejects(
    extractPerformance({ label: 'evil', primary: evil, partner: null }, {}, join(dir, 'out2'), { version: VERSION }),
    (e: unknown) => e instanceof InputError && e.message.includes('cannot name an output folder'),
  );
  await assert.rejects(stat(join(dir, 'out2')), 'nothing is created');
});

test('gaps: missing frames, empty landmarks and gzip-compressed images are extracted as far as they go and reported', async () => {
  const dir = await tmp();
  const anno = join(dir, '0099_e2_anno.smc');
  const raw = join(dir, '0099_e2_raw.smc');
  const pts2 = Float32Array.from({ length: 212 }, (_, i) => i / 2);
  const pts3 = Float64Array.from({ length: 318 }, (_, i) => i / 3);
  await writeSmc(anno, {
    part: 'e2',
    numFrame: 4,
    images: { kind: 'mask', cameras: ['18', '25'], frames: (c) => (c === '25' ? [0, 1, 3] : [0, 1, 2, 3]), bytes: () => png },
    calibration: { '18': cal, '25': cal },
    keypoints2d: { '25': { 0: pts2, 1: new Float32Array(0), 3: pts2 } },
    keypoints3d: { 0: pts3, 2: pts3, 3: new Float64Array(0) },
  });
  const jpegFor = (cam: string, f: number) => new Uint8Array([...jpeg, ...new Array(Number(cam) + f).fill(7)]);
  await writeSmc(raw, { part: 'e2', numFrame: 4, images: { kind: 'color', cameras: ['18', '25'], bytes: jpegFor, gzip: true } });
  const out = join(dir, 'out');
  const { summary, result } = await extractPerformance({ label: '0099_e2', primary: raw, partner: anno }, { preset: 'full' }, out, { version: VERSION });
  const root = join(out, '0099_e2');
  assert.equal(await treeBytes(root), summary.bytes, 'the estimate is exact');
  assert.equal(result!.filesWritten, summary.files);
  for (const f of [0, 1, 2, 3]) {
    const b = await readFile(join(root, `from_raw/images/cam_18/frame_00000${f}.jpg`));
    assert.equal(sha256(b), sha256(jpegFor('18', f)), 'compressed datasets are read through the filter');
  }
  const masks = [...(await listTree(join(root, 'from_anno/masks/cam_25'))).keys()];
  assert.deepEqual(masks, ['frame_000000.png', 'frame_000001.png', 'frame_000003.png']);
  const info = await readFile(join(root, 'extraction_info.txt'), 'utf8');
  assert.match(info, /Camera 25: no masks for frames 2/);
  assert.match(info, /2D landmarks, camera 25: no data for frames 2 \(NaN rows, valid False\)/);
  assert.match(info, /2D landmarks, camera 25: no detection \(empty array\) in frames 1/);
  assert.match(info, /3D landmarks: no data for frames 1/);
  assert.match(info, /3D landmarks: no detection \(empty array\) in frames 3/);
  const arrays = numpyLoad([join(root, 'from_anno/keypoints2d/cam_25.npz'), join(root, 'from_anno/keypoints3d/all_frames.npz')]);
  const [kp2, kp3] = Object.values(arrays);
  assert.deepEqual(kp2!.valid!.values, [true, false, false, true]);
  assert.deepEqual(kp2!.keypoints!.values!.slice(0, 4), [0, 0.5, 1, 1.5]);
  assert.ok(
    kp2!.keypoints!.values!.slice(212, 3 * 212).every((v) => v === null),
    'rows without data are NaN',
  );
  assert.deepEqual(kp3!.valid!.values, [true, false, true, false]);
  assert.deepEqual(kp3!.frames!.values, [0, 1, 2, 3]);
});

test('bad input: a truncated or non-SMC file is refused with a clear error and nothing is written', async () => {
  const dir = await tmp();
  for (const [name, code] of [
    ['broken_truncated', 'truncated'],
    ['not_an_smc', 'not-smc'],
  ] as const) {
    assert.equal(expectedJson('smc', name).valid_hdf5 !== undefined, true);
    await assert.rejects(
      extractPerformance({ label: name, primary: fixturePath('smc', `${name}.smc`), partner: null }, {}, join(dir, 'out'), { version: VERSION }),
      (e: unknown) => e instanceof InputError && e.code === code,
    );
  }
  await assert.rejects(stat(join(dir, 'out')));
});

test('npz sizes: the formula matches what NpzWriter writes, buffered and streamed entries alike', async () => {
  const dir = await tmp();
  const cases: NpzEntryLayout[][] = [
    [{ name: 'a', dtype: '<f4', shape: [3, 2], streamed: false }],
    [
      { name: 'frames', dtype: '<i8', shape: [5], streamed: false },
      { name: 'keypoints', dtype: '<f8', shape: [5, 106, 3], streamed: true },
      { name: 'valid', dtype: '|b1', shape: [5], streamed: false },
      { name: 'ids', dtype: '<U2', shape: [60], streamed: false },
    ],
    [
      { name: 'scalar', dtype: '<i8', shape: [], streamed: false },
      { name: 'empty', dtype: '<f4', shape: [0, 3], streamed: true },
    ],
  ];
  for (const [i, entries] of cases.entries()) {
    const path = join(dir, `${i}.npz`);
    const w = await NpzWriter.create(path);
    for (const e of entries) {
      const n = e.shape.reduce((a, b) => a * b, 1) * ({ '<f4': 4, '<f8': 8, '<i8': 8, '|b1': 1, '<U2': 8 } as Record<string, number>)[e.dtype]!;
      if (e.streamed) {
        w.addStreamed(
          e.name,
          e.dtype,
          e.shape,
          n,
          (async function* () {
            if (n > 0) yield new Uint8Array(n);
          })(),
        );
      } else w.add(e.name, new NdArray(e.dtype, e.shape, new Uint8Array(n)));
    }
    await w.close();
    assert.equal((await stat(path)).size, npzByteLength(entries), `case ${i}`);
  }
  assert.equal(wavByteLength(2, 9600), 58 + 9600 * 8);
});

test('options: parts, cameras and frames parse as documented; bad values name the problem', () => {
  assert.deepEqual(parseParts('images, masks,uv'), ['images', 'masks', 'uv']);
  assert.ok(parseParts('all').includes('scan_mask') && !parseParts('all').includes('visualization'));
  assert.throws(() => parseParts('images,mesh'), /Unknown part mesh/);
  assert.deepEqual(parseCameras('0-3,25,3'), { kind: 'ids', ids: ['0', '1', '2', '3', '25'] });
  assert.deepEqual(parseCameras('spread:12'), { kind: 'spread', count: 12 });
  assert.throws(() => parseCameras('front'), /not a camera number/);
  assert.deepEqual(parseFrames('10:20:5'), { kind: 'range', start: 10, end: 20, step: 5 });
  assert.deepEqual(parseFrames('::10'), { kind: 'range', start: 0, end: null, step: 10 });
  assert.deepEqual(parseFrames('7'), { kind: 'range', start: 7, end: 8, step: 1 });
  assert.throws(() => parseFrames('0:10:0'), /step must be at least 1/);
  assert.throws(() => parseFrames('a:b'), /whole number/);
  assert.deepEqual(
    selectFrames(
      parseFrames('::10'),
      Array.from({ length: 35 }, (_, i) => i),
    ),
    [0, 10, 20, 30],
  );
  assert.deepEqual(selectFrames(parseFrames('5:'), [0, 3, 5, 9]), [5, 9]);
  assert.deepEqual(selectFrames({ kind: 'spread', count: 3 }, [0, 1, 2, 3, 4, 5, 6, 7, 8]), [0, 4, 8]);
});

test('CLI: extract a folder in worker threads, dry run with --json, and usage errors', async () => {
  const dir = await tmp();
  const dry = await cli('extract', fixturePath('smc', '0026_e0_anno.smc'), '--out', dir, '--preset', 'sample', '--dry-run', '--json');
  assert.equal(dry.code, 0, dry.err);
  const plan = JSON.parse(dry.out);
  assert.equal(plan.performances.length, 1);
  assert.equal(plan.performances[0].label, '0026_e0');
  assert.equal(plan.performances[0].files.length, 2, 'the partner raw file is found');
  assert.deepEqual(await readdir(dir), []);

  // Two performances: one worker thread each.
  const folder = await tmp();
  for (const p of ['0026_h0', '0026_s1_all']) {
    for (const k of ['anno', 'raw'])
      await import('node:fs/promises').then((fs) => fs.copyFile(fixturePath('smc', `${p}_${k}.smc`), join(folder, `${p}_${k}.smc`)));
  }
  const run = await cli('extract', folder, '--out', dir, '--parts', 'images,metadata', '--cameras', '25', '--frames', '0:2');
  assert.equal(run.code, 0, run.err);
  // Per performance: 2 images, 2 metadata files from each of the 2 files, and the 2 reports.
  assert.match(run.out, /0026_h0 .*8 written, 0 skipped/);
  assert.match(run.out, /0026_s1_all .*8 written, 0 skipped/);
  const tree = [...(await listTree(dir)).keys()];
  assert.ok(tree.includes('0026_h0/from_raw/images/cam_25/frame_000001.jpg') && tree.includes('0026_s1_all/from_raw/images/cam_25/frame_000000.jpg'));
  const exp = expectedJson('smc', '0026_h0_raw');
  assert.equal(sha256(await readFile(join(dir, '0026_h0/from_raw/images/cam_25/frame_000000.jpg'))), exp.color_samples[0].sha256);
  const again = await cli('extract', folder, '--out', dir, '--parts', 'images,metadata', '--cameras', '25', '--frames', '0:2');
  assert.match(again.out, /0 written, 8 skipped/);

  for (const args of [
    ['--out', dir],
    [fixturePath('smc', '0026_h0_raw.smc')],
    [fixturePath('smc', '0026_h0_raw.smc'), '--out', dir, '--parts', 'mesh'],
    [fixturePath('smc', '0026_h0_raw.smc'), '--out', dir, '--frames', '1:2:0'],
  ]) {
    const r = await cli('extract', ...args);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.err, /usage: bodycap extract/);
  }
  const bad = await cli('extract', fixturePath('smc', 'broken_truncated.smc'), '--out', dir, '--json');
  assert.equal(bad.code, 2);
  assert.equal(JSON.parse(bad.out).performances[0].error.code, 'truncated');
});
