// The BodyCompress editor in the real VS Code on unusual and damaged files written the way real
// pipelines write them (test/helpers/oddBodyCompress.py: msgpack_numpy + xz, the reference
// writer's layout; expected values from numpy): joints-only files drawn and fitted, one banner with
// the accurate cause for a killed writer, an absent data stream and a file missing its last bytes,
// a 0-frame file with its controls disabled, garbage coordinates warned about and fitted robustly.
// Screenshots go to test-results/bodycompress-odd-*.png.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Frame } from 'playwright-core';
import { VsCodeSession } from './vscodeSession';
import { decodePng } from '../helpers/png';
import { writeOddFiles, type OddFacts } from '../helpers/oddBodyCompress';
import { plural } from '../../src/core/plural';
import { gridFaces } from '../helpers/gridFaces';
import { NdArray } from '../../src/core/numpy/ndarray';
import { writeNpy } from '../../src/core/numpy/npy';

let vscode: VsCodeSession;
let facts: OddFacts;
const faces = gridFaces(32, 32);

before(async () => {
  vscode = await VsCodeSession.start();
  // Written before Quick Open first lists the workspace.
  facts = writeOddFiles(vscode.workspace);
  // Template faces for the tiny fixture's 1,024-vertex bodies, as Set Template Faces… stores them.
  await writeNpy(join(vscode.workspace, 'bodycompress', 'odd_faces_1024.npy'), NdArray.fromTyped(Int32Array.from(faces), [faces.length / 3, 3]));
  await mkdir(join(vscode.workspace, '.vscode'), { recursive: true });
  await writeFile(
    join(vscode.workspace, '.vscode', 'settings.json'),
    JSON.stringify({ 'bodyCapture.templateFaces': { 1024: 'bodycompress/odd_faces_1024.npy' } }),
  );
});

after(async () => {
  await vscode?.close();
});

/** Opens `name` and returns its webview once its header is there (files without frames have no frame info). */
async function open(name: string, selector = '#frame-info[data-frame]'): Promise<Frame> {
  await vscode.openFile(name);
  const frame = await vscode.webviewFrame(`h1:text-is("${name}")`, { timeoutMs: 60_000 });
  await frame.locator(selector).first().waitFor({ timeout: 60_000 });
  return frame;
}

async function text(frame: Frame, selector: string): Promise<string> {
  return ((await frame.locator(selector).first().textContent()) ?? '').trim();
}

/** The summary row `label` once indexing is done (its value). */
async function summaryValue(frame: Frame, label: string): Promise<string> {
  await frame
    .locator('#bodycompress-summary vscode-table-row', { hasText: 'Frames (indexed)' })
    .filter({ hasNotText: 'so far' })
    .first()
    .waitFor({ timeout: 60_000 });
  const cells = await frame.locator('#bodycompress-summary vscode-table-row', { hasText: label }).first().locator('vscode-table-cell').allTextContents();
  return (cells[1] ?? '').trim();
}

/** The banners shown: exactly one is expected on each of these files. */
async function onlyBanner(frame: Frame, id: string): Promise<string> {
  await frame.locator(`#${id}`).waitFor({ timeout: 60_000 });
  const all = await frame.locator('.banners .banner').allInnerTexts();
  assert.equal(all.length, 1, `one banner, not: ${JSON.stringify(all)}`);
  return all[0]!.trim();
}

type Png = ReturnType<typeof decodePng>;

async function canvas(frame: Frame): Promise<Png> {
  // Two renders after any change: what is on screen is the settled frame.
  await frame.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  return decodePng(await frame.locator('.scene3d-canvas').first().screenshot());
}

