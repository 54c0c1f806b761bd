// The BodyCompress source video (issue 17): lens distortion of the bodies drawn over the image
// (against OpenCV's formulas written out in numpy, and against numpy's full projection of the
// moving, distorted camera of the multi_person_varying fixture), where `video_path` is found, and
// how the host reads the video for the webview (byte ranges, caps, a file changed or removed).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { distortNormalized, distortWorldPoints, hasDistortion } from '../../src/core/bodycompress/lensDistortion';
import { frameImages, missingSourceMessage, resolveSourceVideo, type SourceProbe } from '../../src/core/bodycompress/sourceVideoPath';
import { MAX_IMAGE_BYTES, MAX_RANGE_BYTES, readRange, readWhole, servedFile } from '../../src/extension/bodycompress/sourceBytes';
import { cameraView } from '../../src/core/bodycompress/camera';
import { openBodyCompress } from '../../src/core/bodycompress/reader';
import { fixturePath } from '../helpers/fixtures';
import { NdArray } from '../../src/core/numpy/ndarray';
import { tempDir } from '../helpers/tempDir';

/** Runs numpy code (Debian's python3, which has msgpack_numpy too) and returns what it prints as JSON. */
function numpy(code: string): unknown {
  const r = spawnSync('/usr/bin/python3', ['-c', `import json\nimport numpy as np\n${code}`], { encoding: 'utf8' });
  assert.equal(r.status, 0, `python3 with numpy is required (Debian: python3-numpy, python3-msgpack-numpy): ${r.stderr}`);
  return JSON.parse(r.stdout);
}

// OpenCV's distortion (cv::projectPoints, calib3d docs) and cv2.fisheye's, written out in numpy.
const OPENCV = `
def distort(x, y, d):
    d = list(d) + [0.0] * (12 - len(d))
    k1, k2, p1, p2, k3, k4, k5, k6, s1, s2, s3, s4 = d[:12]
    r2 = x * x + y * y
    radial = (1 + k1 * r2 + k2 * r2**2 + k3 * r2**3) / (1 + k4 * r2 + k5 * r2**2 + k6 * r2**3)
    xd = x * radial + 2 * p1 * x * y + p2 * (r2 + 2 * x * x) + s1 * r2 + s2 * r2**2
    yd = y * radial + p1 * (r2 + 2 * y * y) + 2 * p2 * x * y + s3 * r2 + s4 * r2**2
    return xd, yd

def fisheye(x, y, k):
    r = np.hypot(x, y)
    th = np.arctan(r)
    thd = th * (1 + k[0] * th**2 + k[1] * th**4 + k[2] * th**6 + k[3] * th**8)
    s = np.where(r > 0, thd / np.where(r > 0, r, 1), 1)
    return x * s, y * s
`;

