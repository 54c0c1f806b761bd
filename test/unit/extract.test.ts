// Extraction of the reference fixtures, checked against their .expected.json: stored image bytes by
// sha256, calibration, landmarks, FLAME, audio and scan values, numpy loading, the exact estimate,
// resuming after a cancel, skipping complete files and the layouts.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { extractPerformance, type PlanSummary } from '../../src/core/extract/extractPerformance';
import type { ExtractResult } from '../../src/core/extract/extractRunner';
import type { ExtractRequest } from '../../src/core/extract/extractOptions';
import { isTemporaryPath } from '../../src/core/io/atomicFile';
import { NpzReader } from '../../src/core/numpy/npz';
import { expectedJson, fixturePath } from '../helpers/fixtures';
import { listTree, numpyLoad, sha256, treeBytes } from '../helpers/extractTree';
import { tempDir } from '../helpers/tempDir';

const VERSION = '0.0.0-test';
const PERFORMANCES = ['0026_e0', '0026_h0', '0026_s1_all'] as const;
const tmp = () => tempDir('extract');

function input(label: string) {
  return { label, primary: fixturePath('smc', `${label}_raw.smc`), partner: fixturePath('smc', `${label}_anno.smc`) };
}

async function extract(label: string, request: ExtractRequest, out: string, extra: Partial<Parameters<typeof extractPerformance>[3]> = {}) {
  return extractPerformance(input(label), request, out, { version: VERSION, ...extra }) as Promise<{ summary: PlanSummary; result: ExtractResult }>;
}

/** Every encoded dataset of a fixture with its sha256, from the reference's full HDF5 inventory. */
function encodedDatasets(name: string): Map<string, string> {
  const datasets: Record<string, { sha256?: string }> = expectedJson('smc', name).hdf5.datasets;
  return new Map(
    Object.entries(datasets)
      .filter(([, d]) => d.sha256)
      .map(([p, d]) => [p, d.sha256!]),
  );
}

/** Where the separate layout puts a stored image of dataset `path` (read from `kind`). */
function imageTarget(kind: 'anno' | 'raw', path: string, ext: string): string {
  const pad = (f: string) => `frame_${f.padStart(6, '0')}`;
  let m = /^\/Camera\/(\d+)\/(color|mask)\/(\d+)$/.exec(path);
  if (m) return `from_${kind}/${m[2] === 'color' ? 'images' : 'masks'}/cam_${m[1]}/${pad(m[3]!)}${ext}`;
  if ((m = /^\/UV_texture\/(\d+)$/.exec(path))) return `from_${kind}/uv_texture/${pad(m[1]!)}${ext}`;
  if ((m = /^\/ScanMask\/(\d+)$/.exec(path))) return `from_${kind}/scan_mask/cam_${m[1]}${ext}`;
  throw new Error(`unexpected encoded dataset ${path}`);
}