/** Pixels that differ between two screenshots of the same canvas: count and their bounding box (fractions of the canvas). */
function changed(a: Png, b: Png): { count: number; box: [number, number, number, number] } {
  let count = 0;
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (let y = 0; y < a.height; y++) {
    for (let x = 0; x < a.width; x++) {
      const i = (y * a.width + x) * a.channels;
      if (Math.abs(a.pixels[i]! - b.pixels[i]!) + Math.abs(a.pixels[i + 1]! - b.pixels[i + 1]!) + Math.abs(a.pixels[i + 2]! - b.pixels[i + 2]!) < 30) continue;
      count++;
      [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
    }
  }
  return { count, box: [x0 / a.width, y0 / a.height, x1 / a.width, y1 / a.height] };
}

/** Pixels of exactly the colour `rgb` (±8): count and centroid (fractions of the canvas). */
function colourPixels(img: Png, rgb: number[]): { count: number; cx: number; cy: number } {
  let count = 0;
  let sx = 0;
  let sy = 0;
  for (let i = 0, k = 0; i < img.pixels.length; i += img.channels, k++) {
    if (Math.abs(img.pixels[i]! - rgb[0]!) > 8 || Math.abs(img.pixels[i + 1]! - rgb[1]!) > 8 || Math.abs(img.pixels[i + 2]! - rgb[2]!) > 8) continue;
    count++;
    sx += k % img.width;
    sy += Math.floor(k / img.width);
  }
  return { count, cx: sx / count / img.width, cy: sy / count / img.height };
}

async function themeColour(frame: Frame, variable: string): Promise<number[]> {
  const hex = await frame.evaluate((v) => getComputedStyle(document.body).getPropertyValue(v).trim(), variable);
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
}

async function setChecked(frame: Frame, id: string, checked: boolean): Promise<void> {
  const box = frame.locator(`#${id}`);
  if ((await box.evaluate((b) => (b as HTMLElement & { checked: boolean }).checked)) !== checked) await box.click();
}

/**
 * Joints-only: after Fit the joints (and bones) are drawn in the middle of the view, i.e. turning
 * Joints and Skeleton off changes a fair number of pixels around the centre.
 */
async function jointsDrawn(frame: Frame, name: string): Promise<void> {
  await frame.locator('#fit-view').click();
  await setChecked(frame, 'show-joints', true);
  const on = await canvas(frame);
  await vscode.screenshot(`bodycompress-odd-${name}`);
  await setChecked(frame, 'show-joints', false);
  const skeleton = frame.locator('#show-skeleton');
  const hadSkeleton = !(await skeleton.evaluate((b) => (b as HTMLElement & { disabled: boolean }).disabled));
  if (hadSkeleton) await setChecked(frame, 'show-skeleton', false);
  const off = await canvas(frame);
  await setChecked(frame, 'show-joints', true);
  if (hadSkeleton) await setChecked(frame, 'show-skeleton', true);
  const d = changed(on, off);
  assert.ok(d.count >= 0.003 * on.width * on.height, `joints cover only ${d.count} pixels`);
  const [x0, y0, x1, y1] = d.box;
  // Fit frames them: they span a good part of the view, and sit inside it.
  assert.ok(x1 - x0 > 0.15 || y1 - y0 > 0.3, `joints span ${JSON.stringify(d.box)}`);
  assert.ok((x0 + x1) / 2 > 0.25 && (x0 + x1) / 2 < 0.75 && (y0 + y1) / 2 > 0.2 && (y0 + y1) / 2 < 0.8, `joints off centre: ${JSON.stringify(d.box)}`);
}

test('joints-only, vertices (P, 0, 3): joints and skeleton drawn and fitted, people counted', async () => {
  const f = facts['odd_joints_empty_vertices.xz'];
  const frame = await open('odd_joints_empty_vertices.xz');
  assert.equal(await summaryValue(frame, 'Most people in a frame'), String(f.maxPersons));
  assert.equal(await text(frame, '#frame-persons'), String(f.maxPersons));
  assert.deepEqual(await frame.locator('.banners .banner').allTextContents(), []);
  assert.equal(await frame.locator('#show-skeleton').evaluate((b) => (b as HTMLElement & { disabled: boolean }).disabled), false, '24 joints have a skeleton');
  await jointsDrawn(frame, 'joints-empty-vertices');
});

test('joints-only, no vertices key: joints drawn and fitted, people counted', async () => {
  const f = facts['odd_joints_no_vertices.xz'];
  const frame = await open('odd_joints_no_vertices.xz');
  assert.equal(await summaryValue(frame, 'Most people in a frame'), String(f.maxPersons));
  assert.equal(await text(frame, '#frame-persons'), String(f.maxPersons));
  await jointsDrawn(frame, 'joints-no-vertices');
});

test('a killed writer: one warning, not finalized, how many frames are readable', async () => {
  const f = facts['odd_killed_writer.xz'];
  const frame = await open('odd_killed_writer.xz');
  await frame.locator('#file-status', { hasText: 'readable' }).waitFor({ timeout: 60_000 });
  const banner = await onlyBanner(frame, 'file-status');
  assert.equal(await frame.locator('#file-status.banner-warning').count(), 1);
  assert.equal(
    banner,
    `odd_killed_writer.xz was not finalized: its writer stopped before closing it, so the header records no frame count. All ${plural(f.frames, 'frame')} in it are readable. The metadata says ${plural(f.metadataFrames, 'frame')} (n_frames): 1 frame is missing.`,
  );
  assert.equal(await summaryValue(frame, 'Frames (indexed)'), String(f.frames));
  await frame.locator('#timeline-label', { hasText: `/ ${f.frames - 1} ·` }).waitFor();
  await vscode.screenshot('bodycompress-odd-killed-writer');
});

test('the data stream absent: one error saying there are no frames and what is usable', async () => {
  const f = facts['odd_no_data_stream.xz'];
  const frame = await open('odd_no_data_stream.xz', '#file-status');
  const banner = await onlyBanner(frame, 'file-status');
  assert.equal(
    banner,
    `odd_no_data_stream.xz has no frames: it ends after its metadata, where the frame data should start (byte ${f.dataStart}); the header says ${plural(f.headerFrames, 'frame')}. Only the header and metadata can be shown.`,
  );
  assert.doesNotMatch(await text(frame, 'body'), /Frames 0–0 are shown/);
  assert.equal(await frame.locator('#timeline').count(), 0, 'no timeline without frames');
  assert.equal(await frame.locator('#export-frames').evaluate((b) => (b as HTMLElement & { disabled: boolean }).disabled), true);
  await frame.locator('#metadata-tree', { hasText: 'subject' }).waitFor();
  await vscode.screenshot('bodycompress-odd-no-data-stream');
});

test('the last 5 bytes missing: a mild warning, every frame readable', async () => {
  const f = facts['odd_last_bytes_missing.xz'];
  const frame = await open('odd_last_bytes_missing.xz');
  const banner = await onlyBanner(frame, 'file-status');
  assert.equal(await frame.locator('#file-status.banner-warning').count(), 1);
  assert.match(banner, new RegExp(`^All ${f.frames} frames of odd_last_bytes_missing.xz are readable, but the file's end is cut off`));
  // Nothing is missing but the container's end: no "the rest cannot be read".
  assert.equal(await summaryValue(frame, 'Frames (indexed)'), String(f.frames));
  await frame.locator('#timeline-label', { hasText: `/ ${f.frames - 1} ·` }).waitFor();
  await vscode.screenshot('bodycompress-odd-last-bytes');
});

test('0 frames: a note, no timeline, controls and export disabled, no endless "Counting people"', async () => {
  const frame = await open('odd_zero_frames.xz', '#file-status');
  assert.equal(await onlyBanner(frame, 'file-status'), 'odd_zero_frames.xz holds no frames (its header says 0): only its header and metadata are shown.');
  assert.equal(await frame.locator('#file-status.banner-info').count(), 1);
  await frame.locator('#persons-chart-empty').waitFor();
  assert.doesNotMatch(await text(frame, '.inspector'), /Counting people/);
  assert.equal(await frame.locator('#timeline').count(), 0);
  for (const id of ['fit-view', 'screenshot', 'export-frame', 'export-frames', 'show-joints', 'show-grid']) {
    assert.equal(await frame.locator(`#${id}`).evaluate((b) => (b as HTMLElement & { disabled: boolean }).disabled), true, `${id} disabled`);
  }
  assert.equal(await summaryValue(frame, 'Most people in a frame'), '—');
  assert.equal(await text(frame, '#scene-empty'), 'No frames to draw: this file holds none.');
  await vscode.screenshot('bodycompress-odd-zero-frames');
});

test('garbage coordinates: a warning naming the frame, people and points; Fit frames the valid points', async () => {
  const f = facts['odd_garbage_coordinates.xz'];
  const frame = await open('odd_garbage_coordinates.xz');
  await summaryValue(frame, 'Frames (indexed)');
  const at = 3;
  const field = frame.locator('#goto-frame input');
  await field.fill(String(at));
  await field.press('Enter');
  await frame.locator(`#frame-info[data-frame="${at}"]`).waitFor();
  const who = f.perFrame[at]!.persons.flatMap((p, i) => (p.invalid ? [`person ${i + 1}: ${p.invalid} of ${p.valid + p.invalid} points`] : []));
  assert.ok(who.length > 0, 'frame 3 has garbage');
  const banner = frame.locator('#frame-garbage');
  await banner.waitFor();
  assert.equal(
    (await banner.innerText()).trim(),
    `Frame ${at} has garbage coordinates (NaN, infinite or too large values, stored as -2³¹ half-millimetres): ${who.join(', ')}. They are left out of Fit and the grid.`,
  );
  await frame.locator('#fit-view').click();
  // The second person (clean in this frame) is drawn as points in its colour, large enough and
  // in the view: a fit that took the garbage in would shrink everyone to a dot.
  const orange = colourPixels(await canvas(frame), await themeColour(frame, '--vscode-charts-orange'));
  assert.ok(orange.count >= 150, `the second person covers only ${orange.count} pixels`);
  assert.ok(orange.cx > 0.1 && orange.cx < 0.9 && orange.cy > 0.1 && orange.cy < 0.9, `the second person is at ${orange.cx}, ${orange.cy}`);
  await vscode.screenshot('bodycompress-odd-garbage');
  await frame.evaluate(() => window.scrollTo(0, 0));
  await vscode.screenshot('bodycompress-odd-garbage-banner');
  // A clean frame: the warning goes.
  await field.fill('0');
  await field.press('Enter');
  await frame.locator('#frame-info[data-frame="0"]').waitFor();
  await banner.waitFor({ state: 'detached' });
});

test('Export frame… as OBJ from the editor: the template faces the editor draws are in the file', async () => {
  const frame = await open('tiny_full_1024v.xz');
  await frame.locator('.body-scene[data-display="mesh"]').waitFor({ timeout: 20_000 });
  await frame.locator('#export-frame').click();
  // The review list: pick Format, then obj.
  await vscode.answerQuickPick('Enter to start', 'Format');
  const input = vscode.page.locator('.quick-input-widget input');
  await vscode.page.locator('.quick-input-list .monaco-list-row', { hasText: 'with the template faces when set' }).first().waitFor();
  await input.fill('obj');
  await vscode.page.locator('.quick-input-list .monaco-list-row.focused', { hasText: 'obj' }).first().waitFor();
  await vscode.page.keyboard.press('Enter');
  await vscode.answerQuickPick('Enter to start', null, '1 frame as obj', 'bodycompress-odd-export-obj');
  await vscode.page.locator('.notifications-toasts', { hasText: 'Exported 1 frame (' }).first().waitFor({ timeout: 30_000 });
  const obj = await readFile(join(vscode.workspace, 'bodycompress', 'tiny_full_1024v_frames', 'frame_000000_person_0.obj'), 'utf8');
  const f = obj.split('\n').filter((l) => l.startsWith('f '));
  assert.equal(f.length, faces.length / 3);
  assert.deepEqual(f[1], `f ${faces[3]! + 1} ${faces[4]! + 1} ${faces[5]! + 1}`);
  assert.equal(obj.split('\n').filter((l) => l.startsWith('v ')).length, 1024);
});
