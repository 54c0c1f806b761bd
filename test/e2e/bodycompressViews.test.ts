// The BodyCompress editor's 3D view tools in the real VS Code (issue 16): looking through the
// camera shows exactly its image (people at the edge where K, R, loc put them, the image border,
// the principal point, the 2D boxes), marker sizes from the data's scale (a FLAME-sized head),
// front / side / top / camera presets, orthographic projection, backgrounds, wireframe,
// double-click focus, the checkboxes' states and tooltips, and the SMPL-X skeleton. The files are
// written by test/helpers/viewsScenes.py the way the reference writer does, and the expected
// pixels come from numpy there. Screenshots go to test-results/views-*.png.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Frame } from 'playwright-core';
import { VsCodeSession } from './vscodeSession';
import { openDrawn, pixel, sceneCanvas, settle, type Image, type Rgb } from './bodycompressPage';
import { gridFaces } from '../helpers/gridFaces';
import { NdArray } from '../../src/core/numpy/ndarray';
import { writeNpy } from '../../src/core/numpy/npy';

interface Expectations {
  camera: { size: [number, number]; estimated: boolean; people: [number, number][]; boxes: number[][]; principal: [number, number] }[];
  head: { medianNearestNeighbour: number };
  smplx: { joints: [number, number][]; size: [number, number] };
}

let vscode: VsCodeSession;
let expected: Expectations;

before(async () => {
  vscode = await VsCodeSession.start();
  // Written before Quick Open first lists the workspace.
  const dir = join(vscode.workspace, 'views');
  await mkdir(dir, { recursive: true });
  const r = spawnSync('/usr/bin/python3', [join(__dirname, '..', 'helpers', 'viewsScenes.py'), dir], { encoding: 'utf8' });
  assert.equal(r.status, 0, `viewsScenes.py failed (needs Debian's python3-numpy, python3-msgpack-numpy): ${r.stderr}`);
  expected = JSON.parse(r.stdout) as Expectations;
  // Template faces for the 1,024-vertex sheet, set up before it is opened.
  const faces = gridFaces(32, 32);
  await writeNpy(join(dir, 'sheet_faces.npy'), NdArray.fromTyped(Int32Array.from(faces), [faces.length / 3, 3]));
  await mkdir(join(vscode.workspace, '.vscode'), { recursive: true });
  await writeFile(join(vscode.workspace, '.vscode', 'settings.json'), JSON.stringify({ 'bodyCapture.templateFaces': { 1024: 'views/sheet_faces.npy' } }));
});

after(async () => {
  await vscode?.close();
});

const open = (name: string): Promise<Frame> => openDrawn(vscode, name);

const canvas = sceneCanvas;

async function cssColour(frame: Frame, variable: string): Promise<Rgb> {
  const hex = await frame.evaluate((v) => getComputedStyle(document.body).getPropertyValue(v).trim(), variable);
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as Rgb;
}

/** The colours of person slots 0 and 1 (chart blue and orange in this theme). */
async function slotColours(frame: Frame): Promise<[Rgb, Rgb]> {
  return [await cssColour(frame, '--vscode-charts-blue'), await cssColour(frame, '--vscode-charts-orange')];
}

const near = (a: Rgb, b: Rgb, tolerance = 8) => a.every((c, k) => Math.abs(c - b[k]!) <= tolerance);

/** Pixels of colour `rgb` in the rectangle [x0, x1) × [y0, y1) (clipped to the image): count, centroid and extent. */
function colourRegion(img: Image, rgb: Rgb, x0 = 0, y0 = 0, x1 = img.width, y1 = img.height, tolerance = 8) {
  let n = 0;
  let sx = 0;
  let sy = 0;
  const box = { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity };
  for (let y = Math.max(0, Math.floor(y0)); y < Math.min(img.height, y1); y++) {
    for (let x = Math.max(0, Math.floor(x0)); x < Math.min(img.width, x1); x++) {
      if (!near(pixel(img, x, y), rgb, tolerance)) continue;
      n++;
      sx += x;
      sy += y;
      box.minX = Math.min(box.minX, x);
      box.maxX = Math.max(box.maxX, x);
      box.minY = Math.min(box.minY, y);
      box.maxY = Math.max(box.maxY, y);
    }
  }
  return { n, x: sx / n, y: sy / n, width: box.maxX - box.minX + 1, height: box.maxY - box.minY + 1, ...box };
}

