// One test per class of bug the fuzzer (test/fuzz) found, each with a minimized reproducer made here:
// names holding control characters broke the CLI's one-line messages; a num_frame of 10^12 or
// Infinity ran the extension out of memory; an image whose bytes lie past the end of the file (or
// a file that shrinks while extracting) failed extraction with an internal error.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../../src/core/errors';
import { copyInThreads } from '../../src/core/extract/copyThreads';
import { extractPerformance } from '../../src/core/extract/extractPerformance';
import { PayloadReader } from '../../src/core/extract/payloadReader';
import { loadH5wasm } from '../../src/core/hdf5/openHdf5';
import { NpzReader } from '../../src/core/numpy/npz';
import { MAX_NUM_FRAME } from '../../src/core/smc/smcHeader';
import { SmcFile } from '../../src/core/smc/smcFile';
import { buildAudioTrack } from '../../src/extension/smc/smcAudio';
import { closeSmcSource, openSmcSource, SmcSession } from '../../src/extension/smc/smcSession';
import { reportError } from '../../src/cli/output';
import { largestAllocation } from '../helpers/allocationWatch';
import { cli } from '../helpers/cli';
import { listTree } from '../helpers/extractTree';
import { fixtureParts, writeHostileSmc, type HostileSmcParts } from '../helpers/hostileSmc';
import { writeSmc } from '../helpers/smcWriter';
import { tempDir } from '../helpers/tempDir';

const tmp = () => tempDir('fuzz-found');
const VERSION = '0.0.0-test';

let parts: HostileSmcParts;
before(async () => {
  parts = await fixtureParts();
});

