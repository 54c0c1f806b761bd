// The SMC editor's camera tools in the real VS Code, on a generated pair (the e0 fixtures rewritten
// with h5py): zoom/pan with the pixel readout checked against ffmpeg's decode of the stored JPEG,
// Go to frame, cameras side by side, the three kinds of missing 2D landmarks, the 3D legends and a
// calibrated camera without images, FLAME verts/albedos and coefficient plots with their hover
// readout, Left/Right on any tab, and the sticky tab bar.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame } from 'playwright-core';
import { VsCodeSession } from './vscodeSession';
import { ROOT } from '../../scripts/codeServer.mjs';
import { runH5py } from '../helpers/h5py';
import { decodePng } from '../helpers/png';

const RAW = '0099_e0_raw.smc';

let vscode: VsCodeSession;
/** Ground truth read with h5py/numpy from the generated files. */
let truth: {
  width: number;
  height: number;
  flameFrames: number[];
  jaw: number[][];
  albedoPixel: number[];
  verts: number[];
  albedos: number[];
};

before(async () => {
  vscode = await VsCodeSession.start();
  const fixtures = join(ROOT, 'test', 'fixtures', 'smc');
  // Rewritten as researchers' scripts would: h5py edits of a copy of the e0 pair.
  truth = JSON.parse(
    runH5py(
      `
import h5py, json, shutil, sys, numpy as np
src, dst = sys.argv[1], sys.argv[2]
for kind in ('anno', 'raw'):
    shutil.copy(f'{src}/0026_e0_{kind}.smc', f'{dst}/0099_e0_{kind}.smc')
    with h5py.File(f'{dst}/0099_e0_{kind}.smc', 'r+') as f:
        f.attrs.modify('actor_id', '0099')
        del f['Camera/03']                      # calibrated, but no images
with h5py.File(f'{dst}/0099_e0_anno.smc', 'r+') as f:
    del f['Keypoints2d/20']                     # a frontal camera without a Keypoints2d group
    del f['Keypoints2d/25/1']                   # a frame missing
    del f['Keypoints2d/25/2']
    f.create_dataset('Keypoints2d/25/2', data=np.zeros((0, 2), np.float32))  # an empty detection
    del f['Keypoints3d/1']                      # no 3D landmarks in frame 1
    frames = sorted(int(k) for k in f['FLAME'])
    jaw = [f[f'FLAME/{k}/jaw_pose'][()].tolist() for k in frames]
    alb = f['FLAME/0/albedos'][()]
    verts = list(f['FLAME/0/verts'].shape)
    albedos = list(alb.shape)
with h5py.File(f'{dst}/0099_e0_anno.smc', 'r') as f:
    open(f'{dst}/cam25_mask_f0.png', 'wb').write(f['Camera/25/mask/0'][()].tobytes())
with h5py.File(f'{dst}/0099_e0_raw.smc', 'r') as f:
    open(f'{dst}/cam25_f0.jpg', 'wb').write(f['Camera/25/color/0'][()].tobytes())
    w, h = [int(v) for v in f['Camera'].attrs['resolution'][::-1]]
print(json.dumps({'width': w, 'height': h, 'flameFrames': frames, 'jaw': jaw,
                  'albedoPixel': [float(v) for v in alb[:, 100, 30]], 'verts': verts, 'albedos': albedos}))
`,
      [fixtures, vscode.workspace],
    ),
  );
});

after(async () => {
  await vscode?.close();
});

/** RGB of pixel (x, y) of the stored JPEG, decoded by ffmpeg (not by the browser). */
function ffmpegPixel(x: number, y: number): number[] {
  const r = spawnSync('ffmpeg', ['-v', 'error', '-i', join(vscode.workspace, 'cam25_f0.jpg'), '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], {
    maxBuffer: 64 * 2 ** 20,
  });
  assert.equal(r.status, 0, String(r.stderr));
  const i = 3 * (y * truth.width + x);
  return [r.stdout[i]!, r.stdout[i + 1]!, r.stdout[i + 2]!];
}

async function openTab(tab: string, ready: string): Promise<Frame> {
  const frame = await vscode.webviewFrame(`vscode-tab-header[data-tab="${tab}"]`);
  await frame.locator(`vscode-tab-header[data-tab="${tab}"]`).click();
  return vscode.webviewFrame(ready);
}

/** Picks `text` in the vscode-single-select `id` with the mouse, as a user does. */
async function choose(frame: Frame, id: string, label: string): Promise<void> {
  await frame.locator(`#${id}`).click();
  await frame.locator(`#${id} li[role="option"]`, { hasText: label }).first().click();
}

