// The SMC camera view's projections in the real VS Code: the FLAME vertices and the scan drawn
// through the camera's calibration where numpy projects them (within 2 px on screen), their
// toggles and legend, and the per-camera reprojection error table, on the fixture and on a copy
// whose camera 25 is turned by 2 degrees (h5py). Screenshots: test-results/smc-projection-*.png.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Frame } from 'playwright-core';
import { VsCodeSession } from './vscodeSession';
import { expectedJson, fixturePath } from '../helpers/fixtures';
import { decodePng } from '../helpers/png';
import { H5PY_PYTHON } from '../helpers/h5py';
import { misalignSmc, projectionReference, type ProjectionReference } from '../helpers/smcProjection';

const anno = expectedJson('smc', '0026_e0_anno');
const [HEIGHT, WIDTH] = anno.camera_info.resolution as [number, number];
const CAMERA = '25';
const MISALIGNED = '0026_e9_anno.smc';

type Image = ReturnType<typeof decodePng>;
type Rgb = [number, number, number];

let vscode: VsCodeSession;
let misalignedPath: string;
let misalignedRef: ProjectionReference;
/** The one FLAME triangle of the faces file set for the misaligned copy: its leftmost, rightmost and top vertices there. */
let triangle: number[];

before(async () => {
  vscode = await VsCodeSession.start();
  // Written before Quick Open first lists the workspace; alone in its folder, so without a raw partner.
  const dir = join(vscode.workspace, 'misaligned');
  await mkdir(dir, { recursive: true });
  misalignedPath = join(dir, MISALIGNED);
  misalignSmc(fixturePath('smc', '0026_e0_anno.smc'), misalignedPath, CAMERA, 2);
  misalignedRef = projectionReference(misalignedPath, 0, CAMERA);
  const xs = misalignedRef.flame.map((p) => p[0] ?? Number.NaN);
  const ys = misalignedRef.flame.map((p) => p[1] ?? Number.NaN);
  triangle = [xs.indexOf(Math.min(...xs)), xs.indexOf(Math.max(...xs)), ys.indexOf(Math.min(...ys))];
  const r = spawnSync(H5PY_PYTHON, [
    '-c',
    'import numpy as np, sys; np.save(sys.argv[1], np.array([[int(v) for v in sys.argv[2:]]], dtype=np.int64))',
    join(dir, 'flame_faces.npy'),
    ...triangle.map(String),
  ]);
  assert.equal(r.status, 0, String(r.stderr));
});

/** FLAME faces for the copy, in the setting the BodyCompress editor uses; read by editors opened from now on. */
async function setFlameFaces(): Promise<void> {
  await mkdir(join(vscode.workspace, '.vscode'), { recursive: true });
  await writeFile(join(vscode.workspace, '.vscode', 'settings.json'), JSON.stringify({ 'bodyCapture.templateFaces': { 5023: 'misaligned/flame_faces.npy' } }));
}

after(async () => {
  await vscode?.close();
});

async function openCameras(file: string): Promise<Frame> {
  await vscode.openFile(file);
  const frame = await vscode.webviewFrame('vscode-tab-header[data-tab="cameras"]');
  await frame.locator('vscode-tab-header[data-tab="cameras"]').click();
  return vscode.webviewFrame('#reprojection-errors[data-loaded-frame="0"]');
}

async function setChecked(frame: Frame, id: string, checked: boolean): Promise<void> {
  const box = frame.locator(`#${id}`);
  if ((await box.evaluate((b) => (b as HTMLElement & { checked: boolean }).checked)) !== checked) await box.click();
  assert.equal(await box.evaluate((b) => (b as HTMLElement & { checked: boolean }).checked), checked, id);
}

/** The large image with its overlays as on screen, and screen pixels per image pixel. */
async function stage(frame: Frame): Promise<{ image: Image; scale: number }> {
  await frame.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const box = await frame.locator('#camera-mesh-overlay').boundingBox();
  assert.ok(box && box.width > WIDTH, `the large image is shown: ${JSON.stringify(box)}`);
  const image = decodePng(await vscode.page.screenshot({ clip: box }));
  return { image, scale: image.width / WIDTH };
}

/** Screen position of an image coordinate (OpenCV: integer coordinates are pixel centres). */
const onScreen = (v: number, scale: number) => (v + 0.5) * scale;

function pixel(img: Image, x: number, y: number): Rgb | null {
  const px = Math.round(x);
  const py = Math.round(y);
  if (px < 0 || py < 0 || px >= img.width || py >= img.height) return null;
  const i = (py * img.width + px) * img.channels;
  return [img.pixels[i]!, img.pixels[i + 1]!, img.pixels[i + 2]!];
}