test('a name with a newline or NUL from the file never breaks the CLI one-line message (fuzz seed 1, case 3)', async () => {
  const dir = await tmp();
  const part = join(dir, 'part_raw.smc');
  await writeHostileSmc(part, parts, { part: 'e0UUUU', cameras: ['25'], patches: [['e0UUUU', 'e0\n/..']] });
  const r = await cli('extract', part, '--out', join(dir, 'out'));
  assert.equal(r.code, 2, r.err);
  const lines = r.err.trimEnd().split('\n');
  assert.equal(lines.length, 1, r.err);
  assert.match(lines[0]!, /^bodycap: .*The performance part "e0\\n\/\.\." in .* cannot name an output folder: it contains a path separator$/);

  // Whatever a message holds, the CLI prints it on one line.
  let err = '';
  assert.equal(reportError({ out: () => undefined, err: (t) => void (err += t), isTty: false }, new InputError('corrupt', 'a\nb\u0000c'), false), 2);
  assert.equal(err, 'bodycap: a\\nb\\u0000c\n');

  // Camera ids with control characters (a NUL fits in the length-prefixed names of the newer HDF5
  // layout): skipped, and every note and report line stays one line, the names escaped.
  for (const [format, hostile, shown] of [
    ['h5py', ['NNNNN', 'a\nb\rc'], /Camera id "a\\nb\\rc" cannot be used in a file name \(it contains characters/],
    ['latest', ['ZZZZZ', 'xx\u0000yy'], /Camera id "xx\\u0000yy" cannot be used in a file name \(it contains characters/],
  ] as const) {
    const cams = join(dir, `cams_${format}_raw.smc`);
    await writeHostileSmc(cams, parts, { format, cameras: [[...hostile], '25'] });
    const out = join(dir, `out_${format}`);
    const e = await cli('extract', cams, '--out', out, '--preset', 'full');
    assert.equal(e.code, 0, e.err);
    for (const line of e.err.trimEnd().split('\n')) assert.match(line, /^(bodycap: |\S.*: \d+ files, )/, line);
    const info = await readFile(join(out, '0099_e7', 'extraction_info.txt'), 'utf8');
    assert.match(info, shown);
    assert.ok(
      info.split('\n').every((l) => !l.includes('\u0000') && !l.includes('\r')),
      'no control character in the report',
    );
    assert.match(info, /^Cameras: all → 2 \(25, .*\)$/m);
    assert.deepEqual(
      [...(await listTree(join(out, '0099_e7', 'from_raw', 'images'))).keys()].map((p) => p.split('/')[0]),
      ['cam_25', 'cam_25', 'cam_25'],
    );
  }
});

/** Replaces an attribute of `group` (h5wasm, in place). */
async function setAttribute(path: string, group: string, name: string, value: Float64Array | BigInt64Array): Promise<void> {
  const h5 = await loadH5wasm();
  const f = new h5.File(path, 'a');
  try {
    const g = f.get(group) as unknown as { delete_attribute(n: string): number; create_attribute(n: string, v: unknown, shape: number[], dtype: string): void };
    g.delete_attribute(name);
    g.create_attribute(name, value, value.length === 1 ? [] : [value.length], value instanceof BigInt64Array ? '<q' : '<d');
  } finally {
    f.close();
  }
}

test('a num_frame of 10^12 or Infinity, or an absurd resolution, is ignored with a warning instead of exhausting memory (fuzz seed 4, cases 306, 319)', async () => {
  const dir = await tmp();
  const cases: [string, string, Float64Array | BigInt64Array][] = [
    ['num_frame', '/Camera', BigInt64Array.of(10n ** 12n)],
    ['num_frame', '/Camera', Float64Array.of(Infinity)],
    ['num_frame', '/Keypoints2d', BigInt64Array.of(2n ** 40n)],
    ['resolution', '/Camera', BigInt64Array.of(2n ** 40n, -5n)],
  ];
  for (const [i, [name, group, value]] of cases.entries()) {
    const path = join(dir, `0099_e${i}_anno.smc`);
    await writeSmc(path, {
      part: `e${i}`,
      numFrame: 3,
      images: { kind: 'mask', cameras: ['25'], bytes: () => parts.png },
      calibration: { '25': parts.cal },
      keypoints2d: { '25': { 0: Float32Array.from({ length: 212 }, (_, k) => k) } },
    });
    await setAttribute(path, group, name, value);
    const file = await SmcFile.open(path);
    try {
      const inv = await file.inventory();
      const bad = inv.warnings.filter((w) => w.code === 'bad-attribute');
      assert.equal(bad.length, value.length, JSON.stringify(inv.warnings));
      assert.match(bad[0]!.message, new RegExp(`${group}.*${name.replace('resolution', 'resolution\\[0\\]')}`));
      const { numFrame, resolution } = file.header.cameraInfo;
      assert.ok(numFrame <= MAX_NUM_FRAME && resolution.every((r) => r >= 0 && r <= 65535), JSON.stringify(file.header.cameraInfo));
      assert.deepEqual(file.frames('25', 'mask'), [0, 1, 2]);
      if (group === '/Camera' && name === 'num_frame') assert.ok(!inv.warnings.some((w) => w.code === 'extra-frames'), 'no frame is beyond an unknown count');
    } finally {
      file.close();
    }
    // The editor's timeline and an extraction follow the frames present.
    const source = await openSmcSource(path);
    try {
      assert.equal((await new SmcSession(source).handlers.contents(undefined)).frameCount, 3);
    } finally {
      closeSmcSource(source);
    }
    const { result } = await extractPerformance({ label: 'x', primary: path, partner: null }, { preset: 'full' }, join(dir, `out${i}`), { version: VERSION });
    assert.ok(result!.filesWritten > 0);
  }
});

test('a calibration whose K or RT has another shape is no calibration, not a crash of the extraction (fuzz seed 5, case 342)', async () => {
  const dir = await tmp();
  const path = join(dir, '0099_e3_anno.smc');
  await writeSmc(path, {
    part: 'e3',
    numFrame: 2,
    images: { kind: 'mask', cameras: ['18', '25', '30'], bytes: () => parts.png },
    calibration: { '25': parts.cal },
    keypoints2d: { '18': { 0: Float32Array.from({ length: 212 }, (_, k) => k) } },
    keypoints3d: { 0: Float64Array.from({ length: 318 }, (_, k) => k / 100) },
  });
  const h5 = await loadH5wasm();
  const f = new h5.File(path, 'a');
  try {
    // Camera 18: K of 2 × 3; camera 30: RT of 3 × 4 (the fuzzer set a dimension to 0).
    f.create_group('/Calibration/18');
    f.create_group('/Calibration/30');
    f.create_dataset({ name: '/Calibration/18/K', data: new Float32Array(6), shape: [2, 3] });
    f.create_dataset({ name: '/Calibration/18/D', data: new Float32Array(5) });
    f.create_dataset({ name: '/Calibration/18/RT', data: Float64Array.from(parts.cal.RT.flat()), shape: [4, 4] });
    f.create_dataset({ name: '/Calibration/30/K', data: Float32Array.from(parts.cal.K.flat()), shape: [3, 3] });
    f.create_dataset({ name: '/Calibration/30/D', data: new Float32Array(5) });
    f.create_dataset({ name: '/Calibration/30/RT', data: new Float64Array(12), shape: [3, 4] });
  } finally {
    f.close();
  }
  const file = await SmcFile.open(path);
  try {
    assert.equal(await file.calibration('18'), null);
    assert.equal(await file.calibration('30'), null);
    assert.deepEqual([...(await file.calibrationAll()).keys()], ['25']);
    const w = (await file.inventory()).warnings.find((x) => x.code === 'calibration-incomplete');
    assert.match(w!.message, /for cameras 18, 30$/);
  } finally {
    file.close();
  }
  const source = await openSmcSource(path);
  try {
    const overlay = await new SmcSession(source).handlers.keypoints({ camera: '18', frame: 0 });
    assert.equal(overlay.projected, null, 'no projection without a calibration');
  } finally {
    closeSmcSource(source);
  }
  const r = await cli('extract', path, '--out', join(dir, 'out'), '--preset', 'full');
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(
    [...(await listTree(join(dir, 'out', '0099_e3', 'from_anno', 'calibration'))).keys()],
    ['all_cameras.json', 'all_cameras.npz', 'cam_25.npz'],
  );
});

test('audio claiming a billion samples in a small file is left out with a warning; a track too long to play is a classified error (fuzz seed 91121, case 419)', async () => {
  const dir = await tmp();
  const path = join(dir, '0099_s2_raw.smc');
  const samples = Float32Array.from({ length: 4800 }, (_, i) => Math.sin(i / 10) / 2);
  await writeSmc(path, {
    part: 's2',
    numFrame: 2,
    images: { kind: 'color', cameras: ['25'], bytes: () => parts.jpeg },
    audio: { samples, channels: 2, sampleRate: 48000 },
  });
  // The dataspace of the samples: (2400, 2) with its maximum, 8 bytes each.
  const b = await readFile(path);
  const dims = Buffer.alloc(32);
  [2400, 2, 2400, 2].forEach((d, i) => dims.writeBigUInt64LE(BigInt(d), 8 * i));
  const at = b.indexOf(dims);
  assert.ok(at > 0 && b.indexOf(dims, at + 1) < 0);
  b.writeBigUInt64LE(10n ** 9n, at);
  b.writeBigUInt64LE(10n ** 9n, at + 16);
  await writeFile(path, b);
  const file = await SmcFile.open(path);
  try {
    assert.equal(await file.audioInfo(), null);
    assert.match(
      (await file.inventory()).warnings.find((w) => w.code === 'audio-incomplete')!.message,
      /\/Camera\/00\/audio\/audio is damaged \(it claims 8,000,000,000 bytes.*\); the audio is left out/,
    );
  } finally {
    file.close();
  }
  const source = await openSmcSource(path);
  try {
    assert.equal(await new SmcSession(source).handlers.audio({ buckets: 300 }), null);
  } finally {
    closeSmcSource(source);
  }
  const r = await cli('extract', path, '--out', join(dir, 'out'), '--preset', 'full');
  assert.equal(r.code, 0, r.err);
  // An hour of 48 kHz stereo is more than a webview is sent: refused before reading, as an input problem.
  const hour = { sampleCount: 3600 * 48000, channels: 2, sampleRate: 48000, read: async () => new Float32Array(0) };
  await assert.rejects(
    buildAudioTrack(hour, 300),
    (e: unknown) => e instanceof InputError && e.code === 'too-large' && e.message.includes('too long to play here (60.0 min)'),
  );
});

test('a per-frame array claiming 2^40 rows is reported and left out; the extraction allocates nothing for the claim (fuzz seed 112026, case 352)', async () => {
  const dir = await tmp();
  const path = join(dir, '0099_e4_anno.smc');
  const kp3 = Float64Array.from({ length: 318 }, (_, k) => k / 100);
  await writeSmc(path, { part: 'e4', numFrame: 3, images: { kind: 'mask', cameras: ['25'], bytes: () => parts.png }, keypoints3d: { 0: kp3, 1: kp3, 2: kp3 } });
  // The first (106, 3) dataspace with its maximum: one frame's landmarks now claim 2^40 rows.
  const b = await readFile(path);
  const dims = Buffer.alloc(32);
  [106, 3, 106, 3].forEach((d, i) => dims.writeBigUInt64LE(BigInt(d), 8 * i));
  const at = b.indexOf(dims);
  assert.ok(at > 0);
  b.writeBigUInt64LE(2n ** 40n, at);
  b.writeBigUInt64LE(2n ** 40n, at + 16);
  await writeFile(path, b);
  const file = await SmcFile.open(path);
  let damagedFrame: number;
  try {
    const inv = await file.inventory();
    damagedFrame = [0, 1, 2].find((f) => file.hdf5.dataset(`/Keypoints3d/${f}`)!.shape![0] === 2 ** 40)!;
    assert.deepEqual(inv.keypoints3d!.shape, [106, 3], 'the shape comes from a frame the file holds');
    assert.ok(
      inv.warnings.some((w) => w.code === 'damaged-data' && w.message.includes(`Keypoints3d, frames ${damagedFrame}: the data is damaged`)),
      JSON.stringify(inv.warnings),
    );
  } finally {
    file.close();
  }
  const { bytes, outcome } = await largestAllocation(() =>
    extractPerformance({ label: 'x', primary: path, partner: null }, { preset: 'full' }, join(dir, 'out'), { version: VERSION }),
  );
  assert.equal(outcome.status, 'fulfilled', String((outcome as PromiseRejectedResult).reason?.stack));
  assert.ok(bytes < 64 * 2 ** 20, `${bytes} bytes requested`);
  const npz = await NpzReader.open(join(dir, 'out', '0099_e4', 'from_anno', 'keypoints3d', 'all_frames.npz'));
  try {
    assert.deepEqual((await npz.read('keypoints')).shape, [3, 106, 3]);
    assert.deepEqual(
      Array.from((await npz.read('valid')).values() as Uint8Array),
      [0, 1, 2].map((f) => (f === damagedFrame ? 0 : 1)),
    );
  } finally {
    npz.close();
  }
});

/** Moves the stored bytes of `dataset` past the end of the file (its layout address is rewritten). */
async function pointPastEnd(path: string, dataset: string): Promise<void> {
  const f = await SmcFile.open(path);
  const info = f.hdf5.dataset(dataset)!;
  f.close();
  const b = await readFile(path);
  // Contiguous layout message: address then size, 8 bytes each.
  const needle = Buffer.alloc(16);
  needle.writeBigUInt64LE(BigInt(info.fileOffset!));
  needle.writeBigUInt64LE(BigInt(info.byteLength), 8);
  const at = b.indexOf(needle);
  assert.ok(at > 0 && b.indexOf(needle, at + 1) < 0, 'one layout message holds that range');
  b.writeBigUInt64LE(BigInt(b.length - 100), at);
  await writeFile(path, b);
}

test('an image whose bytes lie past the end of the file is left out of an extraction with a note, and refused by the reader (fuzz seed 4, cases 486, 619)', async () => {
  const dir = await tmp();
  const path = join(dir, '0099_e1_raw.smc');
  await writeSmc(path, { part: 'e1', numFrame: 3, images: { kind: 'color', cameras: ['25'], bytes: () => parts.jpeg }, uvTexture: { 0: parts.jpeg } });
  await pointPastEnd(path, '/Camera/25/color/1');
  await pointPastEnd(path, '/UV_texture/0');
  const out = join(dir, 'out');
  const r = await cli('extract', path, '--out', out, '--parts', 'images,uv');
  assert.equal(r.code, 0, r.err);
  assert.deepEqual([...(await listTree(join(out, '0099_e1', 'from_raw'))).keys()], ['images/cam_25/frame_000000.jpg', 'images/cam_25/frame_000002.jpg']);
  const info = await readFile(join(out, '0099_e1', 'extraction_info.txt'), 'utf8');
  assert.match(info, /Camera 25 frame 1: the color entry is damaged \(it claims [\d,]+ bytes at byte [\d,]+, past the end of the [\d,]+-byte file\); left out/);
  assert.match(info, /\/UV_texture\/0 is damaged/);
  const file = await SmcFile.open(path);
  try {
    await assert.rejects(file.readImage('25', 'color', 1), (e: unknown) => e instanceof InputError && e.code === 'corrupt');
  } finally {
    file.close();
  }
});

test('a file that shrinks while its payloads are copied is an input error, not an internal one', async () => {
  const dir = await tmp();
  const path = join(dir, '0099_e2_raw.smc');
  await writeSmc(path, { part: 'e2', numFrame: 2, images: { kind: 'color', cameras: ['25'], bytes: () => parts.jpeg } });
  const file = await SmcFile.open(path);
  const info = file.hdf5.dataset('/Camera/25/color/1')!;
  const reader = await PayloadReader.open({ raw: file });
  try {
    await truncate(path, info.fileOffset! + 10);
    await assert.rejects(
      reader.read('raw', info.path, info.fileOffset, info.byteLength),
      (e: unknown) => e instanceof InputError && e.code === 'truncated' && e.message.includes('ends inside'),
    );
    const job = { source: path, dataset: info.path, offset: info.fileOffset!, length: info.byteLength, target: join(dir, 'x.jpg') };
    await assert.rejects(copyInThreads([job], { threads: 1 }), (e: unknown) => e instanceof InputError && e.code === 'truncated');
  } finally {
    await reader.close();
    file.close();
  }
  await assert.rejects(readFile(join(dir, 'x.jpg')), 'no output under the real name');
});
