// The browser side of bench/smcEditor.bench.ts (a separate process, type-checked with the e2e
// code since it drives the page): generates the full-resolution file if needed, opens the files in
// the real VS Code and prints one JSON line of timings per file.
// Usage: node --import tsx test/e2e/smcEditorMeasure.ts '<{"files": {name: path}, ...}>'
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { chromium, type Frame } from 'playwright-core';
import { fixturePath } from '../helpers/fixtures';
import { ALL_CAMERAS, writeSmc } from '../helpers/smcWriter';
import { closeAllEditors, timeOpen } from './openTiming';
import { VsCodeSession } from './vscodeSession';
import { SmcFile } from '../../src/core/smc/smcFile';
import type { CameraCalibration } from '../../src/core/smc/calibration';
import type { SmcEditorTimings } from '../../bench/smcEditorTimings';

/** The full-resolution file: real 2448×2048 JPEGs, generated once into bench/out/fullres/. */
export const FULL_RES = { actorId: '0095', part: 'e0', frames: 10, width: 2448, height: 2048, distinct: 20, quality: 0.85, version: 1 };

interface MeasureArgs {
  /** Workspace name → path of the generated pair's raw file and its anno partner. */
  pair: { raw: string; anno: string };
  /** Where the full-resolution file goes. */
  fullResFile: string;
  repeat: number;
}

/** Real full-resolution JPEGs, encoded once by Chromium: a lit gradient, a head-like shape, sensor noise. */
async function encodeJpegs(): Promise<Uint8Array[]> {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage();
    const out: Uint8Array[] = [];
    for (let i = 0; i < FULL_RES.distinct; i++) {
      const b64: string = await page.evaluate(
        async ({ W, H, seed, quality }) => {
          const c = new OffscreenCanvas(W, H);
          const ctx = c.getContext('2d')!;
          const g = ctx.createLinearGradient(0, 0, W, H);
          g.addColorStop(0, `hsl(${seed * 17}, 20%, 25%)`);
          g.addColorStop(1, `hsl(${seed * 17 + 40}, 25%, 60%)`);
          ctx.fillStyle = g;
          ctx.fillRect(0, 0, W, H);
          ctx.fillStyle = 'hsl(25, 45%, 55%)';
          ctx.beginPath();
          ctx.ellipse(W / 2 + (seed - 10) * 20, H * 0.42, W * 0.12, H * 0.2, 0, 0, 2 * Math.PI);
          ctx.fill();
          ctx.fillRect(W * 0.4, H * 0.6, W * 0.2, H * 0.4);
          const img = ctx.getImageData(0, 0, W, H);
          let x = seed * 2654435761 || 1;
          for (let p = 0; p < img.data.length; p += 4) {
            x ^= x << 13;
            x ^= x >>> 17;
            x ^= x << 5;
            const n = (x & 15) - 8;
            img.data[p] = img.data[p]! + n;
            img.data[p + 1] = img.data[p + 1]! + n;
            img.data[p + 2] = img.data[p + 2]! + n;
          }
          ctx.putImageData(img, 0, 0);
          const bytes = new Uint8Array(await (await c.convertToBlob({ type: 'image/jpeg', quality })).arrayBuffer());
          let s = '';
          for (let k = 0; k < bytes.length; k += 0x8000) s += String.fromCharCode(...bytes.subarray(k, k + 0x8000));
          return btoa(s);
        },
        { W: FULL_RES.width, H: FULL_RES.height, seed: i + 1, quality: FULL_RES.quality },
      );
      out.push(Uint8Array.from(Buffer.from(b64, 'base64')));
    }
    return out;
  } finally {
    await browser.close();
  }
}

/** The fixtures' calibration with K scaled to 2448 px wide images, so the 3D rig looks right. */
async function fullResCalibration(): Promise<Record<string, CameraCalibration>> {
  const anno = await SmcFile.open(fixturePath('smc', '0026_e0_anno.smc'));
  try {
    const scale = FULL_RES.width / anno.header.cameraInfo.resolution[1];
    const out: Record<string, CameraCalibration> = {};
    for (const [id, cal] of await anno.calibrationAll()) {
      out[id] = { ...cal, K: cal.K.map((row, r) => (r < 2 ? row.map((v) => v * scale) : row)) };
    }
    return out;
  } finally {
    anno.close();
  }
}

