// Pure parts of the BodyCompress 3D view's tools (issue 16): the off-centre projection from K and
// the letterbox (against numpy), the camera image's lines (projected back with numpy), marker
// sizes from the data's scale, the SMPL-H / SMPL-X kinematic trees, and the view presets.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as THREE from 'three';
import { IMAGE_MARGIN, imageToPane, intrinsicProjection, letterbox } from '../../src/webview/common/throughCamera';
import { cameraImageCaption, cameraImageLines } from '../../src/webview/bodycompress/cameraImage';
import { DEFAULT_JOINT_RADIUS, jointRadius, medianNearestNeighbour } from '../../src/webview/bodycompress/markerSize';
import { SMPL_PARENTS, SMPLH_PARENTS, SMPLX_PARENTS, bonesFor, skeletonFor, skeletonText } from '../../src/webview/bodycompress/skeleton';
import { presetDirection } from '../../src/webview/bodycompress/viewPresets';
import { fixturePath } from '../helpers/fixtures';
import type { BodyCompressCamera } from '../../src/protocol/bodyCompressProtocol';
import { openBodyCompress } from '../../src/core/bodycompress/reader';
import { frameForWebview } from '../../src/extension/bodycompress/bodyCompressFrameData';
import { tempDir } from '../helpers/tempDir';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';

/** Runs numpy code (Debian's python3, which has msgpack_numpy too) and returns what it prints as JSON. */
function numpy(code: string): unknown {
  const r = spawnSync('/usr/bin/python3', ['-c', `import json\nimport numpy as np\n${code}`], { encoding: 'utf8' });
  assert.equal(r.status, 0, `python3 with numpy is required (Debian: python3-numpy, python3-msgpack-numpy): ${r.stderr}`);
  return JSON.parse(r.stdout);
}

const close = (a: number, b: number, tol: number, what: string) => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

interface ProjectionCase {
  K: number[];
  image: [number, number];
  pane: [number, number];
  /** OpenCV camera-frame points (x right, y down, z forward) and their pane pixels. */
  points: number[][];
  pane_px: number[][];
  box: [number, number, number, number, number];
}

