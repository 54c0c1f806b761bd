// The BodyCompress editor in the real VS Code: frame counts, people and first vertices after
// seeking read from the inspector and compared with the fixtures' .expected.json, pixel checks of
// the 3D canvas, the timeline keyboard, hiding people, template faces, screenshots, export,
// reloading a changed file, and the truncated and non-BodyCompress fixtures' messages.
// Screenshots go to test-results/bodycompress-*.png.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Frame } from 'playwright-core';
import { RESULTS_DIR, VsCodeSession } from './vscodeSession';
import { expectedJson } from '../helpers/fixtures';
import { firstVertexOf, peopleIn, type ReferenceFrame } from '../helpers/bodycompressExpected';
import { decodePng } from '../helpers/png';
import { gridFaces } from '../helpers/gridFaces';
import { NdArray } from '../../src/core/numpy/ndarray';
import { writeNpy } from '../../src/core/numpy/npy';
import { text, openBodyCompress, waitIndexed, goTo } from './bodycompressPage';

const single = expectedJson('bodycompress', 'single_person_30f');
const multi = expectedJson('bodycompress', 'multi_person_varying');
const long = expectedJson('bodycompress', 'long_300f_multiblock');
const truncated = expectedJson('bodycompress', 'truncated_single_person');
const tiny = expectedJson('bodycompress', 'tiny_full_1024v');

let vscode: VsCodeSession;
/** Opens `name` and returns its webview once the first frame is in the inspector. */
const open = (name: string) => openBodyCompress(vscode, name);

before(async () => {
  vscode = await VsCodeSession.start();
  // Made before Quick Open first lists the workspace (it may not notice files added later at once).
  await copyFile(join(vscode.workspace, 'bodycompress', 'single_person_30f.xz'), join(vscode.workspace, 'changing.xz'));
});

after(async () => {
  await vscode?.close();
});

async function notBlank(frame: Frame, selector = '.scene3d-canvas', minColours = 30): Promise<void> {
  const stats = await vscode.pixelStats(frame, selector);
  assert.ok(stats.distinctColors >= minColours, `${selector} looks blank: ${JSON.stringify(stats)}`);
  assert.ok(stats.nonDominantFraction > 0.01, `${selector} is all one colour: ${JSON.stringify(stats)}`);
}

/** Share of an image's pixels within `tolerance` (per channel) of `rgb`. */
function shareOf(img: ReturnType<typeof decodePng>, rgb: number[], tolerance = 40): number {
  let n = 0;
  for (let i = 0; i < img.pixels.length; i += img.channels) {
    if (
      Math.abs(img.pixels[i]! - rgb[0]!) <= tolerance &&
      Math.abs(img.pixels[i + 1]! - rgb[1]!) <= tolerance &&
      Math.abs(img.pixels[i + 2]! - rgb[2]!) <= tolerance
    )
      n++;
  }
  return n / (img.width * img.height);
}

/** The colour of person slot 0 in this theme (the chart blue the 3D view and the People list use). */
async function firstPersonColour(frame: Frame): Promise<number[]> {
  const hex = await frame.evaluate(() => getComputedStyle(document.body).getPropertyValue('--vscode-charts-blue').trim());
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
}

/** The first person is drawn as points: a share of the 3D canvas on screen has exactly its colour. */
async function firstPersonDrawn(frame: Frame, minShare = 0.005): Promise<number> {
  const img = decodePng(await frame.locator('.scene3d-canvas').first().screenshot());
  const share = shareOf(img, await firstPersonColour(frame), 8);
  assert.ok(share >= minShare, `only ${(share * 100).toFixed(2)} % of the 3D view has the first person's colour`);
  return share;
}

