// The SMC editor's camera tools as pure logic: zoom/pan maths, which pixel is under the cursor, the
// three kinds of missing 2D landmarks (on a file rewritten with h5py), coefficient lists, FLAME's
// albedo as an image (against numpy) and the plots' hover readout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { albedoImage } from '../../src/core/smc/albedoImage';
import { classifyLandmarks, keypoints2dState } from '../../src/core/smc/landmarkState';
import { SmcFile } from '../../src/core/smc/smcFile';
import { hoverText } from '../../src/webview/common/plotReadout';
import { formatIndexList, parseIndexList } from '../../src/webview/smc/indexList';
import { clampPan, IDENTITY, imagePixelAt, panBy, viewportPointOf, wheelFactor, zoomAt } from '../../src/webview/smc/zoomMath';
import { fixturePath } from '../helpers/fixtures';
import { runH5py } from '../helpers/h5py';
import { tempDir } from '../helpers/tempDir';

const VIEW = { width: 400, height: 300 };
const IMAGE = { width: 153, height: 128 };

test('zooming about a point keeps the image pixel under it in place', () => {
  const at = { x: 123, y: 77 };
  const before = imagePixelAt(at.x, at.y, VIEW, IMAGE)!;
  let t = IDENTITY;
  for (const factor of [1.25, 1.25, 2, 0.8, 3]) {
    t = zoomAt(t, factor, at.x, at.y, VIEW, 50);
    // The shown image spans tx … tx + scale·width: the same pixel is under the point.
    const shown = { width: VIEW.width * t.scale, height: VIEW.height * t.scale };
    assert.deepEqual(imagePixelAt(at.x - t.tx, at.y - t.ty, shown, IMAGE), before, JSON.stringify(t));
  }
  assert.equal(t.scale, 1.25 * 1.25 * 2 * 0.8 * 3);
  const p = viewportPointOf(before.x, before.y, t, VIEW, IMAGE);
  assert.ok(Math.abs(p.x - at.x) < t.scale * (VIEW.width / IMAGE.width) && Math.abs(p.y - at.y) < t.scale * (VIEW.height / IMAGE.height));
});

test('zoom stays between fit and the largest scale; panning never uncovers the viewport', () => {
  assert.deepEqual(zoomAt(IDENTITY, 0.5, 10, 10, VIEW, 8), IDENTITY);
  assert.equal(zoomAt({ scale: 6, tx: 0, ty: 0 }, 4, 0, 0, VIEW, 8).scale, 8);
  const z = zoomAt(IDENTITY, 4, 200, 150, VIEW, 8);
  assert.deepEqual(z, { scale: 4, tx: -600, ty: -450 });
  // Dragging far right/down stops with the image's left/top edge at the viewport's.
  assert.deepEqual(panBy(z, 10_000, 10_000, VIEW), { scale: 4, tx: 0, ty: 0 });
  // … and far left/up with its right/bottom edge at the viewport's.
  assert.deepEqual(panBy(z, -10_000, -10_000, VIEW), { scale: 4, tx: VIEW.width - 4 * VIEW.width, ty: VIEW.height - 4 * VIEW.height });
  assert.deepEqual(panBy(z, 25, -30, VIEW), { scale: 4, tx: -575, ty: -480 });
  assert.deepEqual(clampPan({ scale: 1, tx: -50, ty: 20 }, VIEW), IDENTITY);
});

test('the pixel under the cursor: edges and outside', () => {
  const shown = { width: 306, height: 256 };
  assert.deepEqual(imagePixelAt(0, 0, shown, IMAGE), { x: 0, y: 0 });
  assert.deepEqual(imagePixelAt(1.99, 1.99, shown, IMAGE), { x: 0, y: 0 });
  assert.deepEqual(imagePixelAt(2, 2, shown, IMAGE), { x: 1, y: 1 });
  assert.deepEqual(imagePixelAt(305.9, 255.9, shown, IMAGE), { x: 152, y: 127 });
  assert.equal(imagePixelAt(306, 10, shown, IMAGE), null);
  assert.equal(imagePixelAt(-0.1, 10, shown, IMAGE), null);
  assert.equal(imagePixelAt(1, 1, { width: 0, height: 0 }, IMAGE), null);
});

test('a wheel notch zooms by 1.25×, in for up and out for down, in pixels, lines or pages', () => {
  assert.equal(wheelFactor(-100, 0), 1.25);
  assert.equal(wheelFactor(100, 0), 0.8);
  assert.equal(wheelFactor(-3, 1), Math.pow(1.25, 0.99));
  assert.equal(wheelFactor(-10_000, 0), Math.pow(1.25, 3));
  assert.equal(wheelFactor(0, 0), 1);
});