/** Where the camera image lies in the canvas: the largest rectangle of its aspect, centred (the letterbox). */
function letterbox(img: Image, [w, h]: [number, number]) {
  const margin = 8; // pane pixels kept free around the image, so its border shows
  const scale = Math.min((img.width - 2 * margin) / w, (img.height - 2 * margin) / h);
  const x = (img.width - w * scale) / 2;
  const y = (img.height - h * scale) / 2;
  // OpenCV pixel centres are at integers: the image spans -0.5 … W-0.5.
  return { scale, x, y, width: w * scale, height: h * scale, at: (u: number, v: number) => [x + (u + 0.5) * scale, y + (v + 0.5) * scale] as [number, number] };
}

/** Picks `text` in the vscode-single-select `id` with the mouse, as a user does. */
async function choose(frame: Frame, id: string, text: string): Promise<void> {
  await frame.locator(`#${id}`).click();
  await frame.locator(`#${id} li[role="option"]`, { hasText: text }).first().click();
}

async function goTo(frame: Frame, f: number): Promise<void> {
  const field = frame.locator('#goto-frame input');
  await field.fill(String(f));
  await field.press('Enter');
  await frame.locator(`.body-scene[data-rendered-frame="${f}"]`).waitFor();
}

async function checkbox(frame: Frame, key: string): Promise<{ checked: boolean; disabled: boolean; title: string }> {
  return frame.locator(`#show-${key}`).evaluate((e) => ({
    checked: (e as HTMLElement & { checked: boolean }).checked,
    disabled: (e as HTMLElement & { disabled: boolean }).disabled,
    title: e.getAttribute('title') ?? '',
  }));
}

test('through the camera: its whole image letterboxed, people at the edge where K, R and loc put them, the border, principal point and boxes', async () => {
  const frame = await open('views_camera.xz');
  const slots = await slotColours(frame);
  const border = await cssColour(frame, '--vscode-editorLineNumber-activeForeground');
  await frame.locator('#show-throughCamera').click();
  await frame.locator('.body-scene[data-view="camera"]').waitFor();
  for (const [f, exp] of expected.camera.entries()) {
    if (f > 0) await goTo(frame, f);
    const [w, h] = exp.size;
    const caption = `Camera image ${w.toLocaleString('en-US')} × ${h.toLocaleString('en-US')} px${exp.estimated ? ' (size estimated from the principal point)' : ''} · 2 boxes`;
    await frame.locator('#camera-image-info', { hasText: caption }).waitFor();
    const img = await canvas(frame);
    await vscode.screenshot(`views-through-camera-frame${f}`);
    const box = letterbox(img, exp.size);
    // Each person (a square patch of points around a known pixel) is drawn centred where numpy projects it.
    exp.people.forEach(([u, v], i) => {
      const [px, py] = box.at(u, v);
      const r = 34 * box.scale; // inside the person's 80-pixel box, outside its 60-pixel patch
      const found = colourRegion(img, slots[i]!, px - r, py - r, px + r, py + r);
      assert.ok(found.n > 20, `frame ${f}: person ${i} is not drawn near (${px.toFixed(1)}, ${py.toFixed(1)})`);
      const off = Math.hypot(found.x - px, found.y - py);
      assert.ok(
        off <= 2.5,
        `frame ${f}: person ${i} drawn at (${found.x.toFixed(1)}, ${found.y.toFixed(1)}), expected (${px.toFixed(1)}, ${py.toFixed(1)}): ${off.toFixed(2)} px off`,
      );
    });
    // The boxes, in the person's colour: the middle of each box's top and left edges.
    exp.boxes.forEach(([bx, by, bw, bh], i) => {
      for (const [u, v] of [
        [bx! + bw! / 2, by!],
        [bx!, by! + bh! / 2],
      ]) {
        const [px, py] = box.at(u!, v!);
        const hit = colourRegion(img, slots[i]!, px - 2, py - 2, px + 3, py + 3);
        assert.ok(hit.n > 0, `frame ${f}: box ${i} is not drawn at image pixel (${u}, ${v}) = canvas (${px.toFixed(1)}, ${py.toFixed(1)})`);
      }
    });
    // The image border on all four sides, and the principal point's cross.
    const [left, top] = box.at(-0.5, -0.5);
    const [right, bottom] = box.at(w - 0.5, h - 0.5);
    const mid = box.at((w - 1) / 2, (h - 1) / 2);
    for (const [x0, y0, x1, y1, side] of [
      [left - 2, mid[1] - 20, left + 2, mid[1] + 20, 'left'],
      [right - 2, mid[1] - 20, right + 2, mid[1] + 20, 'right'],
      [mid[0] - 20, top - 2, mid[0] + 20, top + 2, 'top'],
      [mid[0] - 20, bottom - 2, mid[0] + 20, bottom + 2, 'bottom'],
    ] as [number, number, number, number, string][]) {
      assert.ok(colourRegion(img, border, x0, y0, x1, y1).n >= 20, `frame ${f}: no image border on the ${side}`);
    }
    const [ppx, ppy] = box.at(...exp.principal);
    assert.ok(colourRegion(img, border, ppx - 6, ppy - 1, ppx + 7, ppy + 2).n >= 6, `frame ${f}: no principal point cross at (${ppx}, ${ppy})`);
    // Outside the image (the letterbox bars) the view is not the image's background.
    const inside = pixel(img, mid[0] + 5, box.y + 5);
    const bar = box.x > 6 ? pixel(img, box.x / 2, mid[1]) : pixel(img, mid[0], box.y / 2);
    assert.ok(box.x > 6 || box.y > 6, 'the letterbox leaves bars on one side');
    assert.ok(!near(bar, inside, 2), `the letterbox bars look like the image: ${bar.join(', ')} vs ${inside.join(', ')}`);
  }
  await frame.locator('#show-throughCamera').click();
  await frame.locator('.body-scene[data-view="orbit"]').waitFor();
  assert.equal(await frame.locator('#camera-image-info').innerText(), '');
});