/** The inspector's people count and first vertex equal the reference's frame `f`. */
async function assertFrame(frame: Frame, exp: { frames: ReferenceFrame[] }, f: number): Promise<void> {
  const ef = exp.frames[f]!;
  assert.equal(Number(await text(frame, '#frame-persons')), peopleIn(ef), `people in frame ${f}`);
  const shown = await text(frame, '#first-vertex');
  const want = firstVertexOf(ef);
  if (!want) {
    assert.equal(shown, '—', `frame ${f} has no vertex`);
    return;
  }
  // float32 decimals that read back as exactly the reference's float32 values.
  assert.deepEqual(
    shown.split(/\s+/).map((t) => Math.fround(Number(t))),
    want.map((x) => Math.fround(x)),
    `first vertex of frame ${f}: ${shown}`,
  );
}

test('one person: frame count, the first frame at once, people and first vertex after seeking, a 3D view that is not blank', async () => {
  const frame = await open('single_person_30f.xz');
  await frame.locator('#frame-info[data-frame="0"]').waitFor();
  await assertFrame(frame, single, 0);
  const summary = await text(frame, '#bodycompress-summary');
  assert.match(summary, new RegExp(`Frames \\(header\\)\\s*${single.header.length}(?!\\d)`));
  assert.ok(summary.includes(single.header.__bodycompress_version__.join('.')), summary);
  await waitIndexed(frame, single.n_frames);
  assert.match(await text(frame, '#timeline-label'), new RegExp(`^Frame 0 / ${single.n_frames - 1} · 0\\.00 s`));
  await vscode.page.waitForTimeout(300);
  await firstPersonDrawn(frame, 0.02);
  await vscode.screenshot('bodycompress-single-person');

  for (const f of [17, 29, 3]) {
    await goTo(frame, f);
    await assertFrame(frame, single, f);
  }
  // The frame's keys with dtype and shape; small arrays (boxes) with their values.
  const boxes = frame.locator('#frame-keys vscode-table-row', { hasText: 'boxes' });
  const cells = await boxes.locator('vscode-table-cell').allTextContents();
  assert.equal(cells[1], single.frames[3].values.boxes.dtype);
  assert.equal(cells[2], `(${single.frames[3].values.boxes.shape.join(', ')})`);
  assert.deepEqual(
    cells[3]!.match(/[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?/g)!.map((x) => Math.fround(Number(x))),
    single.frames[3].values.boxes.values.map((x: number) => Math.fround(x)),
  );
  // The metadata as a tree.
  assert.ok((await text(frame, '#metadata-tree')).includes(single.metadata.video_path));
});

test('people that come and go: counts per frame, the chart, hiding people', async () => {
  const frame = await open('multi_person_varying.xz');
  await waitIndexed(frame, multi.n_frames);
  await frame.locator(`#persons-chart[data-frames="${multi.n_frames}"]`).waitFor();
  const most = Math.max(...multi.frames.map(peopleIn));
  assert.equal(await frame.locator('#persons vscode-checkbox').count(), most);
  for (const f of [5, 11, 18, 2]) {
    await goTo(frame, f);
    await assertFrame(frame, multi, f);
  }
  // Frame 2 has two people; hide the first, then the second.
  const scene = frame.locator('.body-scene');
  await scene.and(frame.locator('[data-visible-persons="2"]')).waitFor();
  await vscode.page.waitForTimeout(300);
  const before = await vscode.pixelStats(frame, '.scene3d-canvas');
  await firstPersonDrawn(frame);
  await vscode.screenshot('bodycompress-multi-person');
  await frame.locator('#person-0').click();
  await frame.locator('.body-scene[data-visible-persons="1"]').waitFor();
  await frame.locator('#person-1').click();
  await frame.locator('.body-scene[data-visible-persons="0"]').waitFor();
  await vscode.page.waitForTimeout(300);
  const hidden = await vscode.pixelStats(frame, '.scene3d-canvas');
  const left = shareOf(decodePng(await frame.locator('.scene3d-canvas').screenshot()), await firstPersonColour(frame), 8);
  assert.ok(left < 0.001, `the hidden first person is still drawn (${(left * 100).toFixed(2)} % of the view)`);
  assert.ok(
    hidden.nonDominantFraction < before.nonDominantFraction * 0.8,
    `hiding both people should clear most of the drawing: ${JSON.stringify({ before, hidden })}`,
  );
  await vscode.screenshot('bodycompress-people-hidden');
  await frame.locator('#person-0').click();
  await frame.locator('#person-1').click();
  await frame.locator('.body-scene[data-visible-persons="2"]').waitFor();

  // Vertex uncertainties as a colour map, with its legend.
  await goTo(frame, 18);
  await frame.locator('#show-uncertainty').click();
  const legend = frame.locator('#uncertainty-legend .color-legend');
  await legend.waitFor();
  assert.match((await legend.getAttribute('aria-label')) ?? '', /^Vertex uncertainty: 0 mm to \d+(\.\d+)? mm$/);
  await vscode.page.waitForTimeout(300);
  await notBlank(frame, '.scene3d-canvas', 30);
  await vscode.screenshot('bodycompress-uncertainty');
  await frame.locator('#show-uncertainty').click();
  await legend.waitFor({ state: 'hidden' });

  // Looking through the frame's (moving) camera, and back.
  const orbit = await vscode.pixelStats(frame, '.scene3d-canvas');
  await frame.locator('#show-throughCamera').click();
  await frame.locator('.body-scene[data-view="camera"]').waitFor();
  await vscode.page.waitForTimeout(300);
  const through = await vscode.pixelStats(frame, '.scene3d-canvas');
  await firstPersonDrawn(frame);
  assert.notDeepEqual(through, orbit, 'the view through the camera differs from the orbit view');
  await vscode.screenshot('bodycompress-through-camera');
  await frame.locator('#show-throughCamera').click();
  await frame.locator('.body-scene[data-view="orbit"]').waitFor();
});

test('the frame and the display settings survive hiding the editor', async () => {
  await vscode.switchToTab('single_person_30f.xz');
  let frame = await vscode.webviewFrame('h1', { text: 'single_person_30f.xz' });
  await goTo(frame, 12);
  await frame.locator('#show-skeleton').click();
  await frame.locator('#show-grid').click();
  await vscode.page.waitForTimeout(600); // the frame is saved once stepping pauses
  await vscode.switchToTab('multi_person_varying.xz');
  await vscode.webviewFrame('h1', { text: 'multi_person_varying.xz' });
  // The page is rebuilt when its tab comes back (no retainContextWhenHidden).
  await vscode.switchToTab('single_person_30f.xz');
  frame = await vscode.webviewFrame('#frame-info[data-frame="12"]');
  await assertFrame(frame, single, 12);
  const checked = (id: string) => frame.locator(id).evaluate((e) => (e as HTMLElement & { checked: boolean }).checked);
  assert.equal(await checked('#show-skeleton'), false);
  assert.equal(await checked('#show-grid'), false);
  assert.equal(await checked('#show-joints'), true);
  await frame.locator('#show-skeleton').click();
  await frame.locator('#show-grid').click();
});

test('a long two-block file: jump anywhere through the index; keyboard Space, Left/Right, Home/End', async () => {
  const frame = await open('long_300f_multiblock.xz');
  await waitIndexed(frame, long.n_frames);
  await goTo(frame, 250);
  await assertFrame(frame, long, 250);
  await frame.locator('#frame-info h2, .inspector h2').first().click(); // focus the page, not the field
  const key = async (k: string, f: number) => {
    await vscode.page.keyboard.press(k);
    await frame.locator(`#frame-info[data-frame="${f}"]`).waitFor();
    assert.match(await text(frame, '#timeline-label'), new RegExp(`^Frame ${f} / ${long.n_frames - 1} · ${(f / 30).toFixed(2)} s`));
  };
  await key('ArrowRight', 251);
  await key('ArrowLeft', 250);
  await key('End', long.n_frames - 1);
  await assertFrame(frame, long, long.n_frames - 1);
  await key('Home', 0);
  await assertFrame(frame, long, 0);
  await vscode.page.keyboard.press(' ');
  await frame.locator('#timeline-play[label^="Pause"]').waitFor();
  await frame.locator('#frame-info:not([data-frame="0"])').waitFor();
  await vscode.page.keyboard.press(' ');
  await frame.locator('#timeline-play[label^="Play"]').waitFor();
  await firstPersonDrawn(frame);
  await vscode.screenshot('bodycompress-long');
});

test('a truncated file: the frames that decode, and a banner saying where it stops', async () => {
  const frame = await open('truncated_single_person.xz');
  const n = truncated.complete_frames_in_decodable_prefix;
  const banner = frame.locator('#file-status');
  await banner.waitFor({ timeout: 60_000 });
  assert.match(await banner.innerText(), new RegExp(`truncated after frame ${n - 1} \\(${n} complete frames\\)`));
  await frame.locator('#timeline-label', { hasText: `/ ${n - 1} ·` }).waitFor();
  await frame.locator('.inspector h2').first().click();
  await vscode.page.keyboard.press('End');
  await frame.locator(`#frame-info[data-frame="${n - 1}"]`).waitFor();
  await assertFrame(frame, single, n - 1); // the same frames as the file it was cut from
  await vscode.screenshot('bodycompress-truncated');
});

test('not a BodyCompress file: a clear page with Reopen With…', async () => {
  await vscode.openFile('not_bodycompress.xz');
  const frame = await vscode.webviewFrame('.error-page');
  assert.match(await frame.locator('h1').innerText(), /Not a BodyCompress file/);
  assert.ok(await frame.locator('#reopen-with').isVisible());
});

test('Set Template Faces… turns the points into a shaded mesh; faces that do not fit give a warning and points', async () => {
  const faces = gridFaces(32, 32); // 1,024 vertices, like the tiny fixture's bodies
  await writeNpy(join(vscode.workspace, 'bodycompress', 'grid_faces_1024.npy'), NdArray.fromTyped(Int32Array.from(faces), [faces.length / 3, 3]));
  const frame = await open('tiny_full_1024v.xz');
  const vertices = tiny.frames[0].values.vertices.shape[1];
  await frame.locator('.body-scene[data-display="points"]').waitFor();
  assert.equal(await frame.locator('#show-mesh').getAttribute('disabled'), '');
  await vscode.runCommand('Set Template Faces…');
  await vscode.answerQuickPick('faces file', 'grid_faces_1024.npy');
  // The open editor's vertex count is offered first.
  await vscode.answerQuickPick('Vertex count', null, String(vertices));
  await frame.locator('.body-scene[data-display="mesh"]').waitFor({ timeout: 20_000 });
  const settings = JSON.parse(await readFile(join(vscode.workspace, '.vscode', 'settings.json'), 'utf8'));
  assert.deepEqual(settings['bodyCapture.templateFaces'], { [vertices]: 'bodycompress/grid_faces_1024.npy' });
  await vscode.page.waitForTimeout(300);
  await notBlank(frame);
  await vscode.screenshot('bodycompress-template-faces-mesh');

  // Faces of a bigger grid refer to vertices these bodies do not have.
  const big = gridFaces(64, 32);
  await writeNpy(join(vscode.workspace, 'bodycompress', 'grid_faces_2048.npy'), NdArray.fromTyped(Int32Array.from(big), [big.length / 3, 3]));
  await writeFile(
    join(vscode.workspace, '.vscode', 'settings.json'),
    JSON.stringify({ 'bodyCapture.templateFaces': { [vertices]: 'bodycompress/grid_faces_2048.npy' } }),
  );
  const warning = frame.locator('#faces-warning');
  await warning.waitFor({ timeout: 20_000 });
  assert.match(await warning.innerText(), /shown as points.*refers to vertex 2047, but these bodies have 1,024 vertices/s);
  await frame.locator('.body-scene[data-display="points"]').waitFor();
  await vscode.screenshot('bodycompress-template-faces-mismatch');
});

test('screenshot of the 3D view into the workspace, and export of the frame shown', async () => {
  const frame = await open('tiny_full_1024v.xz');
  await frame.locator('.body-scene[data-rendered-frame="0"]').waitFor();
  await frame.locator('#screenshot').click();
  // VS Code's save dialog, at <workspace>/screenshots/<name>_frame_000000.png: accept it.
  const input = vscode.page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  // The dialog fills in its path a moment after it shows.
  await vscode.page.waitForFunction(() =>
    document.querySelector<HTMLInputElement>('.quick-input-widget input')!.value.endsWith('screenshots/tiny_full_1024v_frame_000000.png'),
  );
  await vscode.page.keyboard.press('Enter');
  const shot = join(vscode.workspace, 'screenshots', 'tiny_full_1024v_frame_000000.png');
  await frame.locator('#view-status', { hasText: 'Saved' }).waitFor({ timeout: 20_000 });
  const png = await readFile(shot);
  // The 3D view as drawn (not the page around it), with the first person in it.
  const img = decodePng(png);
  const canvas = await frame.locator('.scene3d-canvas').evaluate((c) => [(c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height]);
  assert.deepEqual([img.width, img.height], canvas);
  const share = shareOf(img, await firstPersonColour(frame), 8);
  assert.ok(share > 0.005, `the saved screenshot shows the first person: ${(share * 100).toFixed(2)} % of it has its colour`);
  await mkdir(RESULTS_DIR, { recursive: true });
  await copyFile(shot, join(RESULTS_DIR, 'bodycompress-saved-screenshot.png'));

  await goTo(frame, 2);
  await frame.locator('#export-frame').click();
  await vscode.answerQuickPick('Enter to start', null, '1 frame as npz');
  await vscode.page.locator('.notifications-toasts', { hasText: 'Exported 1 frame' }).first().waitFor({ timeout: 30_000 });
  assert.deepEqual((await readdir(join(vscode.workspace, 'bodycompress', 'tiny_full_1024v_frames'))).sort(), ['frame_000002.npz', 'metadata.json']);
});

test('a file that changes on disk is opened again, keeping the frame', async () => {
  const frame = await open('changing.xz');
  await waitIndexed(frame, single.n_frames);
  await goTo(frame, 5);
  await assertFrame(frame, single, 5);
  await copyFile(join(vscode.workspace, 'bodycompress', 'multi_person_varying.xz'), join(vscode.workspace, 'changing.xz'));
  await frame.locator('#bodycompress-summary', { hasText: new RegExp(`Frames \\(header\\)\\s*${multi.header.length}(?!\\d)`) }).waitFor({ timeout: 30_000 });
  await frame.locator('#frame-info[data-frame="5"]').waitFor({ timeout: 30_000 });
  await assertFrame(frame, multi, 5);
});

test('no Content-Security-Policy violations in the BodyCompress webviews', () => {
  assert.deepEqual(vscode.cspViolations(), []);
});

test('without WebGL: a clear message in the 3D area, and the inspector and timeline still work', async () => {
  const noGl = await VsCodeSession.start({ browserArgs: ['--disable-webgl', '--disable-3d-apis'] });
  try {
    await noGl.openFile('multi_person_varying.xz');
    const frame = await noGl.webviewFrame('#frame-info[data-frame="0"]', { timeoutMs: 60_000 });
    assert.match(await text(frame, '.scene3d-unavailable'), /3D view is unavailable: WebGL could not be started/);
    assert.equal(await frame.locator('.scene3d-canvas').count(), 0);
    await frame
      .locator('#bodycompress-summary vscode-table-row', { hasText: 'Frames (indexed)' })
      .filter({ hasText: new RegExp(`\\b${multi.n_frames}(?!\\d| so far)`) })
      .waitFor({ timeout: 60_000 });
    const field = frame.locator('#goto-frame input');
    await field.fill('6');
    await field.press('Enter');
    await frame.locator('#frame-info[data-frame="6"]').waitFor();
    await assertFrame(frame, multi, 6);
    await noGl.screenshot('bodycompress-no-webgl');
    assert.deepEqual(noGl.cspViolations(), []);
  } finally {
    await noGl.close();
  }
});
