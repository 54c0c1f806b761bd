// The BodyCompress editor's tools in the real VS Code: hovering a point shows its person, index
// and coordinates (checked against numpy's decoding of the file), clicking pins it and plots its
// path, trails add ghost frames, and comparing with a second file (written by Python from the
// reference fixtures: moved by 13 mm, shorter with people reordered and dropped, another template)
// shows the distances numpy computes and says how it matched. Screenshots: test-results/tools-*.png.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Frame } from 'playwright-core';
import { VsCodeSession } from './vscodeSession';
import { decodePng } from '../helpers/png';
import { pointPath, writeCompareFiles, type ExpectedComparison } from '../helpers/compareFiles';
import { text, openBodyCompress, waitIndexed, goTo } from './bodycompressPage';

let vscode: VsCodeSession;
/** Opens `name` and returns its webview once the first frame is in the inspector. */
const open = (name: string) => openBodyCompress(vscode, name);
let expected: Record<string, ExpectedComparison> = {};

before(async () => {
  vscode = await VsCodeSession.start();
  // Written before Quick Open first lists the workspace.
  expected = writeCompareFiles(join(vscode.workspace, 'bodycompress'));
});

after(async () => {
  await vscode?.close();
});

async function slotBlue(frame: Frame): Promise<number[]> {
  const hex = await frame.evaluate(() => getComputedStyle(document.body).getPropertyValue('--vscode-charts-blue').trim());
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
}

/** Pixels of the 3D view within `tol` of `rgb`: their count and centroid in page coordinates. */
async function pixelsOf(frame: Frame, rgb: number[], tol = 8): Promise<{ count: number; x: number; y: number; share: number }> {
  const canvas = frame.locator('.scene3d-canvas').first();
  const box = (await canvas.boundingBox())!;
  const img = decodePng(await canvas.screenshot());
  let count = 0;
  let sx = 0;
  let sy = 0;
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      const i = (y * img.width + x) * img.channels;
      if (Math.abs(img.pixels[i]! - rgb[0]!) <= tol && Math.abs(img.pixels[i + 1]! - rgb[1]!) <= tol && Math.abs(img.pixels[i + 2]! - rgb[2]!) <= tol) {
        count++;
        sx += x;
        sy += y;
      }
    }
  }
  const scale = box.width / img.width;
  return { count, share: count / (img.width * img.height), x: box.x + (sx / Math.max(1, count)) * scale, y: box.y + (sy / Math.max(1, count)) * scale };
}

/** Pixels of the 3D view that are not the background. */
async function drawnPixels(frame: Frame): Promise<number> {
  const s = await vscode.pixelStats(frame, '.scene3d-canvas');
  return s.nonDominantFraction * s.width * s.height;
}

/** The numbers of a readout's "x 12.5, y -3.0, z 4,012.0 mm". */
function coordinates(readout: string): number[] {
  const m = /x (-?[\d,.]+), y (-?[\d,.]+), z (-?[\d,.]+) mm/.exec(readout);
  assert.ok(m, `no coordinates in "${readout}"`);
  return m.slice(1, 4).map((s) => Number(s.replace(/,/g, '')));
}

/** The plot's y labels: what linePlot prints for its range. */
function tick(v: number): string {
  const a = Math.abs(v);
  return a !== 0 && (a < 0.01 || a >= 1e4) ? v.toExponential(1) : v.toFixed(a < 1 ? 3 : 2);
}