async function ensureFullResFile(file: string): Promise<void> {
  const manifest = join(dirname(file), 'manifest.json');
  if (existsSync(file) && existsSync(manifest) && readFileSync(manifest, 'utf8') === JSON.stringify(FULL_RES)) return;
  console.error('Generating the full-resolution file (once)...');
  await mkdir(dirname(file), { recursive: true });
  const jpegs = await encodeJpegs();
  await writeSmc(file, {
    actorId: FULL_RES.actorId,
    part: FULL_RES.part,
    numFrame: FULL_RES.frames,
    resolution: [FULL_RES.height, FULL_RES.width],
    images: { kind: 'color', cameras: ALL_CAMERAS, bytes: (c, f) => jpegs[(Number(c) * 7 + f) % jpegs.length]! },
    calibration: await fullResCalibration(),
  });
  writeFileSync(manifest, JSON.stringify(FULL_RES));
}

const openSmc = (vscode: VsCodeSession, name: string) => timeOpen(vscode, name, '#actor-info', 'smc-overview-painted');

/**
 * Runs `action` inside the webview and returns the milliseconds until `selector` carries
 * `attribute` = `value` and the next frame has been painted.
 */
/** What the page is asked to do (no code strings: the webview's CSP forbids eval). */
type PageAction = { click: string } | { key: string } | { seek: number };

async function timeInPage(frame: Frame, action: PageAction, selector: string, attribute: string, value: string): Promise<number> {
  // No named functions inside: tsx would wrap them in a __name() helper that the page lacks.
  return frame.evaluate(
    async ({ action, selector, attribute, value }) => {
      const t0 = performance.now();
      const done = new Promise<void>((resolve) => {
        if (document.querySelector(selector)?.getAttribute(attribute) === value) {
          resolve();
          return;
        }
        const mo = new MutationObserver(() => {
          if (document.querySelector(selector)?.getAttribute(attribute) !== value) return;
          mo.disconnect();
          resolve();
        });
        mo.observe(document.body, { attributes: true, subtree: true, attributeFilter: [attribute] });
      });
      if ('click' in action) document.querySelector<HTMLElement>(action.click)!.click();
      else if ('key' in action) document.dispatchEvent(new KeyboardEvent('keydown', { key: action.key, bubbles: true }));
      else {
        const slider = document.querySelector<HTMLInputElement>('.timeline-slider')!;
        slider.value = String(action.seek);
        slider.dispatchEvent(new Event('input', { bubbles: true }));
      }
      await done;
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      return performance.now() - t0;
    },
    { action, selector, attribute, value },
  );
}

const key = (k: string): PageAction => ({ key: k });
const click = (selector: string): PageAction => ({ click: selector });
const seek = (frame: number): PageAction => ({ seek: frame });

