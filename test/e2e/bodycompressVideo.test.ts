// The BodyCompress editor over its source video in the real VS Code (issue 17): looking through
// the camera shows the frame's video image behind the bodies, frame-exact (at frame 0, after
// seeking, while playing and after pausing), with the bodies moved by the lens distortion so that
// each drawn vertex sits in the ring the video draws around it. The video and the .xz are written
// by test/helpers/videoScene.py (ffmpeg, VP8), the expected pixels come from numpy there, and the
// frame number is read from the binary bar the video carries. The video is streamed from the host in
// byte ranges: a long one is not read whole. Screenshots: test-results/video-*.png.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Frame } from 'playwright-core';
import { VsCodeSession } from './vscodeSession';
import { openDrawn, pixel, sceneCanvas, type Image, type Rgb } from './bodycompressPage';
import { decodePng } from '../helpers/png';

interface Expectations {
  size: [number, number];
  fps: number;
  frames: number;
  short: number;
  /** Per frame, per vertex: its distorted projection (u, v), the centre of the video's ring. */
  markers: [number, number][][];
  /** The same without distortion (a pinhole camera). */
  pinhole: [number, number][][];
  ring: Rgb;
  background: number;
}

/** How far a drawn vertex may be from the ring's centre and from numpy's pixel, canvas pixels (the 2 px). */
const TOLERANCE_PX = 2;

let vscode: VsCodeSession;
let expected: Expectations;