async function text(frame: Frame, selector: string): Promise<string> {
  return (await frame.locator(selector).first().textContent()) ?? '';
}

/** The page (viewport) point of the centre of image pixel (x, y) of a shown canvas, from its on-screen box. */
async function pointOf(frame: Frame, selector: string, x: number, y: number): Promise<{ x: number; y: number }> {
  const box = (await frame.locator(selector).boundingBox())!;
  return { x: box.x + ((x + 0.5) * box.width) / truth.width, y: box.y + ((y + 0.5) * box.height) / truth.height };
}

/** Parses "x 12, y 40 · RGB 1 2 3" from the readout. */
async function readout(frame: Frame, selector = '#pixel-readout'): Promise<{ x: number; y: number; rgb: number[] }> {
  await frame.locator(selector, { hasText: /x \d+, y \d+/ }).waitFor();
  const t = await text(frame, selector);
  const m = /x (\d+), y (\d+) · RGB (\d+) (\d+) (\d+)/.exec(t);
  assert.ok(m, t);
  return { x: Number(m[1]), y: Number(m[2]), rgb: [Number(m[3]), Number(m[4]), Number(m[5])] };
}

function assertRgbNear(actual: number[], expected: number[], what: string): void {
  assert.ok(
    actual.every((v, i) => Math.abs(v - expected[i]!) <= 3),
    `${what}: readout ${actual.join(' ')} vs ffmpeg ${expected.join(' ')}`,
  );
}

test('wheel zoom and drag pan a camera image; the readout names the pixel under the cursor and its stored RGB', async () => {
  await vscode.openFile(RAW);
  let frame = await openTab('cameras', '#camera-grid[data-loaded-frame="0"]');
  // Camera 03 is calibrated but has no images: not among the image tiles.
  assert.equal(await frame.locator('#camera-grid .tile[data-id="03"]').count(), 0);
  await frame.locator('#camera-grid .tile[data-id="25"]').click();
  frame = await vscode.webviewFrame('#camera-detail[data-camera="25"][data-loaded-frame="0"]');
  // The image is brought into view when opened from a tile far down the grid.
  const top = await frame.evaluate(() => document.getElementById('camera-image')!.getBoundingClientRect().top);
  assert.ok(top >= 0, `the image starts ${top}px above the view`);
  const fitBox = (await frame.locator('#camera-image').boundingBox())!;

  const target = { x: 100, y: 40 };
  const p = await pointOf(frame, '#camera-image', target.x, target.y);
  await vscode.page.mouse.move(p.x, p.y);
  let r = await readout(frame);
  assert.deepEqual([r.x, r.y], [target.x, target.y]);
  assertRgbNear(r.rgb, ffmpegPixel(target.x, target.y), 'at fit');

  // Zooming about the cursor keeps the same pixel under it.
  await vscode.page.mouse.wheel(0, -300);
  await frame.locator('#camera-zoom', { hasText: 'Fit to window' }).waitFor();
  const zoomed = (await frame.locator('#camera-image').boundingBox())!;
  assert.ok(zoomed.width > fitBox.width * 1.8, `zoomed ${zoomed.width} vs fit ${fitBox.width}`);
  r = await readout(frame);
  assert.deepEqual([r.x, r.y], [target.x, target.y]);

  // Another pixel at the new scale.
  const q = await pointOf(frame, '#camera-image', 80, 60);
  await vscode.page.mouse.move(q.x, q.y);
  await frame.locator('#pixel-readout', { hasText: 'x 80, y 60 ' }).waitFor();
  assertRgbNear((await readout(frame)).rgb, ffmpegPixel(80, 60), 'zoomed');
  await vscode.screenshot('smc-cameras-zoomed');

  // Dragging left and up by 60 screen pixels brings pixels to the right and below under the cursor.
  const perPixel = zoomed.width / truth.width;
  await vscode.page.mouse.down();
  await vscode.page.mouse.move(q.x - 30, q.y - 30, { steps: 3 });
  await vscode.page.mouse.move(q.x - 60, q.y - 60, { steps: 3 });
  await vscode.page.mouse.up();
  await vscode.page.mouse.move(q.x - 60, q.y - 60);
  r = await readout(frame);
  const moved = Math.round(60 / perPixel);
  assert.ok(Math.abs(r.x - 80) <= 1 && Math.abs(r.y - 60) <= 1, `pixel (80, 60) followed the drag: ${JSON.stringify(r)}`);
  await vscode.page.mouse.move(q.x, q.y);
  r = await readout(frame);
  assert.ok(Math.abs(r.x - (80 + moved)) <= 1 && Math.abs(r.y - (60 + moved)) <= 1, `under the cursor after the pan: ${JSON.stringify(r)}`);
  assertRgbNear(r.rgb, ffmpegPixel(r.x, r.y), 'panned');
  await vscode.screenshot('smc-cameras-panned');

  await frame.locator('#camera-zoom').click();
  await frame.locator('#camera-zoom', { hasText: 'Actual size' }).waitFor();
  const back = (await frame.locator('#camera-image').boundingBox())!;
  assert.deepEqual([Math.round(back.x), Math.round(back.width)], [Math.round(fitBox.x), Math.round(fitBox.width)]);

  // Masks read out their stored value (the PNG decoded by our test PNG decoder, not the browser).
  await frame.locator('#image-mode vscode-radio[value="mask"]').click();
  await vscode.webviewFrame('#camera-detail[data-camera="25"][data-loaded-frame="0"]');
  const mask = decodePng(readFileSync(join(vscode.workspace, 'cam25_mask_f0.png')));
  for (const [x, y] of [
    [76, 64],
    [5, 5],
  ] as const) {
    const m = await pointOf(frame, '#camera-image', x, y);
    await vscode.page.mouse.move(m.x, m.y);
    const value = mask.pixels[(y * mask.width + x) * mask.channels]!;
    await frame.locator('#pixel-readout', { hasText: `x ${x}, y ${y} · mask ${value}` }).waitFor();
  }
  await vscode.screenshot('smc-cameras-mask-readout');
  await frame.locator('#image-mode vscode-radio[value="color"]').click();
  await vscode.webviewFrame('#camera-detail[data-camera="25"][data-loaded-frame="0"]');
});

