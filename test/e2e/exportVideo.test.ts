// Export Video… and Export Contact Sheet in the real VS Code: a WebM of a frame range from the
// BodyCompress 3D view and from an SMC camera view, decoded with ffprobe/ffmpeg (codec, size,
// frame count, a frame's content); Cancel in the progress notification leaves no file; the SMC
// contact sheet PNG has the layout's size and one picture per camera.
// Screenshots and the decoded frames go to test-results/export-*.png.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, readFile, readdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame } from 'playwright-core';
import { RESULTS_DIR, VsCodeSession } from './vscodeSession';
import { expectedJson } from '../helpers/fixtures';
import { decodePng } from '../helpers/png';
import { openBodyCompress, waitIndexed } from './bodycompressPage';

const single = expectedJson('bodycompress', 'single_person_30f');
const long = expectedJson('bodycompress', 'long_300f_multiblock');
const anno = expectedJson('smc', '0026_e0_anno');
const raw = expectedJson('smc', '0026_e0_raw');

let vscode: VsCodeSession;
let videos: string;

before(async () => {
  vscode = await VsCodeSession.start();
  videos = join(vscode.workspace, 'videos');
});

after(async () => {
  await vscode?.close();
});

/** Waits for the quick input whose placeholder holds `question` (a pick or an input box). */
async function waitForQuestion(question: string): Promise<void> {
  await vscode.page.waitForFunction((q) => {
    const input = document.querySelector('.quick-input-widget input');
    return !!input && (input.getAttribute('placeholder') ?? '').includes(q) && (input as HTMLElement).offsetParent !== null;
  }, question);
}

/** Types `text` into the input box asking `question` and presses Enter. */
async function answerInput(question: string, text: string): Promise<void> {
  await waitForQuestion(question);
  await vscode.page.locator('.quick-input-widget input').fill(text);
  await vscode.page.keyboard.press('Enter');
}

/** Accepts VS Code's save dialog once it offers a path ending in `suffix`. */
async function acceptSaveDialog(suffix: string): Promise<void> {
  await vscode.page.waitForFunction((s) => document.querySelector<HTMLInputElement>('.quick-input-widget input')?.value.endsWith(s) ?? false, suffix);
  await vscode.page.keyboard.press('Enter');
}

/** Waits until `path` exists (the export renames it into place when complete). */
async function waitForFile(path: string): Promise<void> {
  for (let i = 0; !existsSync(path); i++) {
    if (i === 600) throw new Error(`${path} did not appear`);
    await vscode.page.waitForTimeout(100);
  }
}

interface Probe {
  codec: string;
  width: number;
  height: number;
  frames: number;
}

/** ffprobe's count of decoded frames, codec and size of the first video stream. */
function probe(path: string): Probe {
  const out = JSON.parse(
    execFileSync(
      'ffprobe',
      ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=codec_name,width,height,nb_read_frames', '-of', 'json', path],
      {
        encoding: 'utf8',
      },
    ),
  ) as { streams: { codec_name: string; width: number; height: number; nb_read_frames: string }[] };
  const s = out.streams[0]!;
  return { codec: s.codec_name, width: s.width, height: s.height, frames: Number(s.nb_read_frames) };
}

/** Frame `n` of the video, decoded by ffmpeg to PNG (saved to test-results/<name>.png too). */
async function videoFrame(path: string, n: number, name: string): Promise<ReturnType<typeof decodePng>> {
  await mkdir(RESULTS_DIR, { recursive: true });
  const png = join(RESULTS_DIR, `${name}.png`);
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', path, '-vf', `select=eq(n\\,${n})`, '-frames:v', '1', png]);
  return decodePng(await readFile(png));
}

function meanRgb(img: ReturnType<typeof decodePng>, x0 = 0, y0 = 0, w = img.width, h = img.height): [number, number, number] {
  const sum = [0, 0, 0];
  for (let y = y0; y < y0 + h; y++) {
    for (let x = x0; x < x0 + w; x++) {
      const o = (y * img.width + x) * img.channels;
      for (let c = 0; c < 3; c++) sum[c]! += img.pixels[o + c]!;
    }
  }
  return sum.map((s) => s / (w * h)) as [number, number, number];
}

/** Share of pixels within `tolerance` (per channel) of `rgb`. */
function shareOf(img: ReturnType<typeof decodePng>, rgb: number[], tolerance: number): number {
  let n = 0;
  for (let i = 0; i < img.pixels.length; i += img.channels) {
    if ([0, 1, 2].every((c) => Math.abs(img.pixels[i + c]! - rgb[c]!) <= tolerance)) n++;
  }
  return n / (img.width * img.height);
}

async function themeRgb(frame: Frame, variable: string): Promise<number[]> {
  const hex = await frame.evaluate((v) => getComputedStyle(document.body).getPropertyValue(v).trim(), variable);
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
}