before(async () => {
  vscode = await VsCodeSession.start();
  // Written before Quick Open first lists the workspace.
  const dir = join(vscode.workspace, 'video-scene');
  await mkdir(dir, { recursive: true });
  const r = spawnSync('/usr/bin/python3', [join(__dirname, '..', 'helpers', 'videoScene.py'), dir], { encoding: 'utf8' });
  assert.equal(r.status, 0, `videoScene.py failed (needs Debian's python3-numpy, python3-msgpack-numpy and ffmpeg): ${r.stderr}`);
  expected = JSON.parse(r.stdout) as Expectations;
  // A minute of noise (hard to compress: ~20 MB) with a key frame every 2 s, to see what a seek reads of it.
  const ffmpeg = spawnSync('ffmpeg', [
    ...['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=30', '-t', '60', '-vf', 'noise=alls=60:allf=t'],
    ...['-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '3M', '-minrate', '3M', '-maxrate', '3M', '-g', '60', join(dir, 'long.webm')],
  ]);
  assert.equal(ffmpeg.status, 0, `ffmpeg failed: ${String(ffmpeg.stderr)}`);
});

after(async () => {
  await vscode?.close();
});

const open = (name: string): Promise<Frame> => openDrawn(vscode, name);

const canvas = sceneCanvas;

/** Centroid and count of the pixels in the square of half-size `r` around (x, y) that `match`. */
function region(img: Image, x: number, y: number, r: number, match: (p: Rgb) => boolean) {
  let [n, sx, sy] = [0, 0, 0];
  for (let py = Math.max(0, Math.floor(y - r)); py <= Math.min(img.height - 1, y + r); py++) {
    for (let px = Math.max(0, Math.floor(x - r)); px <= Math.min(img.width - 1, x + r); px++) {
      if (!match(pixel(img, px, py))) continue;
      n++;
      sx += px;
      sy += py;
    }
  }
  return { n, x: sx / n, y: sy / n };
}

/** Where the camera image lies in the canvas: the largest rectangle of its aspect inside an 8 px margin, centred. */
function letterbox(img: Image, [w, h]: [number, number]) {
  const margin = 8;
  const scale = Math.min((img.width - 2 * margin) / w, (img.height - 2 * margin) / h);
  const x = (img.width - w * scale) / 2;
  const y = (img.height - h * scale) / 2;
  // OpenCV pixel centres are at integers: the image spans -0.5 … W-0.5.
  return { scale, at: (u: number, v: number) => [x + (u + 0.5) * scale, y + (v + 0.5) * scale] as [number, number] };
}

/** The frame number the video's bar shows: 8 cells along the bottom, white = 1, most significant first (videoScene.py). */
function videoFrameNumber(img: Image): number | null {
  const box = letterbox(img, expected.size);
  const grey = (u: number, v: number) => {
    const [r, g, b] = pixel(img, ...box.at(u, v));
    return Math.max(r, g, b) - Math.min(r, g, b) > 24 ? NaN : (r + g + b) / 3;
  };
  let n = 0;
  for (let b = 0; b < 8; b++) {
    const [cell, gap] = [grey(8 + b * 38 + 19, 219), grey(8 + b * 38 + 1, 219)];
    // Not the bar: the cells are near black or white, with the video's grey between them.
    if (!(Math.abs(gap - expected.background) <= 12) || !(cell <= 50 || cell >= 200)) return null;
    n = 2 * n + (cell >= 128 ? 1 : 0);
  }
  return n;
}

const blue = (slot: Rgb) => (p: Rgb) => p.every((c, k) => Math.abs(c - slot[k]!) <= 40);
const magenta = (p: Rgb) => p[0] > 170 && p[2] > 170 && p[1] < 110;

/**
 * The canvas shows video frame `f` behind body frame `f`: the bar reads f, and every vertex is
 * drawn inside its ring, both within 2 px of numpy's distorted projection.
 */
function assertAligned(img: Image, f: number, slot: Rgb, label: string): void {
  assert.equal(videoFrameNumber(img), f, `${label}: the video frame behind the bodies`);
  const box = letterbox(img, expected.size);
  let distortionShown = 0;
  expected.markers[f]!.forEach(([u, v], k) => {
    const [px, py] = box.at(u, v);
    const vertex = region(img, px, py, 5 * box.scale, blue(slot));
    const ring = region(img, px, py, 12 * box.scale, magenta);
    assert.ok(vertex.n > 0, `${label}: vertex ${k} is not drawn near (${px.toFixed(1)}, ${py.toFixed(1)})`);
    assert.ok(ring.n > 50, `${label}: no ring of the video around (${px.toFixed(1)}, ${py.toFixed(1)}) (${ring.n} px)`);
    const off = (a: { x: number; y: number }, b: { x: number; y: number }) => Math.hypot(a.x - b.x, a.y - b.y);
    const at = { x: px, y: py };
    assert.ok(
      off(vertex, ring) <= TOLERANCE_PX,
      `${label}: vertex ${k} at (${vertex.x.toFixed(1)}, ${vertex.y.toFixed(1)}), ring at (${ring.x.toFixed(1)}, ${ring.y.toFixed(1)})`,
    );
    assert.ok(
      off(vertex, at) <= TOLERANCE_PX,
      `${label}: vertex ${k} at (${vertex.x.toFixed(1)}, ${vertex.y.toFixed(1)}), numpy says (${px.toFixed(1)}, ${py.toFixed(1)})`,
    );
    assert.ok(
      off(ring, at) <= TOLERANCE_PX,
      `${label}: ring ${k} at (${ring.x.toFixed(1)}, ${ring.y.toFixed(1)}), numpy says (${px.toFixed(1)}, ${py.toFixed(1)})`,
    );
    const [qx, qy] = box.at(...expected.pinhole[f]![k]!);
    distortionShown = Math.max(distortionShown, Math.hypot(qx - px, qy - py));
  });
  // Without the lens distortion the vertices would be this far off: the check above sees it.
  assert.ok(distortionShown > 4 * TOLERANCE_PX, `${label}: the distortion moves the markers only ${distortionShown.toFixed(1)} px`);
}

async function slotBlue(frame: Frame): Promise<Rgb> {
  const hex = await frame.evaluate(() => getComputedStyle(document.body).getPropertyValue('--vscode-charts-blue').trim());
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as Rgb;
}

async function goTo(frame: Frame, f: number): Promise<void> {
  const field = frame.locator('#goto-frame input');
  await field.fill(String(f));
  await field.press('Enter');
  await frame.locator(`.body-scene[data-rendered-frame="${f}"]`).waitFor();
}

/** Sets the image opacity slider as a user drags it. */
async function setOpacity(frame: Frame, percent: number): Promise<void> {
  await frame.locator('#video-opacity').fill(String(percent));
}

/**
 * Runs Set Source Video... and picks the row `label` (typing `filter`). The picker closes when the
 * webview takes the focus back (as Quick Open does, see VsCodeSession.openFile): then once more.
 */
async function pickSource(label: string, filter = label): Promise<void> {
  const page = vscode.page;
  for (let attempt = 1; ; attempt++) {
    await vscode.runCommand('Set Source Video...');
    try {
      const input = page.locator('.quick-input-widget input[placeholder="Source video of walk.xz"]');
      await input.waitFor({ state: 'visible', timeout: 10_000 });
      await input.fill(filter, { timeout: 5_000 });
      await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: label }).first().waitFor({ timeout: 10_000 });
      await page.keyboard.press('Enter');
      return;
    } catch (err) {
      if (attempt === 3) throw err;
      await page.keyboard.press('Escape');
    }
  }
}

let walk: Frame;