describe('full extraction of every fixture performance (separate layout)', () => {
  const out: Record<string, { root: string; summary: PlanSummary; result: ExtractResult }> = {};
  let arrays: ReturnType<typeof numpyLoad>;
  before(async () => {
    const dir = await tmp();
    for (const label of PERFORMANCES) {
      const { summary, result } = await extract(label, { preset: 'full' }, dir);
      out[label] = { root: join(dir, label), summary, result };
    }
    const npz: string[] = [];
    for (const label of PERFORMANCES)
      for (const rel of (await listTree(out[label]!.root)).keys()) if (rel.endsWith('.npz')) npz.push(join(out[label]!.root, rel));
    arrays = numpyLoad(npz);
  });

  test('every stored image, mask, UV texture and scan mask is written byte for byte', async () => {
    for (const label of PERFORMANCES) {
      const tree = await listTree(out[label]!.root);
      for (const kind of ['anno', 'raw'] as const) {
        const name = `${label}_${kind}`;
        const encoded = encodedDatasets(name);
        const hdf5: Record<string, { encoded?: string }> = expectedJson('smc', name).hdf5.datasets;
        assert.ok(encoded.size > 0);
        for (const [path, hash] of encoded) {
          const rel = imageTarget(kind, path, hdf5[path]!.encoded === 'png' ? '.png' : '.jpg');
          assert.ok(tree.has(rel), `${label}: ${rel} is missing`);
          assert.equal(sha256(await readFile(join(out[label]!.root, rel))), hash, rel);
        }
        const counts = expectedJson('smc', name).cameras.image_counts;
        const images = [...tree.keys()].filter((r) => r.startsWith(`from_${kind}/images/`)).length;
        const masks = [...tree.keys()].filter((r) => r.startsWith(`from_${kind}/masks/`)).length;
        assert.deepEqual([images, masks], [counts.color, counts.mask], name);
      }
    }
  });

  test('the estimate is the exact size of what was written, and no temporary file is left', async () => {
    for (const label of PERFORMANCES) {
      const { root, summary, result } = out[label]!;
      const tree = await listTree(root);
      assert.equal(summary.exact, true);
      assert.equal(tree.size, summary.files, label);
      assert.equal(await treeBytes(root), summary.bytes, label);
      assert.deepEqual([result.filesWritten, result.filesSkipped, result.bytesWritten], [summary.files, 0, summary.bytes]);
      assert.ok(![...tree.keys()].some((r) => isTemporaryPath(r.split('/').pop()!)));
      assert.ok(tree.has('extraction_info.txt') && tree.has('size_summary.txt'));
    }
  });

  test('calibration (all cameras and one file per camera) has the stored K, D and RT', () => {
    for (const label of PERFORMANCES) {
      const exp = expectedJson('smc', `${label}_anno`).calibration;
      const all = arrays[join(out[label]!.root, 'from_anno/calibration/all_cameras.npz')]!;
      assert.deepEqual(all.camera_ids!.values, exp.camera_ids);
      assert.deepEqual([all.K!.dtype, all.K!.shape, all.RT!.shape, all.D!.shape], ['<f8', [60, 3, 3], [60, 4, 4], [60, 5]]);
      for (const [cam, c] of Object.entries(exp.samples as Record<string, { K: number[][]; D: number[]; RT: number[][] }>)) {
        const i = exp.camera_ids.indexOf(cam);
        assert.deepEqual(all.K!.values!.slice(i * 9, i * 9 + 9), c.K.flat());
        assert.deepEqual(all.RT!.values!.slice(i * 16, i * 16 + 16), c.RT.flat());
        const one = arrays[join(out[label]!.root, `from_anno/calibration/cam_${cam}.npz`)]!;
        assert.deepEqual([one.K!.values, one.D!.values, one.RT!.values], [c.K.flat(), c.D, c.RT.flat()]);
      }
    }
  });

  test('2D and 3D landmarks: one row per frame with the stored values, valid flags, frame ids', () => {
    for (const label of PERFORMANCES) {
      const exp = expectedJson('smc', `${label}_anno`);
      const frames = exp.keypoints3d.frames as number[];
      for (const s of exp.keypoints2d.samples as { camera: string; frame: number; first3: number[][]; sum: number }[]) {
        const a = arrays[join(out[label]!.root, `from_anno/keypoints2d/cam_${s.camera}.npz`)]!;
        assert.deepEqual([a.keypoints!.dtype, a.keypoints!.shape], ['<f4', [frames.length, 106, 2]]);
        assert.deepEqual(a.frames!.values, frames);
        assert.deepEqual(
          a.valid!.values,
          frames.map(() => true),
        );
        const row = a.keypoints!.values!.slice(s.frame * 212, s.frame * 212 + 6) as number[];
        assert.deepEqual(row, s.first3.flat());
      }
      assert.equal(
        Object.keys(exp.keypoints2d.cameras).length,
        [...Object.keys(arrays)].filter((f) => f.startsWith(out[label]!.root + '/') && f.includes('/keypoints2d/')).length,
      );
      const k3 = arrays[join(out[label]!.root, 'from_anno/keypoints3d/all_frames.npz')]!;
      assert.deepEqual([k3.keypoints!.dtype, k3.keypoints!.shape], ['<f8', [frames.length, 106, 3]]);
      for (const s of exp.keypoints3d.samples as { frame: number; first3: number[][]; sum: number }[]) {
        const rows = k3.keypoints!.values!.slice(s.frame * 318, (s.frame + 1) * 318) as number[];
        assert.deepEqual(rows.slice(0, 9), s.first3.flat());
        assert.ok(Math.abs(rows.reduce((a, b) => a + b, 0) - s.sum) < 1e-9);
      }
    }
  });

  test('FLAME: every parameter as a (frames, ...) array with the stored values', () => {
    const exp = expectedJson('smc', '0026_e0_anno').flame;
    const f = arrays[join(out['0026_e0']!.root, 'from_anno/flame/all_frames.npz')]!;
    assert.deepEqual(Object.keys(f).sort(), ['frames', 'valid', ...Object.keys(exp.keys)].sort());
    for (const [key, meta] of Object.entries(exp.keys as Record<string, { shape: number[] }>)) {
      assert.deepEqual([f[key]!.dtype, f[key]!.shape], ['<f8', [exp.frames.length, ...meta.shape]], key);
    }
    for (const s of exp.samples) {
      const row = (key: string, n: number) => f[key]!.values!.slice(s.frame * n, s.frame * n + n);
      assert.deepEqual(row('global_pose', 3), s.global_pose);
      assert.deepEqual(row('jaw_pose', 3), s.jaw_pose);
      assert.deepEqual(row('trans', 3), s.trans);
      assert.deepEqual(row('shape', 100).slice(0, 5), s.shape_first5);
      assert.deepEqual(row('exp', 50).slice(0, 5), s.exp_first5);
    }
    assert.equal(f.albedos!.values, null, 'large arrays are checked by shape only');
    for (const label of ['0026_h0', '0026_s1_all']) assert.ok(!Object.keys(arrays).some((p) => p.startsWith(out[label]!.root + '/') && p.includes('/flame/')));
  });

  test('audio: audio_data.npz holds the stored samples and rate; audio.wav is 32-bit float with the same samples', async () => {
    const exp = expectedJson('smc', '0026_s1_all_raw').audio;
    const npz = arrays[join(out['0026_s1_all']!.root, 'from_raw/audio/audio_data.npz')]!;
    assert.deepEqual([npz.audio!.dtype, npz.audio!.shape, npz.audio!.sha256], ['<f4', exp.audio.shape, exp.audio.sha256_raw]);
    assert.deepEqual(npz.sample_rate!.values, [exp.sample_rate.value]);
    const wav = await readFile(join(out['0026_s1_all']!.root, 'from_raw/audio/audio.wav'));
    assert.equal(wav.toString('latin1', 0, 4) + wav.toString('latin1', 8, 16), 'RIFFWAVEfmt ');
    assert.deepEqual([wav.readUInt16LE(20), wav.readUInt16LE(22), wav.readUInt32LE(24), wav.readUInt16LE(34)], [3, exp.channels, exp.sample_rate.value, 32]);
    assert.equal(wav.toString('latin1', 50, 54), 'data');
    assert.equal(wav.readUInt32LE(54), exp.frames * exp.channels * 4);
    assert.equal(sha256(wav.subarray(58)), exp.audio.sha256_raw);
    assert.equal(wav.readUInt32LE(4), wav.length - 8);
  });

  test('scan mesh: binary PLY with the expected vertex and face counts and the stored vertices', async () => {
    const exp = expectedJson('smc', '0026_e0_anno').scan;
    const ply = await readFile(join(out['0026_e0']!.root, 'from_anno/scan_mesh/mesh.ply'));
    const end = ply.indexOf('end_header\n') + 'end_header\n'.length;
    const header = ply.toString('latin1', 0, end);
    assert.match(header, /format binary_little_endian 1\.0/);
    assert.match(header, new RegExp(`element vertex ${exp.ply.vertex_count}\\n`));
    assert.match(header, new RegExp(`element face ${exp.ply.face_count}\\n`));
    assert.deepEqual(
      [0, 4, 8].map((o) => ply.readFloatLE(end + o)),
      exp.vertex.first.map(Math.fround),
    );
    const faces = end + exp.ply.vertex_count * 12;
    assert.deepEqual([ply[faces], ply.readInt32LE(faces + 1), ply.readInt32LE(faces + 5), ply.readInt32LE(faces + 9)], [3, ...exp.vertex_indices.first]);
    assert.equal(ply.length, faces + exp.ply.face_count * 13);
  });

  test('metadata and reports say what the files hold and what is missing', async () => {
    const root = out['0026_e0']!.root;
    const info = JSON.parse(await readFile(join(root, 'from_anno/metadata/info.json'), 'utf8'));
    const exp = expectedJson('smc', '0026_e0_anno');
    assert.equal(info.actor_id, exp.root_attrs.actor_id);
    assert.equal(info.capture_date, exp.root_attrs.capture_date);
    assert.deepEqual(info.camera_info.resolution_height_width, exp.camera_info.resolution);
    assert.equal(info.sources[0].kind, 'anno');
    const text = await readFile(join(root, 'extraction_info.txt'), 'utf8');
    assert.match(text, /0026_e0_anno\.smc/);
    assert.match(text, /byte for byte/);
    assert.match(text, /Missing or unusual data: none found\./);
    const sizes = await readFile(join(root, 'size_summary.txt'), 'utf8');
    assert.match(sizes, new RegExp(`images\\s+180\\s+${exp.size_bytes ? '' : ''}`));
    // Speech with everything present: the raw file's lack of calibration is not "missing data".
    assert.doesNotMatch(await readFile(join(out['0026_s1_all']!.root, 'extraction_info.txt'), 'utf8'), /No calibration/);
  });

  test('a re-run skips every complete file; --force rewrites them', async () => {
    const { root, summary } = out['0026_h0']!;
    const before = await listTree(root);
    const again = await extract('0026_h0', { preset: 'full' }, join(root, '..'));
    assert.deepEqual([again.result.filesSkipped, again.result.filesWritten, again.result.bytesWritten], [summary.files, 0, 0]);
    const forced = await extract('0026_h0', { preset: 'full' }, join(root, '..'), { force: true });
    assert.deepEqual([forced.result.filesSkipped, forced.result.filesWritten], [0, summary.files]);
    assert.deepEqual(await listTree(root), before);
  });
});