test('picking: hovering the body shows a point of person 1 with the coordinates numpy reads; a click pins it and plots its path over all 30 frames', async () => {
  const frame = await open('single_person_30f.xz');
  await waitIndexed(frame, 30);
  await goTo(frame, 4);
  await frame.locator('.body-scene[data-rendered-frame="4"]').waitFor();
  const body = await pixelsOf(frame, await slotBlue(frame));
  assert.ok(body.count > 500, `the body is drawn (${body.count} pixels)`);
  await vscode.page.mouse.move(body.x - 5, body.y - 5);
  await vscode.page.mouse.move(body.x, body.y);
  const readout = frame.locator('#pick-readout');
  await readout.waitFor({ state: 'visible' });
  const shown = await text(frame, '#pick-readout');
  const kind = (await readout.getAttribute('data-kind')) as 'vertex' | 'joint';
  const index = Number(await readout.getAttribute('data-index'));
  assert.equal(await readout.getAttribute('data-frame'), '4');
  assert.match(shown, new RegExp(`^Person 1 · ${kind} ${index} · x `));
  const path = pointPath(join(vscode.workspace, 'bodycompress', 'single_person_30f.xz'), 0, kind, index);
  assert.deepEqual(coordinates(shown), path[4], `${kind} ${index} of frame 4`);
  if (kind === 'vertex') assert.doesNotMatch(shown, /uncertainty/, 'uncertainties are not loaded while the Uncertainty toggle is off');
  await vscode.screenshot('tools-hover-readout');

  await vscode.page.mouse.down();
  await vscode.page.mouse.up();
  const pinned = frame.locator('#pinned-point[data-samples="30"]');
  await pinned.waitFor({ timeout: 30_000 });
  assert.equal(await text(frame, '#pinned-status'), `Person 1, ${kind} ${index} over 30 frames`);
  assert.equal(await text(frame, '#pinned-point figcaption'), `Person 1, ${kind} ${index}: position (mm) over frames 0–29`);
  const lines = await frame.locator('#pinned-point polyline').evaluateAll((ps) => ps.map((p) => (p.getAttribute('points') ?? '').trim().split(/\s+/).length));
  assert.deepEqual(lines, [30, 30, 30], 'x, y and z over 30 frames');
  const ticks = await frame.locator('#pinned-point .plot-tick').allTextContents();
  const all = path.flatMap((p) => p!);
  assert.deepEqual(ticks, [tick(Math.max(...all)), tick(Math.min(...all)), '0', '29'], 'y range from numpy, x from the first to the last frame');
  assert.deepEqual(await frame.locator('#pinned-point .plot-key').allTextContents(), ['x (mm)', 'y (mm)', 'z (mm)']);
  await frame.locator('#pinned-point').scrollIntoViewIfNeeded();
  await vscode.screenshot('tools-pinned-plot');
  // Speed: the distance between consecutive frames over 1/30 s (the file's frame rate).
  await frame.locator('#pinned-speed').click();
  await frame.locator('#pinned-point figcaption', { hasText: 'speed (mm/s)' }).waitFor();
  const speed = path.slice(1).map((p, k) => Math.hypot(p![0] - path[k]![0], p![1] - path[k]![1], p![2] - path[k]![2]) * 30);
  const speedLines = await frame
    .locator('#pinned-point polyline')
    .evaluateAll((ps) => ps.map((p) => (p.getAttribute('points') ?? '').trim().split(/\s+/).length));
  assert.deepEqual(speedLines, [29], 'no speed at the first frame');
  assert.deepEqual(await frame.locator('#pinned-point .plot-tick').allTextContents(), [tick(Math.max(...speed)), tick(Math.min(...speed)), '0', '29']);
  await vscode.screenshot('tools-pinned-speed');
  await frame.locator('#unpin-point').click();
  await frame.locator('#pinned-point').waitFor({ state: 'hidden' });
});

test('trails: 3 frames each side add ghost copies (more drawn pixels) and say how many; off removes them', async () => {
  const frame = await open('single_person_30f.xz');
  await waitIndexed(frame, 30);
  await goTo(frame, 10);
  await frame.locator('.body-scene[data-rendered-frame="10"]').waitFor();
  await vscode.page.waitForTimeout(200);
  const before = await drawnPixels(frame);
  await frame.locator('#show-trails').click();
  await frame.locator('#trail-status', { hasText: 'Trails: 6 ghost frames (3 before, 3 after)' }).waitFor({ timeout: 20_000 });
  await vscode.page.waitForTimeout(300);
  const withTrails = await drawnPixels(frame);
  assert.ok(withTrails > before * 1.05, `ghosts add drawn pixels: ${Math.round(before)} → ${Math.round(withTrails)}`);
  await vscode.screenshot('tools-trails');
  // At the first frame there is nothing before it.
  await goTo(frame, 0);
  await frame.locator('#trail-status', { hasText: 'Trails: 3 ghost frames (0 before, 3 after)' }).waitFor({ timeout: 20_000 });
  await frame.locator('#show-trails').click();
  await frame.locator('#trail-status:empty').waitFor({ state: 'attached' });
});

async function compareWith(frame: Frame, second: string, via: 'command' | 'button'): Promise<void> {
  if (via === 'command') await vscode.runCommand('Compare with BodyCompress File…');
  else await frame.locator('#compare-with').click();
  await vscode.answerQuickPick('Overlay a second BodyCompress file', second);
  await frame.locator('#compare-plot[data-done="true"]').waitFor({ timeout: 60_000 });
}