describe('looking through a camera', () => {
  // numpy: u = K x / z, then the image (spanning -0.5 … W-0.5) scaled into the pane inside an 8-pixel margin, centred.
  const cases = numpy(`
rng = np.random.default_rng(3)
out = []
for K, image, pane in [
    ([[1500, 0, 959.5], [0, 1500, 539.5], [0, 0, 1]], (1920, 1080), (900, 700)),
    ([[1000, 12.5, 900], [0, 1100, 250], [0, 0, 1]], (1280, 720), (640, 900)),
    ([[800, 0, 100], [0, 820, 600], [0, 0, 1]], (1000, 1000), (1200, 500)),
]:
    K = np.array(K, float)
    W, H = image
    s = min((pane[0] - 16) / W, (pane[1] - 16) / H)
    bx, by = (pane[0] - W * s) / 2, (pane[1] - H * s) / 2
    pts = np.c_[rng.uniform(-2000, 2000, (20, 2)), rng.uniform(500, 9000, 20)]
    uv = (pts @ K.T)[:, :2] / pts[:, 2:3]
    px = np.c_[bx + (uv[:, 0] + 0.5) * s, by + (uv[:, 1] + 0.5) * s]
    out.append({'K': K.ravel().tolist(), 'image': image, 'pane': pane, 'points': pts.tolist(), 'pane_px': px.tolist(), 'box': [bx, by, W * s, H * s, s]})
print(json.dumps(out))
`) as ProjectionCase[];

  test('the letterbox: the largest rectangle of the image aspect inside the margin, centred', () => {
    assert.equal(IMAGE_MARGIN, 8);
    for (const c of cases) {
      const b = letterbox(c.pane[0], c.pane[1], c.image[0], c.image[1]);
      [b.x, b.y, b.width, b.height, b.scale].forEach((v, k) => close(v, c.box[k]!, 1e-9, `letterbox ${k} of ${JSON.stringify(c.pane)}`));
    }
  });

  test('the projection matrix from K puts every point at the pane pixel numpy computes (skew, off-centre principal point)', () => {
    for (const c of cases) {
      const [pw, ph] = c.pane;
      const m = new THREE.Matrix4().fromArray(intrinsicProjection(c.K, c.image[0], c.image[1], pw, ph, 10, 100_000));
      const box = letterbox(pw, ph, c.image[0], c.image[1]);
      c.points.forEach(([x, y, z], i) => {
        // three.js's camera frame is OpenCV's with y and z flipped.
        const ndc = new THREE.Vector4(x, -y!, -z!, 1).applyMatrix4(m);
        const px = ((ndc.x / ndc.w + 1) / 2) * pw;
        const py = ((1 - ndc.y / ndc.w) / 2) * ph;
        close(px, c.pane_px[i]![0]!, 1e-6, `x of point ${i}`);
        close(py, c.pane_px[i]![1]!, 1e-6, `y of point ${i}`);
        const uv = [(c.pane_px[i]![0]! - box.x) / box.scale - 0.5, (c.pane_px[i]![1]! - box.y) / box.scale - 0.5];
        const back = imageToPane(box, uv[0]!, uv[1]!);
        close(back[0], c.pane_px[i]![0]!, 1e-6, 'imageToPane x');
      });
      // Depth: the near plane maps to -1, the far plane to +1.
      for (const [z, want] of [
        [10, -1],
        [100_000, 1],
      ] as const) {
        const v = new THREE.Vector4(0, 0, -z, 1).applyMatrix4(m);
        close(v.z / v.w, want, 1e-9, `depth ${z}`);
      }
    }
  });

  test('the image border, principal point and boxes lie where numpy projects them back to (through R and loc)', () => {
    const cam: BodyCompressCamera = {
      R: [...new THREE.Matrix4().makeRotationFromEuler(new THREE.Euler(0.1, -0.3, 0.05)).transpose().elements].filter((_, i) => i % 4 !== 3).slice(0, 9),
      loc: [200, -100, -500],
      K: [1500, 3, 900, 0, 1400, 400, 0, 0, 1],
      up: [0, -1, 0],
      imageSize: [1920, 1080],
      imageSizeEstimated: false,
    };
    const boxes = Float32Array.of(100, 200, 50, 80, 0.9, NaN, 0, 10, 10, 0.5, 1800, 1000, 100, 60, NaN);
    const lines = cameraImageLines(cam, boxes, 50, 2);
    const uv = numpy(`
R = np.array(${JSON.stringify(cam.R)}).reshape(3, 3)
K = np.array(${JSON.stringify(cam.K)}).reshape(3, 3)
X = np.array(${JSON.stringify([...lines.frame, ...lines.boxes])}).reshape(-1, 3)
x = (X - np.array(${JSON.stringify(cam.loc)})) @ R.T
p = x @ K.T
print(json.dumps((p[:, :2] / p[:, 2:3]).tolist()))
`) as number[][];
    const want = [
      // border: four edges, from corner to corner (pixel edges -0.5 … W-0.5)
      [-0.5, -0.5],
      [1919.5, -0.5],
      [1919.5, -0.5],
      [1919.5, 1079.5],
      [1919.5, 1079.5],
      [-0.5, 1079.5],
      [-0.5, 1079.5],
      [-0.5, -0.5],
      // principal point cross, 10 pane pixels = 5 image pixels each way
      [895, 400],
      [905, 400],
      [900, 395],
      [900, 405],
      // box 0 (100, 200, 50 × 80); box 1 has a NaN and is left out; box 2 (1800, 1000, 100 × 60)
      [100, 200],
      [150, 200],
      [150, 200],
      [150, 280],
      [150, 280],
      [100, 280],
      [100, 280],
      [100, 200],
      [1800, 1000],
      [1900, 1000],
      [1900, 1000],
      [1900, 1060],
      [1900, 1060],
      [1800, 1060],
      [1800, 1060],
      [1800, 1000],
    ];
    assert.equal(uv.length, want.length);
    uv.forEach(([u, v], i) => {
      close(u!, want[i]![0]!, 1e-3, `u of line point ${i}`);
      close(v!, want[i]![1]!, 1e-3, `v of line point ${i}`);
    });
    assert.deepEqual(lines.boxOwner, [0, 0, 0, 0, 2, 2, 2, 2]);
    assert.equal(cameraImageCaption(cam, 3), 'Camera image 1,920 × 1,080 px · 3 boxes');
    assert.equal(
      cameraImageCaption({ ...cam, imageSizeEstimated: true }, 1),
      'Camera image 1,920 × 1,080 px (size estimated from the principal point) · 1 box',
    );
    assert.equal(cameraImageCaption(cam, 0), 'Camera image 1,920 × 1,080 px');
  });
});