test('BodyCompress: frames 0-9 every 2nd at 320 × 240 become a 5-frame VP8 WebM showing the person', async () => {
  const frame = await openBodyCompress(vscode, 'single_person_30f.xz');
  await waitIndexed(frame, single.n_frames);
  await frame.locator('.body-scene[data-rendered-frame="0"]').waitFor();
  await vscode.runCommand('Export Video…');
  await vscode.answerQuickPick('What to record', null, '3D view as shown', 'export-video-what');
  await waitForQuestion('Frames to record');
  assert.equal(await vscode.page.locator('.quick-input-widget input').inputValue(), `0-${single.n_frames - 1}`, 'the whole file by default');
  await answerInput('Frames to record', '0-9:2');
  await vscode.answerQuickPick('Video size', 'Other', 'Other size');
  await answerInput('width × height', '320x240');
  await vscode.answerQuickPick('Frames per second', null, 'fps');
  await acceptSaveDialog('videos/single_person_30f_0-8.webm');
  const path = join(videos, 'single_person_30f_0-8.webm');
  await waitForFile(path);
  await frame.locator('#view-status', { hasText: 'Saved' }).waitFor({ timeout: 30_000 });
  await vscode.screenshot('export-video-bodycompress-saved');

  assert.deepEqual(probe(path), { codec: 'vp8', width: 320, height: 240, frames: 5 });
  // The third picture is frame 4: the person, in its colour, over the view's background.
  const img = await videoFrame(path, 2, 'export-video-bodycompress-frame4');
  assert.deepEqual([img.width, img.height], [320, 240]);
  const person = shareOf(img, await themeRgb(frame, '--vscode-charts-blue'), 40);
  assert.ok(person > 0.003, `the person's colour covers ${(person * 100).toFixed(2)} % of the frame`);
  const background = shareOf(img, await themeRgb(frame, '--vscode-editor-background'), 12);
  assert.ok(background > 0.5, `the background covers ${(background * 100).toFixed(2)} % of the frame`);
  // The timeline is back where it was.
  await frame.locator('#frame-info[data-frame="0"]').waitFor();
  assert.deepEqual((await readdir(videos)).sort(), ['single_person_30f_0-8.webm']);
});

test('BodyCompress: through the camera, the person lands inside its NLF box of the file', async () => {
  await vscode.openFile('single_person_30f.xz');
  const frame = await vscode.webviewFrame('#frame-info[data-frame="0"]');
  await vscode.runCommand('Export Video…');
  await vscode.answerQuickPick('What to record', 'Through the camera');
  await answerInput('Frames to record', '0-1');
  await vscode.answerQuickPick('Video size', 'Other', 'Other size');
  await answerInput('width × height', '320x240');
  await vscode.answerQuickPick('Frames per second', null, 'fps');
  await acceptSaveDialog('videos/single_person_30f_0-1.webm');
  const path = join(videos, 'single_person_30f_0-1.webm');
  await waitForFile(path);
  await frame.locator('#view-status', { hasText: 'Saved' }).waitFor({ timeout: 30_000 });
  assert.deepEqual(probe(path), { codec: 'vp8', width: 320, height: 240, frames: 2 });
  const img = await videoFrame(path, 0, 'export-video-through-camera-frame0');
  // The camera's 1920 × 1080 image (from the principal point), letterboxed: its border, measured in the frame
  // where the bars' colour (the top-left pixel) ends along the middle row and column.
  const differs = (x: number, y: number) => [0, 1, 2].some((c) => Math.abs(img.pixels[(y * img.width + x) * img.channels + c]! - img.pixels[c]!) > 8);
  const along = (n: number, at: (i: number) => boolean) => {
    const hits = Array.from({ length: n }, (_, i) => i).filter(at);
    return [hits[0]!, hits[hits.length - 1]!];
  };
  const [left, right] = along(img.width, (x) => differs(x, img.height >> 1));
  const [top, bottom] = along(img.height, (y) => differs(img.width >> 1, y));
  const scale = (right! - left!) / 1920;
  assert.ok(Math.abs((bottom! - top!) / 1080 - scale) < 0.003, `the image keeps its shape: ${left}-${right} × ${top}-${bottom}`);
  const [bx, by, bw, bh] = single.frames[0].values.boxes.values as number[];
  const box = { x0: left! + bx! * scale, x1: left! + (bx! + bw!) * scale, y0: top! + by! * scale, y1: top! + (by! + bh!) * scale };
  const blue = await themeRgb(frame, '--vscode-charts-blue');
  const isBlue = (x: number, y: number) => [0, 1, 2].every((c) => Math.abs(img.pixels[(y * img.width + x) * img.channels + c]! - blue[c]!) <= 40);
  let n = 0;
  const seen = { x0: Infinity, x1: -Infinity, y0: Infinity, y1: -Infinity };
  for (let y = 1; y < img.height - 1; y++) {
    for (let x = 1; x < img.width - 1; x++) {
      // The body, not the 1-pixel lines of its box (drawn in the same colour): the pixel and its 4 neighbours.
      if (!isBlue(x, y) || !isBlue(x - 1, y) || !isBlue(x + 1, y) || !isBlue(x, y - 1) || !isBlue(x, y + 1)) continue;
      n++;
      Object.assign(seen, { x0: Math.min(seen.x0, x), x1: Math.max(seen.x1, x), y0: Math.min(seen.y0, y), y1: Math.max(seen.y1, y) });
    }
  }
  assert.ok(n > 200, `${n} pixels of the person's body`);
  const margin = 3;
  assert.ok(
    seen.x0 >= box.x0 - margin && seen.x1 <= box.x1 + margin && seen.y0 >= box.y0 - margin && seen.y1 <= box.y1 + margin,
    `the person ${JSON.stringify(seen)} inside its box ${JSON.stringify(box)}`,
  );
  // Back to the orbit view the user had.
  await frame.locator('.body-scene[data-rendered-frame="0"]').waitFor();
});