test('through the camera over its source video: each frame on its video frame, vertices in the rings within 2 px, at frame 0, after seeking, playing and pausing', async () => {
  walk = await open('walk.xz');
  const slot = await slotBlue(walk);
  await walk.locator('#show-throughCamera').click();
  await walk.locator('.body-scene[data-view="camera"][data-video-frame="0"][data-rendered-frame="0"]').waitFor();
  await vscode.screenshot('video-frame0');
  assert.equal(await walk.locator('#source-video-info').innerText(), 'Source: walk.webm (40 frames at 30 fps)');
  let img = await canvas(walk);
  await vscode.screenshot('video-frame0');
  assertAligned(img, 0, slot, 'frame 0');

  await goTo(walk, 25);
  await walk.locator('.body-scene[data-video-frame="25"]').waitFor();
  img = await canvas(walk);
  await vscode.screenshot('video-seek25');
  assertAligned(img, 25, slot, 'after seeking to 25');

  // Playing: whatever the canvas shows at any moment is one body frame on its own video frame.
  await goTo(walk, 0);
  await walk.locator('#timeline-play').click();
  await walk.locator('#timeline-play[label^="Pause"]').waitFor();
  const seen = new Set<number>();
  for (let k = 0; k < 4; k++) {
    img = decodePng(await walk.locator('.scene3d-canvas').first().screenshot());
    const f = videoFrameNumber(img);
    assert.ok(f !== null && f < expected.frames, `while playing: no frame number in the video bar (${f})`);
    assertAligned(img, f, slot, `while playing, frame ${f}`);
    seen.add(f);
  }
  await vscode.screenshot('video-playing');
  await walk.locator('#timeline-play').click();
  await walk.locator('#timeline-play[label^="Play"]').waitFor();
  assert.ok(seen.size >= 2, `playback moved on (${[...seen].join(', ')})`);
  // Paused: the frame playback stopped at, with its image.
  const stopped = Number(await walk.locator('#frame-info').getAttribute('data-frame'));
  await walk.locator(`.body-scene[data-rendered-frame="${stopped}"][data-video-frame="${stopped}"]`).waitFor();
  img = await canvas(walk);
  await vscode.screenshot('video-paused');
  assertAligned(img, stopped, slot, `paused at ${stopped}`);
});

test('the opacity slider blends the image into the background', async () => {
  const box = letterbox(await canvas(walk), expected.size);
  // A spot of the video's plain grey background, between the markers and above the bar.
  const [x, y] = box.at(160, 30);
  const grey = expected.background;
  const full = pixel(await canvas(walk), x, y);
  assert.ok(
    full.every((c) => Math.abs(c - grey) <= 6),
    `image at 100 %: ${full.join(', ')}`,
  );
  await setOpacity(walk, 0);
  const none = pixel(await canvas(walk), x, y);
  await vscode.screenshot('video-opacity-0');
  await setOpacity(walk, 50);
  const half = pixel(await canvas(walk), x, y);
  await vscode.screenshot('video-opacity-50');
  await setOpacity(walk, 100);
  assert.ok(Math.abs(none[0] - grey) > 40, `at 0 % the view's background shows, not the image: ${none.join(', ')}`);
  // At 50 % a blend: between the image's grey and the background, clearly apart from both.
  for (let k = 0; k < 3; k++) {
    const [lo, hi] = [Math.min(none[k]!, grey), Math.max(none[k]!, grey)];
    assert.ok(half[k]! > lo + 10 && half[k]! < hi - 10, `at 50 % a blend of image (${grey}) and background (${none.join(', ')}): ${half.join(', ')}`);
  }
});

test("Set Source Video... picks a shorter video: says which frames have no image; back to the file's own video_path", async () => {
  assert.ok(await walk.locator('#set-source-video').isVisible(), 'the view toolbar offers Source Video… while looking through the camera');
  await pickSource('short.webm');
  await vscode.screenshot('video-short-picked');
  const line = 'Source: short.webm (30 frames at 30 fps) · video has 30 frames, file 40: frames 30-39 have no image';
  await walk.locator('#source-video-info', { hasText: line }).waitFor();
  await vscode.screenshot('video-short');
  await goTo(walk, 35);
  await walk.locator('.body-scene[data-video-frame=""]').waitFor();
  let img = await canvas(walk);
  assert.equal(videoFrameNumber(img), null, 'frame 35 has no image behind it');
  await goTo(walk, 10);
  await walk.locator('.body-scene[data-video-frame="10"]').waitFor();
  img = await canvas(walk);
  assertAligned(img, 10, await slotBlue(walk), 'short video, frame 10');
  await pickSource("Use the file's own video_path", 'video_path');
  await walk.locator('#source-video-info', { hasText: 'Source: walk.webm (40 frames at 30 fps)' }).waitFor();
});