describe('what the host sends of a frame for the camera view', () => {
  test("NLF boxes and the camera's image size (stored, or estimated from the principal point), from a file the reference way", async () => {
    const dir = await tempDir('views');
    try {
      // test/helpers/viewsScenes.py writes views_camera.xz like the reference writer and prints what it holds.
      const r = spawnSync('/usr/bin/python3', [join(__dirname, '..', 'helpers', 'viewsScenes.py'), dir], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      const expected = (JSON.parse(r.stdout) as { camera: { size: [number, number]; estimated: boolean; boxes: number[][] }[] }).camera;
      const file = await openBodyCompress(join(dir, 'views_camera.xz'));
      try {
        for (const [i, exp] of expected.entries()) {
          const f = frameForWebview(await file.getFrame(i), false);
          assert.deepEqual(f.camera?.imageSize, exp.size, `frame ${i} image size`);
          assert.equal(f.camera?.imageSizeEstimated, exp.estimated, `frame ${i}: estimated`);
          assert.deepEqual(
            [...f.boxes!].filter((_, k) => k % 5 < 4),
            exp.boxes.flat().map((x) => Math.fround(x)),
          );
          assert.deepEqual(
            [...f.boxes!].filter((_, k) => k % 5 === 4),
            [Math.fround(0.9), Math.fround(0.9)],
          );
        }
      } finally {
        await file.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('marker sizes from the data', () => {
  test('a fifth of the median nearest-neighbour distance, at most 1.2 % of the bounding-box diagonal (numpy)', () => {
    const sets = numpy(`
rng = np.random.default_rng(7)
out = []
for n, scale, nv in [(24, 600, 6890), (106, 40, 5023), (55, 500, 0), (2, 100, 0)]:
    j = rng.normal(size=(n, 3)) * scale
    v = rng.normal(size=(nv, 3)) * scale * 1.5 if nv else np.zeros((0, 3))
    d = np.linalg.norm(j[:, None] - j[None], axis=2)
    np.fill_diagonal(d, np.inf)
    allp = np.r_[j, v]
    out.append({'joints': j.ravel().tolist(), 'vertices': v.ravel().tolist(), 'nn': float(np.median(d.min(axis=1))), 'diag': float(np.linalg.norm(allp.max(0) - allp.min(0)))})
print(json.dumps(out))
`) as { joints: number[]; vertices: number[]; nn: number; diag: number }[];
    for (const s of sets) {
      const j = Float32Array.from(s.joints);
      const v = s.vertices.length ? Float32Array.from(s.vertices) : null;
      close(medianNearestNeighbour(j)!, s.nn, 1e-3 * s.nn, 'median nearest neighbour');
      close(jointRadius(j, v), Math.min(0.2 * s.nn, 0.012 * s.diag), 1e-3 * s.nn, `radius for ${j.length / 3} joints`);
    }
  });

  test('SMPL bodies keep about the size they had (22 mm); no data, or all joints in one place, fall back sensibly', () => {
    for (const name of ['single_person_30f', 'multi_person_varying']) {
      // The fixture's first frame, decoded by xz and msgpack_numpy (spec 5.3: cumulative sums over the points, divided by the factor).
      const first = numpy(`
import subprocess, msgpack_numpy
raw = subprocess.run(['xz', '-dc', ${JSON.stringify(fixturePath('bodycompress', `${name}.xz`))}], stdout=subprocess.PIPE, check=True).stdout
objs = msgpack_numpy.Unpacker(raw=False)
objs.feed(raw)
header, metadata, frame = next(objs), next(objs), next(objs)
dec = lambda key: (np.cumsum(frame[key][0], axis=-2).astype(np.float32) / np.float32(frame[key][1]))[0]
print(json.dumps({'joints': dec('qd_joints').ravel().tolist(), 'vertices': dec('qd_vertices').ravel().tolist()}))
`) as { joints: number[]; vertices: number[] };
      const r = jointRadius(Float32Array.from(first.joints), Float32Array.from(first.vertices));
      assert.ok(r > 15 && r < 25, `${name}: ${r} mm`);
    }
    assert.equal(jointRadius(null, null), DEFAULT_JOINT_RADIUS);
    assert.equal(medianNearestNeighbour(new Float32Array(3)), null);
    // All joints at one point: sized from the vertices' extent.
    close(jointRadius(new Float32Array(24 * 3), Float32Array.of(0, 0, 0, 300, 400, 0)), 0.012 * 500, 1e-9, 'coincident joints');
    // NaN joints are skipped.
    close(jointRadius(Float32Array.of(0, 0, 0, 10, 0, 0, NaN, 0, 0), Float32Array.of(0, 0, 0, 1000, 0, 0)), 2, 1e-9, 'NaN joint');
  });
});

describe('skeletons', () => {
  // The SMPL-H and SMPL-X kintree_table parents as the model files (and the smplx package) have them.
  const SMPLX = [
    -1, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 9, 12, 13, 14, 16, 17, 18, 19, 15, 15, 15, 20, 25, 26, 20, 28, 29, 20, 31, 32, 20, 34, 35, 20, 37, 38, 21, 40,
    41, 21, 43, 44, 21, 46, 47, 21, 49, 50, 21, 52, 53,
  ];
  const SMPLH = [
    -1, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 9, 12, 13, 14, 16, 17, 18, 19, 20, 22, 23, 20, 25, 26, 20, 28, 29, 20, 31, 32, 20, 34, 35, 21, 37, 38, 21, 40,
    41, 21, 43, 44, 21, 46, 47, 21, 49, 50,
  ];

  test('SMPL-X (55) and SMPL-H (52) parents, bones for every joint but the root', () => {
    assert.deepEqual([...SMPLX_PARENTS], SMPLX);
    assert.deepEqual([...SMPLH_PARENTS], SMPLH);
    assert.equal(SMPL_PARENTS.length, 24);
    for (const [n, name] of [
      [24, 'SMPL'],
      [52, 'SMPL-H'],
      [55, 'SMPL-X'],
    ] as const) {
      assert.equal(skeletonFor(n)?.name, name);
      assert.equal(bonesFor(n).length, n - 1);
      assert.ok(bonesFor(n).every(([c, p]) => p < c));
    }
    assert.equal(skeletonText(55), 'Bones of the SMPL-X 55-joint tree');
    assert.equal(skeletonText(106), 'No skeleton for 106 joints (bones are known for SMPL 24, SMPL-H 52, SMPL-X 55 joints)');
    assert.equal(skeletonText(0), 'No skeleton: this frame has no joints');
    assert.deepEqual(bonesFor(127), []);
  });
});

describe('view presets', () => {
  const up = new THREE.Vector3(0, -1, 0);
  const fallback = new THREE.Vector3(0, 0, 1);

  test('front is horizontal towards the camera; side a quarter turn about up; top along up', () => {
    const towards = new THREE.Vector3(0.3, -2, -4); // the camera is above and in front
    const front = presetDirection('front', up, towards, fallback);
    close(front.dot(up), 0, 1e-12, 'front is horizontal');
    close(front.angleTo(new THREE.Vector3(0.3, 0, -4)), 0, 1e-9, 'front points to the camera');
    const side = presetDirection('side', up, towards, fallback);
    close(side.dot(front), 0, 1e-12, 'side is perpendicular to front');
    close(side.dot(up), 0, 1e-12, 'side is horizontal');
    const top = presetDirection('top', up, towards, fallback);
    assert.ok(top.dot(up) > 0.999, 'top looks down along up');
    close(top.length(), 1, 1e-12, 'unit');
    // Without a camera (or one straight above): the fallback axis.
    close(presetDirection('front', up, null, fallback).angleTo(fallback), 0, 1e-12, 'fallback');
    close(presetDirection('front', up, new THREE.Vector3(0, -5, 0), fallback).angleTo(fallback), 0, 1e-12, 'camera straight above');
  });
});