test('BodyCompress: Cancel in the progress notification stops the recording and leaves no file', async () => {
  const frame = await openBodyCompress(vscode, 'long_300f_multiblock.xz');
  await waitIndexed(frame, long.n_frames);
  await vscode.runCommand('Export Video…');
  await vscode.answerQuickPick('What to record', 'Turntable');
  await answerInput('Frames to record', `0-${long.n_frames - 1}`);
  await vscode.answerQuickPick('Video size', '1280', '1280 × 720');
  await vscode.answerQuickPick('Frames per second', null, 'fps');
  await acceptSaveDialog(`videos/long_300f_multiblock_0-${long.n_frames - 1}.webm`);
  const toast = vscode.page.locator('.notifications-toasts .notification-toast', { hasText: 'Export Video' }).first();
  // Some frames are recorded, far from all 300.
  await toast.filter({ hasText: /[1-9]\d* of 300 frames/ }).waitFor({ timeout: 60_000 });
  await vscode.screenshot('export-video-progress');
  await toast.hover();
  await toast.getByRole('button', { name: 'Cancel' }).click();
  await frame.locator('#view-status', { hasText: 'cancelled' }).waitFor({ timeout: 30_000 });
  await vscode.screenshot('export-video-cancelled');
  assert.deepEqual((await readdir(videos)).sort(), ['single_person_30f_0-1.webm', 'single_person_30f_0-8.webm'], 'no video and no temporary file');
});

test('SMC: Enter-Enter-Enter records the camera shown with its overlays at its own size', async () => {
  await vscode.openFile('0026_e0_anno.smc');
  let frame = await vscode.webviewFrame('vscode-tab-header[data-tab="cameras"]');
  await frame.locator('vscode-tab-header[data-tab="cameras"]').click();
  frame = await vscode.webviewFrame('#camera-grid[data-loaded-frame="0"]');
  await frame.locator('#camera-grid .tile[data-id="25"]').click();
  frame = await vscode.webviewFrame('#camera-detail[data-camera="25"][data-loaded-frame="0"]');
  await vscode.runCommand('Export Video…');
  await vscode.answerQuickPick('What to record', null, 'Camera 25 with its overlays');
  await answerInput('Frames to record', `0-${anno.camera_info.num_frame - 1}`);
  const [h, w] = raw.color_samples[0].decoded_shape as number[];
  // 153 × 128 images: VP8 sides here are even.
  const ew = 2 * Math.round(w! / 2);
  const eh = 2 * Math.round(h! / 2);
  await vscode.answerQuickPick('Video size', null, `${ew} × ${eh}`);
  await vscode.answerQuickPick('Frames per second', null, 'fps');
  const name = `0026_e0_anno_0-${anno.camera_info.num_frame - 1}.webm`;
  await acceptSaveDialog(`videos/${name}`);
  const path = join(videos, name);
  await waitForFile(path);
  await frame.locator('#export-status', { hasText: 'Saved' }).waitFor({ timeout: 30_000 });
  await vscode.screenshot('export-video-smc-saved');
  assert.deepEqual(probe(path), { codec: 'vp8', width: ew, height: eh, frames: anno.camera_info.num_frame });
  // Frame 0 is what the camera view shows (camera 25's image with the landmarks and FLAME drawn over it): the
  // same mean colour as the view on screen, within what VP8 changes.
  const img = await videoFrame(path, 0, 'export-video-smc-frame0');
  const shown = decodePng(await frame.locator('#camera-image').screenshot());
  const [want, got] = [meanRgb(shown), meanRgb(img)];
  for (let c = 0; c < 3; c++) assert.ok(Math.abs(got[c]! - want[c]!) < 6, `channel ${c}: video ${got[c]!.toFixed(1)}, view ${want[c]!.toFixed(1)}`);
  // ... which is not the image alone: the overlays are in the video (the reference decoder's mean of the bare image, as BGR).
  const sample = raw.color_samples.find((s: { camera: string; frame: number }) => s.camera === '25' && s.frame === 0);
  const bare = (sample.decoded_mean_bgr as number[]).slice().reverse();
  assert.ok(
    [0, 1, 2].some((c) => Math.abs(got[c]! - bare[c]!) > 4),
    `the overlays change the picture: ${got.map((v) => v.toFixed(1)).join(', ')}`,
  );
});