test('Go to frame jumps there and says when the frame does not exist', async () => {
  const frame = await vscode.webviewFrame('#camera-detail[data-camera="25"]');
  const field = frame.locator('#goto-frame input');
  await field.fill('2');
  await field.press('Enter');
  await vscode.webviewFrame('#camera-detail[data-camera="25"][data-loaded-frame="2"]');
  assert.match(await text(frame, '#timeline-label'), /^Frame 2 \/ 2/);
  await field.fill('99');
  await field.press('Enter');
  await frame.locator('#goto-status', { hasText: 'There is no frame 99 (the last is 2)' }).waitFor();
  assert.match(await text(frame, '#timeline-label'), /^Frame 2 \//);
  await field.fill('0');
  await field.press('Enter');
  await vscode.webviewFrame('#camera-detail[data-camera="25"][data-loaded-frame="0"]');
});

test('two and four cameras side by side at the same frame, zoomed together', async () => {
  const frame = await vscode.webviewFrame('#camera-detail[data-camera="25"]');
  await choose(frame, 'camera-compare', '4 cameras');
  for (const [i, cam] of [
    [1, '26'],
    [2, '27'],
    [3, '28'],
  ] as const) {
    await frame.locator(`#compare-pane-${i}[data-camera="${cam}"][data-loaded-frame="0"]`).waitFor();
    const stats = await vscode.pixelStats(frame, `#compare-image-${i}`);
    assert.ok(stats.distinctColors > 16, `pane ${i} looks blank: ${JSON.stringify(stats)}`);
  }
  // Stepping moves every pane to the next frame.
  await frame.locator('#camera-title').click();
  await vscode.page.keyboard.press('ArrowRight');
  await vscode.webviewFrame('#camera-detail[data-loaded-frame="1"]');
  for (const i of [1, 2, 3]) await frame.locator(`#compare-pane-${i}[data-loaded-frame="1"]`).waitFor();
  // One zoom for all.
  await frame.locator('#camera-zoom', { hasText: 'Actual size' }).waitFor();
  const before = (await frame.locator('#compare-image-3').boundingBox())!;
  const c = await pointOf(frame, '#camera-image', 70, 60);
  await vscode.page.mouse.move(c.x, c.y);
  await vscode.page.mouse.wheel(0, -200);
  await frame.locator('#camera-zoom', { hasText: 'Fit to window' }).waitFor();
  const after = (await frame.locator('#compare-image-3').boundingBox())!;
  assert.ok(after.width > before.width * 1.4, `pane 3 ${before.width} → ${after.width}`);
  await vscode.screenshot('smc-cameras-side-by-side');
  await frame.locator('#camera-zoom').click();

  await choose(frame, 'camera-compare', '2 cameras');
  await frame.locator('#compare-pane-1[data-loaded-frame="1"]').waitFor();
  assert.equal(await frame.locator('#compare-pane-2').count(), 0);
  await vscode.screenshot('smc-cameras-two');
  await choose(frame, 'camera-compare', '1 camera');
  await frame.locator('#compare-pane-1').waitFor({ state: 'detached' });
});

test('landmarks: no Keypoints2d group, a missing frame and an empty detection each say so', async () => {
  let frame = await vscode.webviewFrame('#camera-detail[data-camera="25"]');
  await frame.locator('#camera-title').click();
  await vscode.page.keyboard.press('Home');
  frame = await vscode.webviewFrame('#camera-detail[data-camera="25"][data-loaded-frame="0"]');
  assert.equal(await text(frame, '#legend-detected'), '● detected 2D (106)');
  assert.equal(await text(frame, '#legend-projected'), '✕ projected 3D (106)');

  await vscode.page.keyboard.press('ArrowRight');
  frame = await vscode.webviewFrame('#camera-detail[data-camera="25"][data-loaded-frame="1"]');
  assert.equal(await text(frame, '#legend-detected'), "● no 2D landmarks: frame 1 is missing from camera 25's Keypoints2d");
  assert.equal(await text(frame, '#legend-projected'), '✕ no 3D landmarks in this frame');
  await vscode.screenshot('smc-landmarks-missing-frame');

  await vscode.page.keyboard.press('ArrowRight');
  frame = await vscode.webviewFrame('#camera-detail[data-camera="25"][data-loaded-frame="2"]');
  assert.equal(await text(frame, '#legend-detected'), '● empty detection: frame 2 of camera 25 holds no 2D landmarks');
  assert.equal(await text(frame, '#legend-projected'), '✕ projected 3D (106)');
  await vscode.screenshot('smc-landmarks-empty');

  await frame.locator('#camera-back').click();
  await frame.locator('#camera-grid .tile[data-id="20"]').click();
  frame = await vscode.webviewFrame('#camera-detail[data-camera="20"][data-loaded-frame="2"]');
  assert.equal(await text(frame, '#legend-detected'), '● no 2D landmarks: camera 20 has no Keypoints2d group');
  assert.equal(await text(frame, '#legend-projected'), '✕ projected 3D (106)');
  await vscode.screenshot('smc-landmarks-no-group');
});

test('3D: legends for the camera colours and the frame’s landmarks; a camera without images says so', async () => {
  let frame = await openTab('3d', '.rig-view[data-loaded-frame="2"]');
  await frame.locator('.scene3d-label').first().waitFor();
  assert.equal(await text(frame, '#legend-frontal'), '■ cameras with 2D landmarks (18, 19, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32)');
  assert.equal(await text(frame, '#legend-3d-landmarks'), '● 3D landmarks (106)');
  await frame.locator('#fit-rig').click();
  await vscode.page.keyboard.press('ArrowLeft');
  frame = await vscode.webviewFrame('.rig-view[data-loaded-frame="1"]');
  assert.equal(await text(frame, '#legend-3d-landmarks'), '● no 3D landmarks in this frame');

  await frame.locator('.scene3d-label', { hasText: /^03$/ }).click();
  await frame.locator('#rig-message', { hasText: 'Camera 03 has no images in this file.' }).waitFor();
  assert.ok(await frame.locator('vscode-tab-header[data-tab="3d"][active]').count(), 'still on the 3D tab');
  await vscode.screenshot('smc-3d-legend');
});

test('FLAME: verts and albedos listed, the albedo as an image, chosen coefficients plotted, hover readout', async () => {
  const frame = await openTab('flame', '#flame-table');
  await frame.locator('#flame-title').click();
  await vscode.page.keyboard.press('Home');
  await vscode.webviewFrame('#flame-title', { text: 'frame 0' });
  for (const [name, shape] of [
    ['verts', truth.verts],
    ['albedos', truth.albedos],
  ] as const) {
    const row = frame.locator('#flame-table vscode-table-row', { hasText: name });
    assert.ok(((await row.textContent()) ?? '').includes(`[${shape.join(', ')}]`), `${name} row`);
  }
  // The albedo (3, 256, 256) floats in [0, 1], channels first: pixel (30, 100) is albedos[:, 100, 30] × 255.
  await frame.locator('#flame-albedo[data-loaded-frame="0"]').waitFor();
  const rgba = await frame.evaluate(() =>
    Array.from((document.getElementById('flame-albedo') as HTMLCanvasElement).getContext('2d')!.getImageData(30, 100, 1, 1).data),
  );
  assert.deepEqual(
    rgba.slice(0, 3),
    truth.albedoPixel.map((v) => Math.round(v * 255)),
  );
  assert.match(await text(frame, '#flame-albedo-info'), /^256 × 256 · frame 0/);

  // Coefficients: the first five at first, then the ones typed.
  const exp = frame.locator('.coefficient-plot[data-parameter="exp"]');
  await exp.locator('figure').waitFor();
  assert.equal(await exp.locator('.plot-series').count(), 5);
  const field = frame.locator('#coefficients-exp input');
  await field.fill('2, 7-8');
  await field.press('Enter');
  await frame.locator('.coefficient-plot[data-parameter="exp"][data-coefficients="2, 7-8"]').waitFor();
  assert.equal(await exp.locator('.plot-series').count(), 3);
  assert.deepEqual(await exp.locator('.plot-key').allTextContents(), ['#2', '#7', '#8']);
  const expBox = frame.locator('.coefficient-choice', { has: exp });
  await expBox.scrollIntoViewIfNeeded();
  const e = (await exp.locator('svg').boundingBox())!;
  await vscode.page.mouse.move(e.x + 60, e.y + 20);
  await exp.locator('.plot-readout', { hasText: /^frame \d · #2 -?\d\.\d{4} · #7 -?\d\.\d{4} · #8 -?\d\.\d{4}$/ }).waitFor();
  await vscode.screenshot('smc-flame-coefficients');
  await field.fill('60');
  await field.press('Enter');
  await frame.locator('.field-problem', { hasText: 'There are 50 coefficients (0-49); 60 is not one' }).waitFor();

  // Hover readout: the frame under the pointer and jaw_pose there, as numpy reads it.
  const jaw = frame.locator('figure[data-parameter="jaw_pose"] svg');
  const box = (await jaw.boundingBox())!;
  await vscode.page.mouse.move(box.x + box.width - 10, box.y + box.height / 2);
  const last = truth.flameFrames.length - 1;
  const expected = `frame ${truth.flameFrames[last]} · x ${truth.jaw[last]![0]!.toFixed(4)} · y ${truth.jaw[last]![1]!.toFixed(4)} · z ${truth.jaw[last]![2]!.toFixed(4)}`;
  await frame.locator('figure[data-parameter="jaw_pose"] .plot-readout', { hasText: expected }).waitFor();
  await vscode.screenshot('smc-flame-extras');
});

test('Left/Right step the frame on any tab, even from the tab bar, but not while typing; the tab bar stays visible', async () => {
  const frame = await vscode.webviewFrame('#flame-title');
  await frame.locator('vscode-tab-header[data-tab="flame"]').click();
  await vscode.page.keyboard.press('Home');
  await vscode.webviewFrame('#flame-title', { text: 'frame 0' });
  await vscode.page.keyboard.press('ArrowRight');
  await vscode.webviewFrame('#flame-title', { text: 'frame 1' });
  assert.ok(await frame.locator('vscode-tab-header[data-tab="flame"][active]').count(), 'the tab did not change');

  const field = frame.locator('#coefficients-exp input');
  await field.fill('0-4');
  await field.press('ArrowLeft');
  await field.press('ArrowLeft');
  await field.press('ArrowRight');
  assert.match(await text(frame, '#timeline-label'), /^Frame 1 \//);
  assert.equal(await text(frame, '#flame-title'), 'FLAME parameters · frame 1');

  // Scrolled to the bottom, the tab bar is still at the top of the view.
  await frame.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  const scrolled = await frame.evaluate(() => window.scrollY);
  assert.ok(scrolled > 100, `the page scrolled ${scrolled}px`);
  // Where the header is inside the webview's own viewport (0 = its top edge).
  const top = await frame.evaluate(() => document.querySelector('vscode-tab-header[data-tab="flame"]')!.getBoundingClientRect().top);
  assert.ok(top >= 0 && top < 40, `tab header at ${top}px from the top`);
  assert.ok(await frame.locator('vscode-tab-header[data-tab="cameras"]').isVisible());
  await vscode.screenshot('smc-sticky-tabs');
});

test('no Content-Security-Policy violations in these views', () => {
  assert.deepEqual(vscode.cspViolations(), []);
});
