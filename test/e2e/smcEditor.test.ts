// The SMC editor in the real VS Code: every view, with values from the fixtures' .expected.json,
// a screenshot of each (test-results/smc-*.png) and pixel checks that images and the 3D canvas
// are not blank.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Frame } from 'playwright-core';
import { VsCodeSession } from './vscodeSession';
import { expectedJson } from '../helpers/fixtures';

const anno = expectedJson('smc', '0026_e0_anno');
const raw = expectedJson('smc', '0026_e0_raw');
const speech = expectedJson('smc', '0026_s1_all_raw');
const notSmc = expectedJson('smc', 'not_an_smc');

let vscode: VsCodeSession;

before(async () => {
  vscode = await VsCodeSession.start();
});

after(async () => {
  await vscode?.close();
});

/** Clicks one of the SMC page's tabs and returns the webview once `ready` shows in it. */
async function openTab(tab: string, ready: string): Promise<Frame> {
  const frame = await vscode.webviewFrame(`vscode-tab-header[data-tab="${tab}"]`);
  await frame.locator(`vscode-tab-header[data-tab="${tab}"]`).click();
  return vscode.webviewFrame(ready);
}

async function notBlank(frame: Frame, selector: string, minColours = 16): Promise<void> {
  const stats = await vscode.pixelStats(frame, selector);
  assert.ok(stats.distinctColors >= minColours, `${selector} looks blank: ${JSON.stringify(stats)}`);
  assert.ok(stats.nonDominantFraction > 0.05, `${selector} is mostly one colour: ${JSON.stringify(stats)}`);
}

async function text(frame: Frame, selector: string): Promise<string> {
  return (await frame.locator(selector).first().textContent()) ?? '';
}

test('overview: actor, both files of the pair, inventory of the parts and warnings', async () => {
  await vscode.openFile('0026_e0_anno.smc');
  const frame = await vscode.webviewFrame('#inventory');
  const actor = await text(frame, '#actor-info');
  for (const v of [anno.root_attrs.actor_id, anno.root_attrs.capture_date, anno.root_attrs.gender, anno.root_attrs.color, String(anno.root_attrs.age)]) {
    assert.ok(actor.includes(v), `${v} in ${actor}`);
  }
  const files = await text(frame, '#files');
  assert.ok(files.includes(anno.file) && files.includes(raw.file), files);
  const inventory = await text(frame, '#inventory');
  const cams = anno.cameras.ids.length;
  const frames = anno.camera_info.num_frame;
  assert.ok(inventory.includes(`${anno.cameras.image_counts.mask} images: ${cams} cameras × ${frames} frames`), inventory);
  assert.ok(inventory.includes(`${raw.cameras.image_counts.color} images: ${raw.cameras.ids.length} cameras`), inventory);
  assert.ok(inventory.includes(`${anno.scan.ply.vertex_count} vertices`), inventory);
  assert.ok(await frame.locator('#warnings').isVisible());
  await vscode.screenshot('smc-editor-overview');
});

test('cameras: a thumbnail of every camera at the frame, in colour, mask and overlay', async () => {
  const frame = await openTab('cameras', '#camera-grid[data-loaded-frame="0"]');
  assert.equal(await frame.locator('#camera-grid .tile').count(), raw.cameras.ids.length);
  await vscode.screenshot('smc-cameras-grid'); // before the pixel check scrolls the tile into view
  await notBlank(frame, '#camera-grid .tile[data-id="25"] canvas');

  await frame.locator('#image-mode vscode-radio[value="overlay"]').click();
  await vscode.webviewFrame('#camera-grid[data-loaded-frame="0"]');
  await notBlank(frame, '#camera-grid .tile[data-id="00"] canvas');
  await vscode.screenshot('smc-cameras-overlay');
  await frame.locator('#image-mode vscode-radio[value="color"]').click();
  await vscode.webviewFrame('#camera-grid[data-loaded-frame="0"]');
});