test('a FLAME-sized head: joint markers sized from the landmarks, not covering the face; a marker size control; no skeleton and why', async () => {
  const frame = await open('views_head.xz');
  // Markers: a fifth of the landmarks' median nearest-neighbour distance (numpy's), far below the 22 mm bodies get.
  const radius = Number(await frame.locator('.body-scene').getAttribute('data-joint-radius'));
  assert.ok(
    Math.abs(radius - expected.head.medianNearestNeighbour / 5) < 0.01,
    `joint radius ${radius} mm, median neighbour ${expected.head.medianNearestNeighbour} mm`,
  );
  await frame.locator('#show-grid').click(); // only the head in the view
  const withJoints = await canvas(frame);
  await vscode.screenshot('views-flame-head');
  await frame.locator('#show-joints').click();
  const without = await canvas(frame);
  const background = pixel(without, 2, 2);
  // Share of the head's silhouette (per row, from its first to its last drawn pixel) that the markers change.
  let head = 0;
  let covered = 0;
  for (let y = 0; y < without.height; y++) {
    let first = Infinity;
    let last = -Infinity;
    for (let x = 0; x < without.width; x++) {
      if (!near(pixel(without, x, y), background, 4)) [first, last] = [Math.min(first, x), x];
      if (!near(pixel(without, x, y), pixel(withJoints, x, y), 4)) covered++;
    }
    if (last >= first) head += last - first + 1;
  }
  assert.ok(head > 2000, `the head is drawn (${head} pixels)`);
  assert.ok(covered / head < 0.15, `the joint markers cover ${((100 * covered) / head).toFixed(1)} % of the head`);
  // Bigger markers on request: four times the size covers much more.
  await frame.locator('#show-joints').click();
  await choose(frame, 'view-markers', 'Markers: 4×');
  const big = await canvas(frame);
  let bigCovered = 0;
  for (let y = 0; y < big.height; y++) for (let x = 0; x < big.width; x++) if (!near(pixel(without, x, y), pixel(big, x, y), 4)) bigCovered++;
  assert.ok(bigCovered > covered * 3, `4× markers change ${bigCovered} pixels, auto ones ${covered}`);
  await vscode.screenshot('views-flame-head-markers-4x');
  await choose(frame, 'view-markers', 'Markers: auto');
  await frame.locator('#show-grid').click();
  // No skeleton for 106 landmarks, no faces for 5,023 vertices: unticked, greyed, and the tooltip says why.
  assert.deepEqual(await checkbox(frame, 'skeleton'), {
    checked: false,
    disabled: true,
    title: 'No skeleton for 106 joints (bones are known for SMPL 24, SMPL-H 52, SMPL-X 55 joints)',
  });
  assert.deepEqual(await checkbox(frame, 'mesh'), {
    checked: false,
    disabled: true,
    title: 'No template faces for 5,023-vertex bodies: Set Template Faces… to draw a mesh',
  });
  assert.equal((await checkbox(frame, 'joints')).checked, true);
});