/** Whether `rgb` is within `tol` per channel of some pixel at most `radius` px from (x, y). */
function colourNear(img: Image, x: number, y: number, rgb: Rgb, radius = 2, tol = 40): boolean {
  for (let dy = -radius; dy <= radius; dy++) {
    for (let dx = -radius; dx <= radius; dx++) {
      const p = pixel(img, x + dx, y + dy);
      if (p?.every((c, k) => Math.abs(c - rgb[k]!) <= tol)) return true;
    }
  }
  return false;
}

/** Whether two screenshots differ somewhere at most `radius` px from (x, y). */
function changedNear(a: Image, b: Image, x: number, y: number, radius = 2): boolean {
  for (let dy = -radius; dy <= radius; dy++) {
    for (let dx = -radius; dx <= radius; dx++) {
      const p = pixel(a, x + dx, y + dy);
      const q = pixel(b, x + dx, y + dy);
      if (p && q && p.reduce((s, c, k) => s + Math.abs(c - q[k]!), 0) > 30) return true;
    }
  }
  return false;
}

async function themeRgb(frame: Frame, variable: string): Promise<Rgb> {
  const hex = (await frame.evaluate((v) => getComputedStyle(document.body).getPropertyValue(v).trim(), variable)).replace('#', '');
  assert.match(hex, /^[0-9a-f]{6}/i, `${variable} is a colour`);
  return [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16)) as Rgb;
}

/** The outermost FLAME vertices (leftmost, rightmost, top, bottom), each with a point well outside the mesh beyond it. */
function extremes(points: ProjectionReference['flame']): { at: [number, number]; outside: [number, number] }[] {
  const finite = points.filter((p): p is [number, number] => p[0] !== null && p[1] !== null);
  const by = (f: (p: [number, number]) => number) => finite.reduce((best, p) => (f(p) < f(best) ? p : best));
  const out = 2; // image pixels beyond the extreme vertex
  return [
    { at: by((p) => p[0]), d: [-out, 0] },
    { at: by((p) => -p[0]), d: [out, 0] },
    { at: by((p) => p[1]), d: [0, -out] },
    { at: by((p) => -p[1]), d: [0, out] },
  ].map(({ at, d }) => ({ at, outside: [at[0] + d[0]!, at[1] + d[1]!] as [number, number] }));
}

test('the error table lists every calibrated camera, worst first; a row opens its camera', async () => {
  const frame = await openCameras('0026_e0_anno.smc');
  const rows = frame.locator('#reprojection-table vscode-table-body vscode-table-row');
  await rows.first().waitFor();
  const withLandmarks = Object.keys(anno.keypoints2d.cameras).sort();
  assert.deepEqual(
    withLandmarks,
    Array.from({ length: 15 }, (_, i) => String(18 + i)),
  );
  // One row per compared camera, then one naming the cameras without 2D landmarks.
  assert.equal(await rows.count(), withLandmarks.length + 1);
  const cells = await rows.evaluateAll((rs) => rs.map((r) => [...r.querySelectorAll('vscode-table-cell')].map((c) => c.textContent ?? '')));
  // The fixture's 3D landmarks project exactly onto its 2D ones: every compared camera at 0.00 px, listed first.
  const compared = cells.slice(0, withLandmarks.length);
  assert.deepEqual(compared.map((c) => c[0]).sort(), withLandmarks);
  for (const c of compared) assert.deepEqual(c.slice(1, 5), ['106', '0.00', '0.00', ''], c.join(' | '));
  const others = anno.calibration.camera_ids.length - withLandmarks.length;
  assert.deepEqual(cells[withLandmarks.length], ['00–17, 33–59', '0', '—', '—', `${others} cameras, no 2D landmarks`]);
  assert.equal(await frame.locator('#reprojection-table vscode-table-row.flagged').count(), 0);
  const summary = (await frame.locator('#reprojection-summary').textContent()) ?? '';
  assert.ok(summary.includes(`${withLandmarks.length} of ${anno.calibration.camera_ids.length} calibrated cameras with 2D landmarks`), summary);
  assert.ok(summary.includes('no camera stands out'), summary);
  await frame.locator('#reprojection-errors').evaluate((e) => e.scrollIntoView({ block: 'start' }));
  await vscode.screenshot('smc-projection-table');

  // On its camera cell: the column borders in between are resize handles.
  const row = frame.locator(`#reprojection-table vscode-table-row[data-camera="${CAMERA}"]`);
  await row.evaluate((e) => e.scrollIntoView({ block: 'center' }));
  await row.locator('vscode-table-cell').first().click();
  await vscode.webviewFrame(`#camera-detail[data-camera="${CAMERA}"][data-loaded-frame="0"]`);
});