test('one camera at full resolution with detected and projected landmarks', async () => {
  let frame = await vscode.webviewFrame('#camera-grid');
  await frame.locator('#camera-grid .tile[data-id="25"]').click();
  frame = await vscode.webviewFrame('#camera-detail[data-camera="25"][data-loaded-frame="0"]');
  const [h, w] = raw.color_samples[0].decoded_shape;
  assert.ok((await text(frame, '#camera-image-info')).includes(`${w} × ${h}`));
  await notBlank(frame, '#camera-image');
  await notBlank(frame, '#camera-overlay', 3);
  // The fixtures' 3D landmarks project exactly onto the detected 2D ones.
  const error = Number(/([\d.]+) px/.exec(await text(frame, '#reprojection-error'))?.[1]);
  assert.ok(error >= 0 && error < 0.01, `mean reprojection error ${error}`);

  const sample = anno.keypoints2d.samples[0];
  assert.deepEqual([sample.camera, sample.frame], ['25', 0]);
  await frame.locator('#landmarks').click();
  const firstRow = frame.locator('#landmark-table vscode-table-row').first();
  await firstRow.waitFor();
  const cells = await firstRow.locator('vscode-table-cell').allTextContents();
  assert.deepEqual(
    cells.slice(1, 3),
    sample.first3[0].map((v: number) => v.toFixed(2)),
  );
  await vscode.screenshot('smc-camera-detail');

  // Keyboard stepping moves the timeline and the image follows.
  await frame.locator('#camera-title').click();
  await vscode.page.keyboard.press('ArrowRight');
  frame = await vscode.webviewFrame('#camera-detail[data-camera="25"][data-loaded-frame="1"]');
  assert.match(await text(frame, '#timeline-label'), /^Frame 1 \//);
});

test('3D: a labelled frustum per calibrated camera, landmarks, FLAME and scan; clicking a camera opens it', async () => {
  let frame = await openTab('3d', '.rig-view[data-loaded-frame]');
  await frame.locator('.scene3d-label').first().waitFor();
  assert.equal(await frame.locator('.scene3d-label').count(), anno.calibration.camera_ids.length);
  await vscode.page.waitForTimeout(300);
  await notBlank(frame, '.scene3d-canvas', 50);
  await vscode.screenshot('smc-3d');
  await frame.locator('#fit-head').click();
  await vscode.page.waitForTimeout(300);
  await notBlank(frame, '.scene3d-canvas', 50);
  await vscode.screenshot('smc-3d-head');

  await frame.locator('#fit-rig').click();
  await frame.locator('.scene3d-label', { hasText: /^32$/ }).click();
  frame = await vscode.webviewFrame('#camera-detail[data-camera="32"]');
  assert.ok(await frame.locator('vscode-tab-header[data-tab="cameras"][active]').count());
});

test('FLAME: the frame’s parameters as a table and each over all frames as a plot', async () => {
  const frame = await openTab('flame', '#flame-table');
  await frame.locator('#flame-title').click();
  await vscode.page.keyboard.press('Home');
  await vscode.webviewFrame('#flame-title', { text: 'frame 0' });
  const f0 = anno.flame.samples[0];
  const row = frame.locator('#flame-table vscode-table-row', { hasText: 'global_pose' });
  const values = (await row.locator('code').textContent()) ?? '';
  assert.equal(values, f0.global_pose.map((v: number) => v.toFixed(4)).join('  '));
  const plottable = Object.entries<{ shape: number[] }>(anno.flame.keys).filter(([, k]) => k.shape.reduce((a, b) => a * b, 1) <= 100);
  await frame
    .locator('#flame-plots figure')
    .nth(plottable.length - 1)
    .waitFor();
  assert.equal(await frame.locator('#flame-plots figure').count(), plottable.length);
  await vscode.screenshot('smc-flame');
});

test('textures: the frame’s UV texture and a scan mask per camera', async () => {
  const frame = await openTab('textures', '#uv-texture[data-loaded-frame="0"]');
  const [h, w] = anno.uv_texture.samples[0].decoded_shape;
  assert.ok((await text(frame, '#uv-info')).includes(`${w} × ${h}`));
  await notBlank(frame, '#uv-texture');
  await frame.locator('#scan-mask-grid[data-loaded]').waitFor();
  assert.equal(await frame.locator('#scan-mask-grid .tile').count(), anno.scan_mask.camera_ids.length);
  await frame.locator('#scan-mask-grid .tile[data-id="25"]').click();
  await vscode.webviewFrame('#scan-mask[data-camera="25"]');
  const mask = anno.scan_mask.samples.find((s: { camera: string }) => s.camera === '25');
  assert.ok((await text(frame, '#scan-mask-info')).includes(`${mask.decoded_shape[1]} × ${mask.decoded_shape[0]}`));
  await notBlank(frame, '#scan-mask', 2);
  await vscode.screenshot('smc-textures');
});

test('calibration: K, D, RT of every camera, copied as JSON', async () => {
  const frame = await openTab('calibration', '#calibration-table');
  assert.equal(await frame.locator('#calibration-table vscode-table-body vscode-table-row').count(), anno.calibration.camera_ids.length);
  const c25 = anno.calibration.samples['25'];
  const row = frame.locator('#calibration-table vscode-table-row', { has: frame.locator('vscode-button[data-camera="25"]') });
  assert.ok(((await row.textContent()) ?? '').includes(c25.K[0][0].toFixed(2)));
  const clipboard = await vscode.clipboardAfter(async () => {
    await frame.locator('#copy-calibration').click();
    await frame.locator('#copy-calibration', { hasText: 'Copied' }).waitFor();
  });
  // Cameras in file order (a plain JS object would list "10".."59" first).
  assert.deepEqual(
    [...clipboard.matchAll(/^ {2}"(\d+)": \{/gm)].map((m) => m[1]),
    anno.calibration.camera_ids,
  );
  const copied = JSON.parse(clipboard);
  assert.deepEqual(copied['25'], JSON.parse(JSON.stringify(c25))); // JSON has no -0
  await vscode.screenshot('smc-calibration');
});

test('structure: the HDF5 tree of either file with dtype, shape and attributes', async () => {
  const frame = await openTab('structure', '#structure-tree[data-loaded]');
  assert.equal(await text(frame, '#structure-fields vscode-table-row:has-text("Members") vscode-table-cell:nth-child(2)'), String(anno.top_level.length));
  await frame.locator('vscode-tree-item[data-hdf5-path="/Scan"]').click();
  await frame.locator('vscode-tree-item[data-hdf5-path="/Scan/vertex"]').click();
  await vscode.webviewFrame('#structure-details[data-path="/Scan/vertex"]');
  const fields = await text(frame, '#structure-fields');
  assert.ok(fields.includes(anno.scan.vertex.dtype), fields);
  assert.ok(fields.includes(`(${anno.scan.vertex.shape.join(', ')})`), fields);
  await vscode.screenshot('smc-structure');
});

test('audio of a speech part: facts, waveform and play/pause tied to the timeline', async () => {
  await vscode.openFile('0026_s1_all_raw.smc');
  const frame = await openTab('audio', '#waveform[data-loaded]');
  const info = await text(frame, '#audio-info');
  assert.ok(info.includes(`${speech.audio.duration_s.toFixed(3)} s`), info);
  assert.ok(info.includes(`${speech.audio.sample_rate.value.toLocaleString('en-US')} Hz`), info);
  assert.ok(info.includes(String(speech.audio.channels)), info);
  await notBlank(frame, '#waveform', 3);
  await frame.locator('#audio-play').click();
  await frame.locator('#audio-play', { hasText: 'Pause' }).waitFor();
  await frame.locator('#audio-play').click();
  await frame.locator('#audio-play', { hasText: 'Play' }).waitFor();
  await vscode.screenshot('smc-audio');
});

test('a valid HDF5 file that is not an SMC opens in the structure view with a notice', async () => {
  await vscode.openFile('not_an_smc.smc');
  const frame = await vscode.webviewFrame('#hdf5-notice');
  assert.match(await text(frame, '#hdf5-notice'), /not a RenderMe360 SMC/);
  await frame.locator('vscode-tree-item[data-hdf5-path="/data"]').click();
  for (const [path, d] of Object.entries<{ dtype: string; shape: number[] }>(notSmc.hdf5.datasets)) {
    const item = frame.locator(`vscode-tree-item[data-hdf5-path="${path}"]`);
    await item.waitFor();
    assert.ok(((await item.textContent()) ?? '').includes(`${d.dtype} (${d.shape.join(', ')})`));
  }
  await vscode.screenshot('smc-not-smc');
});

test('tab, camera and frame survive hiding the editor', async () => {
  await vscode.switchToTab('0026_e0_anno.smc');
  let frame = await openTab('cameras', '#camera-detail[data-camera="32"]');
  await frame.locator('#camera-title').click();
  await vscode.page.keyboard.press('End');
  await vscode.webviewFrame('#camera-detail[data-camera="32"][data-loaded-frame="2"]');
  await vscode.page.waitForTimeout(600); // the frame is saved once stepping pauses
  await vscode.switchToTab('not_an_smc.smc');
  await vscode.webviewFrame('#hdf5-notice');
  await vscode.switchToTab('0026_e0_anno.smc');
  frame = await vscode.webviewFrame('#camera-detail[data-camera="32"][data-loaded-frame="2"]');
  assert.ok(await frame.locator('vscode-tab-header[data-tab="cameras"][active]').count());
});

test('follows the colour theme: Dark High Contrast', async () => {
  await vscode.openFile('README.md');
  await vscode.selectColorTheme('Dark High Contrast');
  await vscode.page.locator('.monaco-workbench.hc-black').waitFor();
  await vscode.switchToTab('0026_e0_anno.smc');
  await vscode.webviewFrame('#camera-detail[data-camera="32"]');
  await vscode.screenshot('smc-camera-detail-high-contrast');
  const frame = await openTab('3d', '.rig-view[data-loaded-frame]');
  await vscode.page.waitForTimeout(300);
  // The 3D background is the theme's editor background, read from the page's theme variables.
  const background = await frame.evaluate(() =>
    getComputedStyle(document.body).getPropertyValue('--vscode-editor-background').trim().slice(0, 7).toLowerCase(),
  );
  const stats = await vscode.pixelStats(frame, '.scene3d-canvas');
  assert.equal(stats.dominant, background);
  await notBlank(frame, '.scene3d-canvas', 20);
  await vscode.screenshot('smc-3d-high-contrast');
});

test('no Content-Security-Policy violations in the SMC webviews', () => {
  assert.deepEqual(vscode.cspViolations(), []);
});