test('SMC: Export Contact Sheet saves every camera at the frame as one PNG grid', async () => {
  const frame = await vscode.webviewFrame('#camera-detail[data-camera="25"]');
  await vscode.runCommand('Export Contact Sheet');
  await acceptSaveDialog('screenshots/0026_e0_anno_cameras_frame_000000.png');
  await frame.locator('#export-status', { hasText: 'Saved' }).waitFor({ timeout: 30_000 });
  const path = join(vscode.workspace, 'screenshots', '0026_e0_anno_cameras_frame_000000.png');
  const sheet = decodePng(await readFile(path));
  await copyFile(path, join(RESULTS_DIR, 'export-contact-sheet.png'));
  // The extraction's layout: 60 thumbnails of 153 × 128 in 10 columns and 6 rows, 4 px apart.
  const cameras = raw.cameras.ids.length as number;
  const [h, w] = raw.camera_info.resolution as number[];
  const columns = Math.ceil(Math.sqrt(cameras * 1.5));
  const rows = Math.ceil(cameras / columns);
  assert.deepEqual([sheet.width, sheet.height], [columns * (w! + 4) + 4, rows * (h! + 4) + 4]);
  // Every cell holds a picture (not the sheet's flat background) below its label, and each picture is the camera's own.
  let pictures = 0;
  const means = new Set<string>();
  for (let i = 0; i < cameras; i++) {
    const x = 4 + (i % columns) * (w! + 4);
    const y = 4 + Math.floor(i / columns) * (h! + 4);
    const m = meanRgb(sheet, x, y + Math.floor(h! / 3), w, Math.floor((2 * h!) / 3));
    if (m.some((v) => Math.abs(v - 24) > 8)) pictures++;
    means.add(m.map((v) => v.toFixed(1)).join(','));
  }
  assert.equal(pictures, cameras);
  assert.ok(means.size > cameras / 2, `the thumbnails differ: ${means.size} distinct means`);
});

test('SMC: a turntable of the 3D tab at 640 × 480', async () => {
  let frame = await vscode.webviewFrame('vscode-tab-header[data-tab="3d"]');
  await frame.locator('vscode-tab-header[data-tab="3d"]').click();
  frame = await vscode.webviewFrame('.rig-view[data-loaded-frame]');
  await frame.locator('.scene3d-label').first().waitFor();
  await vscode.runCommand('Export Video…');
  await vscode.answerQuickPick('What to record', 'Turntable');
  await answerInput('Frames to record', '0-1');
  await vscode.answerQuickPick('Video size', '640', '640 × 480');
  await vscode.answerQuickPick('Frames per second', null, 'fps');
  await acceptSaveDialog('videos/0026_e0_anno_0-1.webm');
  const path = join(videos, '0026_e0_anno_0-1.webm');
  await waitForFile(path);
  await frame.locator('#export-status', { hasText: 'Saved' }).waitFor({ timeout: 30_000 });
  assert.deepEqual(probe(path), { codec: 'vp8', width: 640, height: 480, frames: 2 });
  // Half a turn apart: the rig seen from the other side, over the 3D view's background.
  const [a, b] = [await videoFrame(path, 0, 'export-video-rig-frame0'), await videoFrame(path, 1, 'export-video-rig-frame1')];
  let changed = 0;
  for (let i = 0; i < a.pixels.length; i += a.channels)
    if (Math.abs(a.pixels[i]! - b.pixels[i]!) + Math.abs(a.pixels[i + 1]! - b.pixels[i + 1]!) > 60) changed++;
  assert.ok(changed / (640 * 480) > 0.01, `${((changed / (640 * 480)) * 100).toFixed(2)} % of the picture changed`);
  const background = shareOf(a, await themeRgb(frame, '--vscode-editor-background'), 12);
  assert.ok(background > 0.3 && background < 0.999, `the background covers ${(background * 100).toFixed(1)} %`);
});

test('no Content-Security-Policy violations while exporting', () => {
  assert.deepEqual(vscode.cspViolations(), []);
});