test('FLAME vertices appear where numpy projects them; the toggle hides them; they follow the frame', async () => {
  // This editor asked for FLAME faces when it opened (none then): it keeps drawing points.
  await setFlameFaces();
  const frame = await vscode.webviewFrame(`#camera-detail[data-camera="${CAMERA}"][data-loaded-frame="0"]`);
  await frame.locator('#camera-title').scrollIntoViewIfNeeded();
  for (const id of ['show-detected', 'show-projected', 'show-scan']) await setChecked(frame, id, false);
  await setChecked(frame, 'show-flame', true);
  const legend = (await frame.locator('#legend-flame').textContent()) ?? '';
  assert.ok(legend.includes(`FLAME (${anno.flame.keys.verts.shape[0].toLocaleString('en-US')} vertices as points`), legend);
  const blue = await themeRgb(frame, '--vscode-charts-blue');

  const ref0 = projectionReference(fixturePath('smc', '0026_e0_anno.smc'), 0, CAMERA);
  let { image, scale } = await stage(frame);
  await vscode.screenshot('smc-projection-flame');
  for (const { at, outside } of extremes(ref0.flame)) {
    assert.ok(colourNear(image, onScreen(at[0], scale), onScreen(at[1], scale), blue), `FLAME vertex at ${at.join(', ')} drawn within 2 px`);
    assert.ok(!colourNear(image, onScreen(outside[0], scale), onScreen(outside[1], scale), blue, 1), `nothing drawn at ${outside.join(', ')}, beyond the mesh`);
  }
  // Every 50th vertex: blue within 2 px of numpy's projection.
  const sampled = ref0.flame.filter((_, i) => i % 50 === 0);
  const hits = sampled.filter(([x, y]) => x !== null && y !== null && colourNear(image, onScreen(x, scale), onScreen(y, scale), blue)).length;
  assert.equal(hits, sampled.length);

  await setChecked(frame, 'show-flame', false);
  ({ image, scale } = await stage(frame));
  for (const { at } of extremes(ref0.flame)) assert.ok(!colourNear(image, onScreen(at[0], scale), onScreen(at[1], scale), blue), `hidden at ${at.join(', ')}`);
  assert.equal(await frame.locator('#legend-flame').count(), 0);
  await setChecked(frame, 'show-flame', true);

  // The next frame's vertices, where numpy puts them for frame 1.
  await frame.locator('#camera-title').click();
  await vscode.page.keyboard.press('ArrowRight');
  await vscode.webviewFrame(`#camera-detail[data-camera="${CAMERA}"][data-loaded-frame="1"]`);
  const ref1 = projectionReference(fixturePath('smc', '0026_e0_anno.smc'), 1, CAMERA);
  ({ image, scale } = await stage(frame));
  for (const { at } of extremes(ref1.flame))
    assert.ok(colourNear(image, onScreen(at[0], scale), onScreen(at[1], scale), blue), `frame 1 vertex at ${at.join(', ')}`);
  await vscode.webviewFrame('#reprojection-errors[data-loaded-frame="1"]');
});

test('the scan wireframe passes through numpy’s projected scan vertices; its toggle hides it', async () => {
  const frame = await vscode.webviewFrame(`#camera-detail[data-camera="${CAMERA}"]`);
  await frame.locator('#camera-title').click();
  await vscode.page.keyboard.press('Home');
  await vscode.webviewFrame(`#camera-detail[data-camera="${CAMERA}"][data-loaded-frame="0"]`);
  await setChecked(frame, 'show-flame', false);
  await setChecked(frame, 'show-scan', false);
  const without = await stage(frame);
  await setChecked(frame, 'show-scan', true);
  const legend = (await frame.locator('#legend-scan').textContent()) ?? '';
  assert.ok(legend.includes(`scan (${anno.scan.vertex.shape[0]} vertices)`), legend);
  const withScan = await stage(frame);
  const ref = projectionReference(fixturePath('smc', '0026_e0_anno.smc'), 0, CAMERA);
  const inside = ref.scan.filter((p): p is [number, number] => p[0] !== null && p[1] !== null && p[0] >= 0 && p[1] >= 0 && p[0] < WIDTH && p[1] < HEIGHT);
  assert.ok(inside.length > 100, `${inside.length} scan vertices in the image`);
  const s = withScan.scale;
  const missed = inside.filter(([x, y]) => !changedNear(without.image, withScan.image, onScreen(x, s), onScreen(y, s)));
  assert.ok(
    missed.length <= inside.length * 0.02,
    `${missed.length} of ${inside.length} scan vertices have no line within 2 px: ${JSON.stringify(missed.slice(0, 5))}`,
  );
  // Nothing changes far from the scan (the image corners).
  for (const [x, y] of [
    [2, 2],
    [WIDTH - 3, HEIGHT - 3],
  ] as const) {
    assert.ok(!changedNear(without.image, withScan.image, onScreen(x, s), onScreen(y, s)), `corner ${x}, ${y} unchanged`);
  }
  for (const id of ['show-detected', 'show-projected', 'show-flame']) await setChecked(frame, id, true);
  await vscode.screenshot('smc-projection');
});