describe('lens distortion', () => {
  const coefficients = {
    five: [-0.25, 0.08, 0.002, -0.003, -0.01],
    rational: [-0.3, 0.1, 0.001, 0.002, 0.02, 0.05, -0.01, 0.003],
    thinPrism: [0.1, -0.02, 0.001, -0.001, 0.0, 0.01, 0.0, 0.0, 0.002, -0.001, 0.003, 0.0005],
    fisheye: [0.05, -0.01, 0.002, -0.0005],
  };
  const points = [
    [0, 0],
    [0.3, -0.2],
    [-0.6, 0.45],
    [1.1, 0.8],
    [-0.05, -0.9],
  ];

  test('distortNormalized matches OpenCV (k1, k2, p1, p2, k3; rational k4..k6; thin prism s1..s4; fisheye for 4 coefficients)', () => {
    const expected = numpy(`${OPENCV}
pts = np.array(${JSON.stringify(points)}, np.float64)
out = {}
for name, d in ${JSON.stringify(coefficients)}.items():
    xd, yd = fisheye(pts[:, 0], pts[:, 1], d) if name == 'fisheye' else distort(pts[:, 0], pts[:, 1], d)
    out[name] = np.c_[xd, yd].tolist()
print(json.dumps(out))`) as Record<string, [number, number][]>;
    for (const [name, d] of Object.entries(coefficients)) {
      points.forEach(([x, y], i) => {
        const [xd, yd] = distortNormalized(x!, y!, d);
        const [ex, ey] = expected[name]![i]!;
        assert.ok(Math.abs(xd - ex) < 1e-12 && Math.abs(yd - ey) < 1e-12, `${name} at (${x}, ${y}): (${xd}, ${yd}) vs numpy (${ex}, ${ey})`);
      });
    }
  });

  test('hasDistortion: none stored, or all zero, is a pinhole', () => {
    assert.equal(hasDistortion(null), false);
    assert.equal(hasDistortion([0, 0, 0, 0, 0]), false);
    assert.equal(hasDistortion([0, 0, 0.001, 0, 0]), true);
  });

  test("multi_person_varying.xz: joints moved by distortWorldPoints land, through a pinhole, where numpy's distorted projection puts them", async () => {
    const path = fixturePath('bodycompress', 'multi_person_varying.xz');
    const file = await openBodyCompress(path);
    try {
      const frames = [0, 3];
      const expected = numpy(`${OPENCV}
import sys
sys.path.insert(0, ${JSON.stringify(join(__dirname, '..', 'helpers'))})
from compareBodyCompress import unpack_all  # xz -dc and msgpack_numpy, as the reference reads it
from bodycompressWriter import rodrigues
_, frames = unpack_all(${JSON.stringify(path)})
out = []
for i in ${JSON.stringify(frames)}:
    f = frames[i]
    cam = f['camera']
    joints = f['joints'].reshape(-1, 3).astype(np.float64)
    R = rodrigues(np.asarray(cam['rotvec_w2c'], np.float64))
    K = np.vstack([np.asarray(cam['intr'], np.float64), [0, 0, 1]])
    x = (joints - np.asarray(cam['loc'], np.float64)) @ R.T
    xd, yd = distort(x[:, 0] / x[:, 2], x[:, 1] / x[:, 2], np.asarray(cam['distcoef'], np.float64))
    p = np.c_[xd, yd, np.ones(len(xd))] @ K.T
    out.append({'uv': p[:, :2].tolist(), 'n': int(len(cam['distcoef']))})
print(json.dumps(out))`) as { uv: [number, number][]; n: number }[];
      for (const [k, i] of frames.entries()) {
        const frame = await file.getFrame(i);
        const cam = cameraView(frame.values.get('camera'))!;
        assert.ok(cam.distcoef?.length === expected[k]!.n, 'the fixture stores distortion coefficients');
        const joints = (frame.values.get('joints') as NdArray).values() as Float32Array;
        const moved = distortWorldPoints(joints, cam.R, cam.loc, cam.distcoef);
        for (let j = 0; j < expected[k]!.uv.length; j++) {
          const p = [moved[j * 3]! - cam.loc[0]!, moved[j * 3 + 1]! - cam.loc[1]!, moved[j * 3 + 2]! - cam.loc[2]!];
          const c = [0, 1, 2].map((r) => cam.R[r * 3]! * p[0]! + cam.R[r * 3 + 1]! * p[1]! + cam.R[r * 3 + 2]! * p[2]!);
          const [K, [eu, ev]] = [cam.K, expected[k]!.uv[j]!];
          const u = (K[0]! * c[0]! + K[1]! * c[1]!) / c[2]! + K[2]!;
          const v = (K[4]! * c[1]!) / c[2]! + K[5]!;
          // float32 world points: well under a hundredth of a pixel.
          assert.ok(Math.hypot(u - eu, v - ev) < 0.01, `frame ${i} joint ${j}: (${u}, ${v}) vs numpy (${eu}, ${ev})`);
        }
      }
    } finally {
      await file.close();
    }
  });
});