/** Files of two trees are identical: bytes, or for .npz the arrays (zip member timestamps differ by run). */
async function assertSameTrees(a: string, b: string): Promise<void> {
  const ta = await listTree(a);
  const tb = await listTree(b);
  assert.deepEqual([...tb.keys()], [...ta.keys()]);
  for (const rel of ta.keys()) {
    if (!rel.endsWith('.npz')) {
      assert.ok((await readFile(join(a, rel))).equals(await readFile(join(b, rel))), rel);
      continue;
    }
    const [za, zb] = [await NpzReader.open(join(a, rel)), await NpzReader.open(join(b, rel))];
    try {
      assert.deepEqual(zb.names, za.names, rel);
      for (const n of za.names) {
        const [x, y] = [await za.read(n), await zb.read(n)];
        assert.deepEqual([y.dtype, y.shape], [x.dtype, x.shape]);
        assert.ok(Buffer.from(x.bytes).equals(Buffer.from(y.bytes)), `${rel}:${n}`);
      }
    } finally {
      za.close();
      zb.close();
    }
  }
}

describe('cancel and resume', () => {
  test('cancelling leaves only complete files and no temporary ones; the re-run completes an identical tree', async () => {
    const ref = await tmp();
    await extract('0026_e0', { preset: 'full' }, ref);
    const dir = await tmp();
    const abort = new AbortController();
    let cancelledAt = 0;
    await assert.rejects(
      extract('0026_e0', { preset: 'full' }, dir, {
        signal: abort.signal,
        progressMs: 0,
        concurrency: 4,
        onProgress: (p) => {
          if (p.filesDone >= 150 && !abort.signal.aborted) {
            cancelledAt = p.filesDone;
            abort.abort();
          }
        },
      }),
      (err: Error) => err.name === 'AbortError',
    );
    const partial = await listTree(join(dir, '0026_e0'));
    assert.ok(cancelledAt >= 150 && partial.size >= cancelledAt && partial.size < 300, `${partial.size} files after cancelling at ${cancelledAt}`);
    assert.ok(![...partial.keys()].some((r) => isTemporaryPath(r.split('/').pop()!)), 'no temporary file is left');
    assert.ok(!partial.has('extraction_info.txt'), 'the reports are written last');
    // Every file present is complete: same bytes as in the uninterrupted extraction.
    for (const rel of partial.keys())
      if (!rel.endsWith('.npz')) assert.ok((await readFile(join(dir, '0026_e0', rel))).equals(await readFile(join(ref, '0026_e0', rel))), rel);

    // A crash leaves a temporary file behind; the next run removes it.
    const stale = join(dir, '0026_e0', 'from_raw', 'images', 'cam_00', '.frame_000000.jpg.0badc0de.partial');
    await writeFile(stale, 'half');
    const { result } = await extract('0026_e0', { preset: 'full' }, dir);
    assert.ok(result.filesSkipped >= partial.size - 1, `${result.filesSkipped} skipped of ${partial.size}`);
    assert.equal(result.filesSkipped + result.filesWritten, (await listTree(join(ref, '0026_e0'))).size);
    await assertSameTrees(join(ref, '0026_e0'), join(dir, '0026_e0'));
  });

  test('a small file with the right size but other content is rewritten; a cut file too', async () => {
    const dir = await tmp();
    await extract('0026_s1_all', { preset: 'sample', parts: ['metadata', 'images', 'keypoints3d'] }, dir);
    const root = join(dir, '0026_s1_all');
    const info = join(root, 'from_anno/metadata/info.json');
    const original = await readFile(info);
    await writeFile(info, Buffer.alloc(original.length, 0x20));
    const image = (await readdir(join(root, 'from_raw/images/cam_25')))[0]!;
    const imagePath = join(root, 'from_raw/images/cam_25', image);
    const imageBytes = await readFile(imagePath);
    await writeFile(imagePath, imageBytes.subarray(0, 100));
    const kp = join(root, 'from_anno/keypoints3d/all_frames.npz');
    const kpBytes = await readFile(kp);
    const other = await tmp();
    await extract('0026_s1_all', { preset: 'sample', parts: ['keypoints3d'], frames: { kind: 'range', start: 3, end: 6, step: 1 } }, other);
    // Same shape (3 frames), other frames: same size, different arrays.
    const otherKp = await readFile(join(other, '0026_s1_all/from_anno/keypoints3d/all_frames.npz'));
    assert.equal(otherKp.length, kpBytes.length);
    await writeFile(kp, otherKp);
    const { result } = await extract('0026_s1_all', { preset: 'sample', parts: ['metadata', 'images', 'keypoints3d'] }, dir);
    assert.equal(result.filesWritten, 3);
    assert.ok((await readFile(info)).equals(original));
    assert.ok((await readFile(imagePath)).equals(imageBytes));
    const [a] = [await NpzReader.open(kp)];
    try {
      assert.deepEqual(Array.from((await a.read('frames')).values()!, Number), [0, 3, 5]);
    } finally {
      a.close();
    }
  });
});