test('a copy with camera 25 turned by 2 degrees: camera 25 tops the table, flagged, with numpy’s error', async () => {
  const frame = await openCameras(MISALIGNED);
  const ref = projectionReference(misalignedPath, 0, CAMERA);
  const first = frame.locator('#reprojection-table vscode-table-body vscode-table-row').first();
  await first.waitFor();
  const cells = await first.locator('vscode-table-cell').allTextContents();
  const want = ref.errors[CAMERA]!;
  assert.deepEqual(cells, [CAMERA, String(want.landmarks), want.mean!.toFixed(2), want.max!.toFixed(2), '⚠ far above the median']);
  assert.ok(want.mean! > 5, `numpy: ${want.mean} px`);
  assert.equal(await frame.locator('#reprojection-table vscode-table-row.flagged').count(), 1);
  assert.match((await first.getAttribute('class')) ?? '', /\bflagged\b/);
  const summary = (await frame.locator('#reprojection-summary').textContent()) ?? '';
  assert.ok(summary.includes(`1 camera far above the median (more than 3× and 2 px over it): ${CAMERA}`), summary);
  await frame.locator('#reprojection-errors').evaluate((e) => e.scrollIntoView({ block: 'start' }));
  await vscode.screenshot('smc-projection-misaligned-table');

  await first.locator('vscode-table-cell').first().click();
  await vscode.webviewFrame(`#camera-detail[data-camera="${CAMERA}"][data-loaded-frame="0"]`);
  const error = (await frame.locator('#reprojection-error').textContent()) ?? '';
  assert.ok(error.includes(`${want.mean!.toFixed(2)} px`), error);
  await vscode.screenshot('smc-projection-misaligned-camera');
});

/** Distance from (x, y) to the segment a–b. */
function segmentDistance(x: number, y: number, a: [number, number], b: [number, number]): number {
  const [dx, dy] = [b[0] - a[0], b[1] - a[1]];
  const t = Math.max(0, Math.min(1, ((x - a[0]) * dx + (y - a[1]) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(x - a[0] - t * dx, y - a[1] - t * dy);
}

test('with FLAME faces set (bodyCapture.templateFaces), FLAME is drawn as its wireframe: the edges, not the other vertices', async () => {
  const frame = await vscode.webviewFrame(`#camera-detail[data-camera="${CAMERA}"][data-loaded-frame="0"]`);
  await frame.locator('#mesh-legend[data-faces="ok"]').waitFor();
  const legend = (await frame.locator('#legend-flame').textContent()) ?? '';
  assert.ok(legend.includes('FLAME wireframe (5,023 vertices, faces from flame_faces.npy)'), legend);
  for (const id of ['show-detected', 'show-projected', 'show-scan']) await setChecked(frame, id, false);
  await setChecked(frame, 'show-flame', false);
  const without = (await stage(frame)).image;
  await setChecked(frame, 'show-flame', true);
  const { image, scale } = await stage(frame);
  await vscode.screenshot('smc-projection-flame-wireframe');
  const corners = triangle.map((i) => misalignedRef.flame[i] as [number, number]);
  for (let k = 0; k < 3; k++) {
    const [a, b] = [corners[k]!, corners[(k + 1) % 3]!];
    for (const t of [0.25, 0.5, 0.75]) {
      const [x, y] = [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])];
      // Thin anti-aliased lines: the image changes there (within 2 px) rather than taking the exact colour.
      assert.ok(changedNear(without, image, onScreen(x, scale), onScreen(y, scale)), `edge ${k} drawn at ${t} of its length`);
    }
  }
  // Vertices on no face are not drawn: those over 3 image pixels from every edge show no FLAME colour.
  const far = misalignedRef.flame.filter(
    (p): p is [number, number] =>
      p[0] !== null && p[1] !== null && [0, 1, 2].every((k) => segmentDistance(p[0]!, p[1]!, corners[k]!, corners[(k + 1) % 3]!) > 3),
  );
  assert.ok(far.length > 1000, `${far.length} vertices away from the triangle`);
  const drawn = far.filter(([x, y]) => changedNear(without, image, onScreen(x, scale), onScreen(y, scale), 1));
  assert.equal(drawn.length, 0, `${drawn.length} vertices off the faces drawn, e.g. ${JSON.stringify(drawn.slice(0, 3))}`);
});