test('presets: front, side and top silhouettes of a 400 × 1600 × 200 mm box (orthographic), and the camera preset', async () => {
  const frame = await open('views_box.xz');
  const [blue] = await slotColours(frame);
  await choose(frame, 'view-projection', 'Orthographic');
  const aspect = async (preset: string) => {
    await frame.locator(`#view-${preset}`).click();
    const img = await canvas(frame);
    await vscode.screenshot(`views-preset-${preset}`);
    const r = colourRegion(img, blue);
    assert.ok(r.n > 500, `${preset}: the box is drawn`);
    return r.height / r.width;
  };
  // Orthographic: the silhouettes have the box's proportions (height / width on screen).
  const front = await aspect('front');
  assert.ok(Math.abs(front - 1600 / 400) < 0.25, `front view: height / width ${front.toFixed(2)}, expected 4`);
  const side = await aspect('side');
  assert.ok(Math.abs(side - 1600 / 200) < 0.8, `side view: height / width ${side.toFixed(2)}, expected 8`);
  const top = await aspect('top');
  assert.ok(Math.abs(top - 200 / 400) < 0.05, `top view: height / width ${top.toFixed(2)}, expected 0.5`);
  // The camera preset looks from the camera (at the origin, looking along +z at the box): the front face, centred.
  await frame.locator('#view-camera').click();
  const img = await canvas(frame);
  const r = colourRegion(img, blue);
  assert.ok(Math.abs(r.height / r.width - 4) < 0.25, `camera preset: height / width ${(r.height / r.width).toFixed(2)}`);
  assert.ok(Math.abs(r.x - img.width / 2) < img.width * 0.05, `camera preset: the box is centred (${r.x} of ${img.width})`);
  // The skeleton of 24 joints is SMPL's.
  assert.deepEqual(await checkbox(frame, 'skeleton'), { checked: true, disabled: false, title: 'Bones of the SMPL 24-joint tree' });
  await choose(frame, 'view-projection', 'Perspective');
});

test('orthographic keeps equal squares equal at any depth, perspective shrinks the far one; double-click focuses a person', async () => {
  const frame = await open('views_depth.xz');
  const slots = await slotColours(frame);
  const widths = async () => {
    await frame.locator('#view-front').click();
    const img = await canvas(frame);
    return slots.map((c) => colourRegion(img, c).width) as [number, number];
  };
  const [nearP, farP] = await widths();
  await vscode.screenshot('views-perspective');
  assert.ok(farP < nearP * 0.8, `perspective: the square twice as far is ${farP} px wide, the near one ${nearP} px`);
  await choose(frame, 'view-projection', 'Orthographic');
  const [nearO, farO] = await widths();
  await vscode.screenshot('views-orthographic');
  assert.ok(Math.abs(farO - nearO) <= 3, `orthographic: the squares are ${nearO} and ${farO} px wide`);
  await choose(frame, 'view-projection', 'Perspective');

  // Double-click the far person: it is framed (centred, filling much more of the view).
  const before = await canvas(frame);
  const far = colourRegion(before, slots[1]);
  const canvasBox = (await frame.locator('.scene3d-canvas').boundingBox())!;
  await vscode.page.mouse.dblclick(canvasBox.x + far.x, canvasBox.y + far.y);
  await frame.locator('.body-scene[data-focused="1"]').waitFor();
  const after = await canvas(frame);
  await vscode.screenshot('views-focus-person');
  const focused = colourRegion(after, slots[1]);
  assert.ok(focused.width > far.width * 2, `the focused person is ${focused.width} px wide, before ${far.width}`);
  assert.ok(
    Math.abs(focused.x - after.width / 2) < after.width * 0.05 && Math.abs(focused.y - after.height / 2) < after.height * 0.05,
    'the focused person is centred',
  );
});

test('backgrounds: dark, light and a custom colour, then the theme again', async () => {
  const frame = await open('views_box.xz');
  const theme = (await vscode.pixelStats(frame, '.scene3d-canvas')).dominant;
  const dominant = async () => {
    await settle(frame);
    return (await vscode.pixelStats(frame, '.scene3d-canvas')).dominant;
  };
  await choose(frame, 'view-background', 'Light background');
  assert.equal(await dominant(), '#f0f0f0');
  await vscode.screenshot('views-background-light');
  await choose(frame, 'view-background', 'Dark background');
  assert.equal(await dominant(), '#202020');
  await choose(frame, 'view-background', 'Custom background');
  const picker = frame.locator('#view-background-colour');
  assert.ok(await picker.isVisible(), 'a colour picker for the custom background');
  // The native colour dialog cannot be driven; set its value as the dialog would, with its input event.
  await picker.evaluate((e) => {
    (e as HTMLInputElement).value = '#336699';
    e.dispatchEvent(new Event('input', { bubbles: true }));
  });
  assert.equal(await dominant(), '#336699');
  await choose(frame, 'view-background', 'Theme background');
  assert.equal(await dominant(), theme);
});