test('landmark states: no Keypoints2d group, missing frame, empty detection, present', async () => {
  assert.equal(classifyLandmarks(false, null), 'no-group');
  assert.equal(classifyLandmarks(true, null), 'missing-frame');
  assert.equal(classifyLandmarks(true, 0), 'empty');
  assert.equal(classifyLandmarks(true, 212), 'present');

  // The e0 anno fixture rewritten with h5py as a pipeline would leave it.
  const path = join(await tempDir('landmarks'), '0026_e0_anno.smc');
  runH5py(
    `
import h5py, shutil, sys, numpy as np
shutil.copy(sys.argv[1], sys.argv[2])
with h5py.File(sys.argv[2], 'r+') as f:
    del f['Keypoints2d/20']
    del f['Keypoints2d/25/1']
    del f['Keypoints2d/25/2']
    f.create_dataset('Keypoints2d/25/2', data=np.zeros((0, 2), np.float32))
`,
    [fixturePath('smc', '0026_e0_anno.smc'), path],
  );
  const file = await SmcFile.open(path);
  try {
    const state = (camera: string, frame: number) => keypoints2dState([file], camera, frame);
    assert.equal(state('25', 0), 'present');
    assert.equal(state('25', 1), 'missing-frame');
    assert.equal(state('25', 2), 'empty');
    assert.equal(state('25', 7), 'missing-frame');
    assert.equal(state('20', 0), 'no-group');
    assert.equal(state('03', 0), 'no-group');
    // The reader gives null for all three, as the reference reader returns None.
    for (const [camera, frame] of [
      ['25', 1],
      ['25', 2],
      ['20', 0],
    ] as const) {
      assert.equal(await file.keypoints2d(camera, frame), null);
    }
  } finally {
    file.close();
  }
});

test('coefficient lists: ranges, single indices, "all", and what is wrong', () => {
  assert.deepEqual(parseIndexList('0-4', 50), [0, 1, 2, 3, 4]);
  assert.deepEqual(parseIndexList(' 7, 2 ,3-4, 2', 50), [2, 3, 4, 7]);
  assert.deepEqual(parseIndexList('ALL', 3), [0, 1, 2]);
  assert.deepEqual(parseIndexList('48–49', 50), [48, 49]);
  assert.deepEqual(parseIndexList('60', 50), { error: 'There are 50 coefficients (0-49); 60 is not one' });
  assert.deepEqual(parseIndexList('5-2', 50), { error: '5-2 runs backwards' });
  assert.deepEqual(parseIndexList('x', 50), { error: '"x" is not a coefficient or a range like 0-4' });
  assert.deepEqual(parseIndexList('', 50), { error: 'Type coefficients such as 0-4, 10 or all' });
  assert.equal(formatIndexList([0, 1, 2, 5, 7, 8]), '0-2, 5, 7-8');
  assert.equal(formatIndexList([]), '');
});

test('the albedo texture as RGBA: channels first, scaled ×255, as numpy computes it', async () => {
  const file = await SmcFile.open(fixturePath('smc', '0026_e0_anno.smc'));
  let image;
  try {
    image = albedoImage((await file.flameParameter(0, 'albedos'))!)!;
  } finally {
    file.close();
  }
  const expected = JSON.parse(
    runH5py(
      `
import h5py, sys, json, base64, numpy as np
a = h5py.File(sys.argv[1], 'r')['FLAME/0/albedos'][()]
rgb = np.floor(np.clip(a * 255, 0, 255) + 0.5).astype(np.uint8).transpose(1, 2, 0)
rgba = np.concatenate([rgb, np.full(rgb.shape[:2] + (1,), 255, np.uint8)], axis=2)
print(json.dumps({'h': rgba.shape[0], 'w': rgba.shape[1], 'rgba': base64.b64encode(rgba.tobytes()).decode(), 'range': [float(a.min()), float(a.max())]}))
`,
      [fixturePath('smc', '0026_e0_anno.smc')],
    ),
  );
  assert.deepEqual([image.width, image.height], [expected.w, expected.h]);
  assert.ok(Buffer.from(image.rgba).equals(Buffer.from(expected.rgba, 'base64')), 'RGBA bytes differ from numpy');
  assert.deepEqual(image.range, expected.range);
  // Channels last is read too; other shapes are not an image.
  assert.deepEqual(
    albedoImage({ dtype: 'float32', shape: [1, 2, 3], data: Float32Array.of(1, 0, 0, 0, 0.5, 1) })?.rgba,
    Uint8Array.of(255, 0, 0, 255, 0, 128, 255, 255),
  );
  assert.equal(albedoImage({ dtype: 'float32', shape: [4, 2, 2], data: new Float32Array(16) }), null);
});

test('the plots’ hover readout: the frame and each series’ value there', () => {
  const series = [
    { label: 'x', values: [0.5, 0.123456, -2] },
    { label: 'people', values: [1, 2, 3] },
    { label: 'tiny', values: [0, 0.00001234, Number.NaN] },
  ];
  assert.equal(hoverText({ x: [10, 11, 12], series }, 1), 'frame 11 · x 0.1235 · people 2 · tiny 1.234e-5');
  assert.equal(hoverText({ x: [10, 11, 12], series, xLabel: 'sample' }, 2), 'sample 12 · x -2.0000 · people 3 · tiny —');
  const many = Array.from({ length: 9 }, (_, i) => ({ label: `#${i}`, values: [i] }));
  assert.equal(hoverText({ x: [0], series: many }, 0), 'frame 0 · #0 0 · #1 1 · #2 2 · #3 3 · #4 4 · #5 5 · +3 more');
});