async function measureFile(vscode: VsCodeSession, name: string, frames: number, first: boolean, REPEAT: number): Promise<SmcEditorTimings> {
  const r: SmcEditorTimings = {
    name,
    images: '',
    openFirst: [],
    openFirstWebview: [],
    open: [],
    openWebview: [],
    gridFirst: [],
    gridSwitch: [],
    detailFirst: [],
    stepPrefetched: [],
    jump: [],
    playFps: 0,
  };
  for (let i = 0; i < REPEAT; i++) {
    const { ms: t, webviewMs, frame } = await openSmc(vscode, name);
    if (i === 0 && first) {
      r.openFirst.push(t);
      r.openFirstWebview.push(webviewMs);
    } else {
      r.open.push(t);
      r.openWebview.push(webviewMs);
    }
    // Cameras tab, first time in this webview: 60 thumbnails from nothing.
    await frame.locator('#inventory').waitFor();
    r.gridFirst.push(await timeInPage(frame, click('vscode-tab-header[data-tab="cameras"]'), '#camera-grid', 'data-loaded-frame', '0'));
    await closeAllEditors(vscode);
  }
  // Frame switches in the grid (frames not seen yet in this webview).
  let frame = (await openSmc(vscode, name)).frame;
  await frame.locator('vscode-tab-header[data-tab="cameras"]').click();
  await frame.locator('#camera-grid[data-loaded-frame="0"]').waitFor();
  for (let f = 1; f <= Math.min(REPEAT, frames - 1); f++) {
    r.gridSwitch.push(await timeInPage(frame, seek(f), '#camera-grid', 'data-loaded-frame', String(f)));
  }
  // One camera at full size. Jumps first, to frames never shown nor next to one shown (a shown
  // frame's neighbours are prefetched), in fresh webviews until there are enough samples.
  for (let round = 0; r.jump.length < REPEAT && round < 3; round++) {
    if (round > 0) {
      await closeAllEditors(vscode);
      frame = (await openSmc(vscode, name)).frame;
      await frame.locator('vscode-tab-header[data-tab="cameras"]').click();
    }
    await timeInPage(frame, seek(0), '#camera-grid', 'data-loaded-frame', '0');
    r.detailFirst.push(await timeInPage(frame, click('#camera-grid .tile[data-id="25"]'), '#camera-detail', 'data-loaded-frame', '0'));
    if (round === 0) r.images = (await frame.locator('#camera-image-info').textContent())?.match(/\d+ × \d+/)?.[0] ?? '';
    const touched = new Set([0, 1]);
    for (const p of [0.9, 0.5, 0.2, 0.7, 0.35, 0.8, 0.1, 0.6, 0.45, 0.25]) {
      const f = Math.min(frames - 1, Math.round(frames * p));
      if (touched.has(f) || r.jump.length >= REPEAT) continue;
      r.jump.push(await timeInPage(frame, seek(f), '#camera-detail', 'data-loaded-frame', String(f)));
      [f - 1, f, f + 1].forEach((t) => touched.add(t));
    }
  }
  // Steps: a user looks at each frame for a moment while its neighbour decodes, then presses Right.
  await timeInPage(frame, seek(0), '#camera-detail', 'data-loaded-frame', '0');
  for (let f = 1; f <= Math.min(REPEAT, frames - 1); f++) {
    await new Promise((res) => setTimeout(res, 400));
    r.stepPrefetched.push(await timeInPage(frame, key('ArrowRight'), '#camera-detail', 'data-loaded-frame', String(f)));
  }
  // Playback at 30 fps for 3 s (from frame 0): frames actually shown per second.
  await timeInPage(frame, seek(0), '#camera-detail', 'data-loaded-frame', '0');
  r.playFps = await frame.evaluate(async () => {
    const detail = document.querySelector('#camera-detail')!;
    let shown = 0;
    const mo = new MutationObserver(() => {
      if (detail.getAttribute('data-loaded-frame')) shown++;
    });
    mo.observe(detail, { attributes: true, attributeFilter: ['data-loaded-frame'] });
    document.querySelector<HTMLElement>('#timeline-play')!.click();
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, 3000));
    document.querySelector<HTMLElement>('#timeline-play')!.click();
    mo.disconnect();
    return shown / ((performance.now() - t0) / 1000);
  });
  await closeAllEditors(vscode);
  return r;
}

/** The first file of a fresh window (extension activation, h5wasm load), in `sessions` new windows. */
async function firstOpens(links: Record<string, string>, sessions: number): Promise<{ open: number[]; webview: number[] }> {
  const out = { open: [] as number[], webview: [] as number[] };
  for (let i = 0; i < sessions; i++) {
    const vscode = await VsCodeSession.start({ links });
    try {
      const { ms, webviewMs } = await openSmc(vscode, '0099_e0_raw.smc');
      out.open.push(ms);
      out.webview.push(webviewMs);
    } finally {
      await vscode.close();
    }
  }
  return out;
}

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2] ?? '{}') as MeasureArgs;
  await ensureFullResFile(args.fullResFile);
  const links = { '0099_e0_raw.smc': args.pair.raw, '0099_e0_anno.smc': args.pair.anno, '0095_e0_raw.smc': args.fullResFile };
  const first = await firstOpens(links, Math.max(0, args.repeat - 1));
  const vscode = await VsCodeSession.start({ links });
  try {
    const big = await measureFile(vscode, '0099_e0_raw.smc', 100, true, args.repeat);
    big.openFirst.push(...first.open);
    big.openFirstWebview.push(...first.webview);
    console.log(JSON.stringify(big));
    const full = await measureFile(vscode, '0095_e0_raw.smc', FULL_RES.frames, false, args.repeat);
    console.log(JSON.stringify(full));
    const csp = vscode.cspViolations();
    if (csp.length) console.error('CSP violations:', csp);
  } finally {
    await vscode.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