test('template faces: a shaded mesh, or its wireframe', async () => {
  const frame = await open('views_sheet.xz');
  await frame.locator('.body-scene[data-display="mesh"]').waitFor({ timeout: 20_000 });
  assert.deepEqual(await checkbox(frame, 'mesh'), { checked: true, disabled: false, title: 'Shaded mesh of the 1,024-vertex bodies (template faces set)' });
  assert.equal((await checkbox(frame, 'wireframe')).disabled, false);
  // Share of the sheet's extent (everything not background) that is background: none when shaded.
  const holes = async () => {
    const img = await canvas(frame);
    const bg = pixel(img, 2, 2);
    let minX = Infinity;
    let maxX = -Infinity;
    let minY = Infinity;
    let maxY = -Infinity;
    // The sheet is the largest thing in the view: its extent is that of the non-background pixels in the middle rows and columns.
    for (let y = 0; y < img.height; y++) {
      if (!near(pixel(img, img.width / 2, y), bg, 4)) [minY, maxY] = [Math.min(minY, y), Math.max(maxY, y)];
    }
    for (let x = 0; x < img.width; x++) {
      if (!near(pixel(img, x, img.height / 2), bg, 4)) [minX, maxX] = [Math.min(minX, x), Math.max(maxX, x)];
    }
    let n = 0;
    let empty = 0;
    for (let y = minY + 0.2 * (maxY - minY); y < maxY - 0.2 * (maxY - minY); y++) {
      for (let x = minX + 0.2 * (maxX - minX); x < maxX - 0.2 * (maxX - minX); x++) {
        n++;
        if (near(pixel(img, x, y), bg, 4)) empty++;
      }
    }
    return empty / n;
  };
  const shaded = await holes();
  await vscode.screenshot('views-mesh-shaded');
  assert.ok(shaded < 0.02, `the shaded mesh has ${(shaded * 100).toFixed(1)} % background inside`);
  await frame.locator('#show-wireframe').click();
  const wire = await holes();
  await vscode.screenshot('views-mesh-wireframe');
  assert.ok(wire > 0.3, `the wireframe shows the background between its edges: ${(wire * 100).toFixed(1)} %`);
  await frame.locator('#show-wireframe').click();
});

test('SMPL-X: the 55-joint skeleton, every bone where numpy projects it (through the camera)', async () => {
  const frame = await open('views_smplx.xz');
  assert.deepEqual(await checkbox(frame, 'skeleton'), { checked: true, disabled: false, title: 'Bones of the SMPL-X 55-joint tree' });
  await frame.locator('#show-joints').click();
  await frame.locator('#show-throughCamera').click();
  await frame.locator('.body-scene[data-view="camera"]').waitFor();
  const on = await canvas(frame);
  await vscode.screenshot('views-smplx-skeleton');
  await frame.locator('#show-skeleton').click();
  const off = await canvas(frame);
  const box = letterbox(on, expected.smplx.size);
  // SMPL-X parents (kintree_table): body 22, jaw and eyes on the head (15), 15 joints per hand on the wrists (20, 21).
  const hand = (wrist: number, first: number) => Array.from({ length: 15 }, (_, k) => (k % 3 === 0 ? wrist : first + k - 1));
  const parents = [-1, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 9, 12, 13, 14, 16, 17, 18, 19, 15, 15, 15, ...hand(20, 25), ...hand(21, 40)];
  let drawn = 0;
  let clearWhenOff = 0;
  const background = pixel(off, box.x + box.width / 2, box.y + 3);
  parents.forEach((p, c) => {
    if (p < 0) return;
    const a = expected.smplx.joints[c]!;
    const b = expected.smplx.joints[p]!;
    const [x, y] = box.at((a[0] + b[0]) / 2, (a[1] + b[1]) / 2);
    let hitOn = false;
    let hitOff = false;
    for (let dy = -1; dy <= 1; dy++) {
      for (let dx = -1; dx <= 1; dx++) {
        hitOn ||= !near(pixel(on, x + dx, y + dy), background, 6);
        hitOff ||= !near(pixel(off, x + dx, y + dy), background, 6);
      }
    }
    if (hitOn) drawn++;
    if (!hitOff) clearWhenOff++;
  });
  assert.equal(drawn, 54, `bones drawn at ${drawn} of 54 bone midpoints`);
  assert.ok(clearWhenOff >= 50, `with the skeleton off, ${54 - clearWhenOff} bone midpoints still show something`);
  await frame.locator('#show-skeleton').click();
  await frame.locator('#show-joints').click();
  await frame.locator('#show-throughCamera').click();
});

test('no Content-Security-Policy violations', () => {
  assert.deepEqual(vscode.cspViolations(), []);
});