test('codecs in this Chromium: H.264 MP4 and VP9 WebM are played or refused in one line', async () => {
  const support = await walk.evaluate(() => {
    const v = document.createElement('video');
    return ['video/mp4; codecs="avc1.42E01E"', 'video/webm; codecs="vp8"', 'video/webm; codecs="vp9"'].map((t) => `${t}: ${v.canPlayType(t) || 'no'}`);
  });
  console.log(`canPlayType in the test Chromium: ${support.join(' · ')}`);
  for (const name of ['walk_h264.mp4', 'walk_vp9.webm']) {
    await pickSource(name);
    const ok = `Source: ${name} (40 frames at 30 fps)`;
    const refused = `The source video ${name} cannot be played here`;
    await walk.locator('#source-video-info', { hasText: new RegExp(`^(${ok.replace(/[().]/g, '\\$&')}|${refused})`) }).waitFor();
    const text = await walk.locator('#source-video-info').innerText();
    console.log(`${name}: ${text}`);
    if (text.startsWith('Source:')) {
      await goTo(walk, 7);
      await walk.locator('.body-scene[data-video-frame="7"]').waitFor();
      assertAligned(await canvas(walk), 7, await slotBlue(walk), `${name}, frame 7`);
    }
  }
  await pickSource('broken.mp4');
  const refused =
    'The source video broken.mp4 cannot be played here (VS Code plays H.264 and VP8 video): convert it, e.g. ffmpeg -i broken.mp4 -c:v libvpx -b:v 8M out.webm';
  await walk.locator('#source-video-info.problem', { hasText: refused }).waitFor();
  await vscode.screenshot('video-broken');
  assert.equal(videoFrameNumber(await canvas(walk)), null, 'no image behind the bodies');
  await pickSource("Use the file's own video_path", 'video_path');
  await walk.locator('#source-video-info', { hasText: 'Source: walk.webm' }).waitFor();
});

test('a long video is streamed from the host in ranges: showing a few frames reads a small part of it', async () => {
  const size = (await stat(join(vscode.workspace, 'video-scene', 'long.webm'))).size;
  await pickSource('long.webm');
  const line = 'Source: long.webm (1,800 frames at 30 fps) · video has 1,800 frames, file 40: the last 1,760 frames are not shown';
  await walk.locator('#source-video-info', { hasText: line }).waitFor();
  for (const f of [0, 39, 20]) {
    await goTo(walk, f);
    await walk.locator(`.body-scene[data-video-frame="${f}"]`).waitFor();
  }
  await vscode.screenshot('video-long');
  // The host's own count of the bytes it sent for this source (sourceVideo.ts), against the file's
  // size: opening reads the first clusters (2 s of video each), the last one (for the duration) and
  // 2 s of packets for the frame rate; the frames shown are in those.
  const served = Number(await walk.locator('.body-scene').getAttribute('data-video-bytes'));
  console.log(`long.webm: ${size} bytes, ${served} served for opening it and showing frames 0, 39 and 20`);
  assert.ok(served > 0 && served < size / 5, `served ${served} of ${size} bytes`);
  await pickSource("Use the file's own video_path", 'video_path');
  await walk.locator('#source-video-info', { hasText: 'Source: walk.webm' }).waitFor();
});

test('a folder of frame images (relative video_path): frame i shows image i in natural order', async () => {
  const frame = await open('walk_frames.xz');
  await frame.locator('#show-throughCamera').click();
  await frame.locator('#source-video-info', { hasText: 'Source: frames (40 images)' }).waitFor();
  assert.equal(await frame.locator('#source-video-info').innerText(), 'Source: frames (40 images)');
  for (const f of [2, 10, 39]) {
    await goTo(frame, f);
    await frame.locator(`.body-scene[data-video-frame="${f}"]`).waitFor();
    assertAligned(await canvas(frame), f, await slotBlue(frame), `image folder, frame ${f}`);
  }
  await vscode.screenshot('video-frames-folder');
});

test('a video_path that does not exist: one line saying so, the bodies still drawn', async () => {
  const frame = await open('walk_missing.xz');
  await frame.locator('#show-throughCamera').click();
  await frame.locator('.body-scene[data-view="camera"]').waitFor();
  const line = 'Source video /nonexistent/capture/cam0.mp4 not found: pick it with Set Source Video...';
  await frame.locator('#source-video-info', { hasText: line }).waitFor();
  assert.equal(await frame.locator('#source-video-info').innerText(), line);
  await vscode.screenshot('video-missing');
  // The people are drawn through the (pinhole) camera as without a video.
  const img = await canvas(frame);
  const box = letterbox(img, expected.size);
  const [px, py] = box.at(...expected.pinhole[0]![0]!);
  assert.ok(region(img, px, py, 3 * box.scale, blue(await slotBlue(frame))).n > 0, 'the vertex is drawn where the pinhole camera puts it');
  assert.equal(videoFrameNumber(img), null, 'no image behind the bodies');
});