test('compare (command palette): a copy moved by 13 mm: 13 mm everywhere, legend in mm, vertices coloured by distance, Stop comparing returns to normal', async () => {
  const exp = expected['single_person_30f.xz|compare_offset_13mm.xz']!;
  const frame = await open('single_person_30f.xz');
  await waitIndexed(frame, 30);
  await frame.locator('.body-scene[data-rendered-frame]').waitFor();
  const blue = await slotBlue(frame);
  assert.ok((await pixelsOf(frame, blue)).share > 0.002, 'person 1 drawn in its colour before comparing');
  await compareWith(frame, 'compare_offset_13mm.xz', 'command');
  const message = await text(frame, '#compare-message');
  assert.match(message, /^Comparing with compare_offset_13mm\.xz/);
  assert.match(message, /Both files have 30 frames: all are compared\./);
  assert.match(message, /People are matched per frame by their centroids/);
  const summary = await text(frame, '#compare-summary');
  assert.equal(summary, `Person 1: mean ${exp.meanPerPerson[0]} mm · Compared on vertices.`);
  const lines = await frame.locator('#compare-plot polyline').evaluateAll((ps) => ps.map((p) => (p.getAttribute('points') ?? '').trim().split(/\s+/).length));
  assert.deepEqual(lines, [exp.common, exp.common], 'mean and max over every frame');
  assert.deepEqual(await frame.locator('#compare-plot .plot-key').allTextContents(), ['Person 1 mean', 'Person 1 max']);
  // Mean and max are both 13 mm: the y labels straddle 13.
  const ticks = await frame.locator('#compare-plot .plot-tick').allTextContents();
  assert.deepEqual(ticks.slice(0, 2), ['13.50', '12.50']);
  assert.match(await text(frame, '#compare-legend'), /Distance to compare_offset_13mm\.xz\s*0 mm\s*20 mm/);
  await frame.locator('.body-scene').click({ position: { x: 5, y: 5 } });
  await vscode.page.waitForTimeout(300);
  assert.ok((await pixelsOf(frame, blue)).share < 0.0005, 'the vertices are coloured by distance, not by person');
  await frame.locator('#compare-plot').scrollIntoViewIfNeeded();
  await vscode.screenshot('tools-compare-offset');
  await frame.locator('#stop-compare').click();
  await frame.locator('#compare-panel').waitFor({ state: 'hidden' });
  await vscode.page.waitForTimeout(300);
  assert.ok((await pixelsOf(frame, blue)).share > 0.002, 'person 1 in its own colour again');
  await vscode.screenshot('tools-compare-stopped');
});

test('compare (button): a shorter file with people reordered and one dropped: common frames, centroid matching and unpartnered people said', async () => {
  const exp = expected['multi_person_varying.xz|compare_shorter_reordered.xz']!;
  const frame = await open('multi_person_varying.xz');
  await waitIndexed(frame, 24);
  await goTo(frame, 6);
  await compareWith(frame, 'compare_shorter_reordered.xz', 'button');
  const message = await text(frame, '#compare-message');
  assert.match(
    message,
    new RegExp(
      `The files differ in length \\(this file ${exp.aFrames} frames, compare_shorter_reordered\\.xz ${exp.bFrames} frames\\): frames 0–${exp.common - 1}, the ${exp.common} frames both have, are compared\\.`,
    ),
  );
  assert.match(message, /People are matched per frame by their centroids \(least total distance\)\./);
  const summary = await text(frame, '#compare-summary');
  assert.equal(
    summary,
    `Person 1: mean ${exp.meanPerPerson[0]} mm · Person 2: mean ${exp.meanPerPerson[1]} mm · Person 3: no partner · Compared on vertices. · ${exp.personCountsDiffer} frames with different numbers of people: people without a partner have no distance.`,
  );
  // Frame 6 holds 3 people, the other file 2 of them in reverse order: 0↔1, 1↔0, the third unmatched.
  assert.equal(await frame.locator('#compare-panel').getAttribute('data-matched'), '1,0,-1');
  await frame.locator('#compare-plot').scrollIntoViewIfNeeded();
  await vscode.screenshot('tools-compare-shorter');
  await frame.locator('#stop-compare').click();
  await frame.locator('#compare-panel').waitFor({ state: 'hidden' });
});

test('compare: bodies of different vertex counts are compared on their joints, and the editor says so', async () => {
  const exp = expected['tiny_full_1024v.xz|compare_512v.xz']!;
  const frame = await open('tiny_full_1024v.xz');
  await waitIndexed(frame, 3);
  await compareWith(frame, 'compare_512v.xz', 'command');
  assert.equal(await frame.locator('#compare-panel').getAttribute('data-basis'), 'joints');
  assert.match(
    await text(frame, '#compare-message'),
    /This frame is compared on its joints: the bodies have 1,024 and 512 vertices, so vertices are not coloured\./,
  );
  assert.equal(
    await text(frame, '#compare-summary'),
    `Person 1: mean ${exp.meanPerPerson[0]} mm · Person 2: mean ${exp.meanPerPerson[1]} mm · 3 frames compared on joints: the vertex counts differ.`,
  );
  await frame.locator('#compare-plot').scrollIntoViewIfNeeded();
  await vscode.screenshot('tools-compare-joints');
  await frame.locator('#stop-compare').click();
  await frame.locator('#compare-panel').waitFor({ state: 'hidden' });
});