describe('where the source video is', () => {
  const probeIn = (workspace: Record<string, string>): SourceProbe => ({
    kind: async (p) => {
      const s = await stat(p).catch(() => null);
      return s?.isDirectory() ? 'dir' : s?.isFile() ? 'file' : null;
    },
    findByName: async (name) => workspace[name] ?? null,
  });

  test('absolute, relative to the file, by name next to it (Windows paths too), by name in the workspace, else missing', async () => {
    const dir = await tempDir('source-video');
    try {
      await mkdir(join(dir, 'runs', 'frames'), { recursive: true });
      await mkdir(join(dir, 'videos'), { recursive: true });
      await writeFile(join(dir, 'videos', 'cam0.mp4'), 'x');
      await writeFile(join(dir, 'runs', 'cam1.mp4'), 'x');
      const xz = join(dir, 'runs', 'walk.xz');
      const probe = probeIn({ 'cam2.mp4': '/ws/elsewhere/cam2.mp4' });
      assert.equal(await resolveSourceVideo(null, xz, probe), null);
      assert.equal(await resolveSourceVideo('  ', xz, probe), null);
      assert.deepEqual(await resolveSourceVideo(join(dir, 'videos', 'cam0.mp4'), xz, probe), { found: join(dir, 'videos', 'cam0.mp4'), kind: 'video' });
      assert.deepEqual(await resolveSourceVideo('../videos/cam0.mp4', xz, probe), { found: join(dir, 'videos', 'cam0.mp4'), kind: 'video' });
      assert.deepEqual(await resolveSourceVideo('/data/capture/cam1.mp4', xz, probe), { found: join(dir, 'runs', 'cam1.mp4'), kind: 'video' });
      assert.deepEqual(await resolveSourceVideo('D:\\capture\\cam1.mp4', xz, probe), { found: join(dir, 'runs', 'cam1.mp4'), kind: 'video' });
      assert.deepEqual(await resolveSourceVideo('frames', xz, probe), { found: join(dir, 'runs', 'frames'), kind: 'images' });
      assert.deepEqual(await resolveSourceVideo('/data/capture/cam2.mp4', xz, probe), { found: '/ws/elsewhere/cam2.mp4', kind: 'video' });
      assert.deepEqual(await resolveSourceVideo('/data/capture/cam3.mp4', xz, probe), { missing: '/data/capture/cam3.mp4' });
      assert.equal(missingSourceMessage('/x/y.mp4'), 'Source video /x/y.mp4 not found: pick it with Set Source Video...');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('frame images in natural order, other files left out', () => {
    const names = ['frame_10.png', 'frame_2.png', 'frame_1.png', 'notes.txt', '.frame_0.png', 'frame_100.PNG', 'frame_9.jpg'];
    assert.deepEqual(frameImages(names), ['frame_1.png', 'frame_2.png', 'frame_9.jpg', 'frame_10.png', 'frame_100.PNG']);
  });
});

describe('the host reads the source in byte ranges (sourceBytes.ts)', () => {
  /** A file of `size` random bytes (the expected bytes are the ones written, read back by Node's readFile). */
  async function randomFile(dir: string, name: string, size: number): Promise<{ path: string; bytes: Buffer }> {
    const path = join(dir, name);
    await writeFile(path, randomBytes(size));
    return { path, bytes: await readFile(path) };
  }

  test('ranges: exactly the bytes asked for, the end clipped to the file; beyond the end, empty, negative and over-cap ranges refused', async () => {
    const dir = await tempDir('source-bytes');
    const { path, bytes } = await randomFile(dir, 'v.webm', 100_000);
    const file = await servedFile(path);
    assert.equal(file.size, 100_000);
    for (const [start, end] of [
      [0, 1],
      [0, 4096],
      [12_345, 54_321],
      [99_999, 100_000],
    ] as const)
      assert.deepEqual(Buffer.from(await readRange(file, start, end)), bytes.subarray(start, end), `${start}-${end}`);
    assert.deepEqual(Buffer.from(await readRange(file, 99_000, 120_000)), bytes.subarray(99_000), 'clipped at the end');
    await assert.rejects(readRange(file, 100_000, 100_001), { message: `Byte range 100000-100001 is beyond the end of ${path} (100000 bytes)` });
    await assert.rejects(readRange(file, 10, 10), { message: `Bad byte range 10-10 of ${path}` });
    await assert.rejects(readRange(file, -1, 10), { message: `Bad byte range -1-10 of ${path}` });
    await assert.rejects(readRange(file, 0, MAX_RANGE_BYTES + 1), {
      message: `Byte range 0-${MAX_RANGE_BYTES + 1} of ${path} is over the 8 MiB a request may read`,
    });
    assert.equal((await readRange(file, 0, MAX_RANGE_BYTES)).length, 100_000, 'the cap itself is allowed');
  });

  test('a file changed or removed since the page was told about it: one clear error, nothing read from the new file', async () => {
    const dir = await tempDir('source-bytes');
    const { path } = await randomFile(dir, 'v.webm', 10_000);
    const file = await servedFile(path);
    await writeFile(path, randomBytes(20_000));
    await assert.rejects(readRange(file, 0, 100), { message: `${path} changed on disk since it was opened: open it again` });
    // Same size, written later: still another file.
    const again = await servedFile(path);
    await new Promise((r) => setTimeout(r, 20));
    await writeFile(path, randomBytes(20_000));
    await assert.rejects(readRange(again, 0, 100), { message: `${path} changed on disk since it was opened: open it again` });
    await rm(path);
    await assert.rejects(readRange(again, 0, 100), { message: `${path} is gone` });
    await assert.rejects(servedFile(path), { message: `${path} is gone` });
    await assert.rejects(servedFile(dir), { message: `${dir} is gone` }, 'a folder is not a video');
  });

  test('images are read whole, across several ranges when over 8 MiB; empty and over-64-MiB images refused', async () => {
    const dir = await tempDir('source-bytes');
    const big = await randomFile(dir, 'big.png', MAX_RANGE_BYTES + 12_345);
    assert.deepEqual(Buffer.from(await readWhole(big.path)), big.bytes);
    const empty = join(dir, 'empty.png');
    await writeFile(empty, '');
    await assert.rejects(readWhole(empty), { message: `${empty} is empty` });
    // Sparse: 65 MiB without writing them.
    const huge = join(dir, 'huge.png');
    await writeFile(huge, '');
    await truncate(huge, MAX_IMAGE_BYTES + 2 ** 20);
    await assert.rejects(readWhole(huge), { message: `${huge} is 65 MiB, over the 64 MiB of an image` });
  });
});