describe('layouts and selections', () => {
  test('combined layout: one tree, one metadata folder for both files', async () => {
    const dir = await tmp();
    const { summary } = await extract('0026_s1_all', { layout: 'combined', parts: ['metadata', 'images', 'masks', 'audio', 'calibration'] }, dir);
    const tree = await listTree(join(dir, '0026_s1_all'));
    assert.ok(![...tree.keys()].some((r) => r.startsWith('from_')));
    assert.ok(tree.has('images/cam_25/frame_000000.jpg') && tree.has('masks/cam_25/frame_000000.png') && tree.has('audio/audio.wav'));
    const info = JSON.parse(await readFile(join(dir, '0026_s1_all/metadata/info.json'), 'utf8'));
    assert.deepEqual(info.sources.map((s: { kind: string }) => s.kind).sort(), ['anno', 'raw']);
    assert.equal(await treeBytes(join(dir, '0026_s1_all')), summary.bytes);
  });

  test('cameras and frames (ids, ranges, stride) select what is written', async () => {
    const dir = await tmp();
    const { summary } = await extract(
      '0026_s1_all',
      { parts: ['images', 'keypoints2d'], cameras: { kind: 'ids', ids: ['18', '25', '61'] }, frames: { kind: 'range', start: 1, end: null, step: 2 } },
      dir,
    );
    const tree = [...(await listTree(join(dir, '0026_s1_all'))).keys()].filter((r) => !r.endsWith('.txt'));
    const frames = ['000001', '000003', '000005'];
    assert.deepEqual(tree, [
      'from_anno/keypoints2d/cam_18.npz',
      'from_anno/keypoints2d/cam_25.npz',
      ...['18', '25'].flatMap((c) => frames.map((f) => `from_raw/images/cam_${c}/frame_${f}.jpg`)),
    ]);
    assert.deepEqual(summary.cameras, ['18', '25']);
    assert.ok(summary.notes.some((n) => n.includes('not in the files: 61')));
    const kp = numpyLoad([join(dir, '0026_s1_all/from_anno/keypoints2d/cam_25.npz')]);
    assert.deepEqual(Object.values(kp)[0]!.frames!.values, [1, 3, 5]);
  });

  test('presets: avatar research differs by performance kind; sample takes a few spread cameras and frames', async () => {
    const dir = await tmp();
    const speech = await extract('0026_s1_all', { preset: 'avatar' }, dir, { dryRun: true });
    const groups = (s: PlanSummary) => s.byGroup.map((g) => g.group).sort();
    assert.deepEqual(groups(speech.summary), ['audio', 'calibration', 'images', 'metadata', 'report']);
    assert.equal(speech.summary.cameras.length, 12);
    assert.equal(speech.summary.frameCount, 1, 'every 10th of 6 frames is frame 0');
    const expr = await extract('0026_e0', { preset: 'avatar' }, dir, { dryRun: true });
    assert.deepEqual(groups(expr.summary), ['calibration', 'flame', 'keypoints2d', 'keypoints3d', 'metadata', 'report', 'uv']);
    assert.equal(expr.summary.frameCount, 3);
    const sample = await extract('0026_h0', { preset: 'sample' }, dir, { dryRun: true });
    assert.equal(sample.summary.cameras.length, 4);
    assert.ok(sample.summary.cameras.includes('25'), 'the frontal camera is one of them');
    assert.equal(sample.summary.frameCount, 3);
    assert.ok(groups(sample.summary).includes('visualization'));
    assert.deepEqual(await readdir(dir), [], 'a dry run writes nothing');
  });

  test('visualization: a contact sheet of every camera and a landmark overlay, as JPEG', async () => {
    const dir = await tmp();
    const { summary } = await extract('0026_e0', { parts: ['visualization'], frames: { kind: 'range', start: 1, end: 2, step: 1 } }, dir);
    assert.equal(summary.exact, false);
    const tree = await listTree(join(dir, '0026_e0/visualization'));
    assert.deepEqual([...tree.keys()], ['contact_sheet_frame_000001.jpg', 'landmarks_cam_25_frame_000001.jpg']);
    for (const rel of tree.keys()) {
      const b = await readFile(join(dir, '0026_e0/visualization', rel));
      assert.deepEqual([...b.subarray(0, 3)], [0xff, 0xd8, 0xff]);
    }
    await rm(dir, { recursive: true });
  });
});
