// What the BodyCompress e2e tests read from and do to the editor page, in one place.
import type { Frame } from 'playwright-core';
import type { VsCodeSession } from './vscodeSession';
import { decodePng } from '../helpers/png';

/** The trimmed text of the first element matching `selector`. */
export async function text(frame: Frame, selector: string): Promise<string> {
  return ((await frame.locator(selector).first().textContent()) ?? '').trim();
}

/** Opens `name` and returns its webview once the first frame is in the inspector. */
export async function openBodyCompress(vscode: VsCodeSession, name: string): Promise<Frame> {
  await vscode.openFile(name);
  return vscode.webviewFrame('#frame-info[data-frame]', { timeoutMs: 60_000 });
}

/** Waits until the file table says `frames` frames are indexed (and no longer "so far"). */
export async function waitIndexed(frame: Frame, frames: number): Promise<void> {
  await frame
    .locator('#bodycompress-summary vscode-table-row', { hasText: 'Frames (indexed)' })
    .filter({ hasText: new RegExp(`\\b${frames.toLocaleString('en-US')}(?!\\d| so far)`) })
    .first()
    .waitFor({ timeout: 60_000 });
}

/** Types `f` into Go to frame and waits for the inspector to show that frame. */
export async function goTo(frame: Frame, f: number): Promise<void> {
  const field = frame.locator('#goto-frame input');
  await field.fill(String(f));
  await field.press('Enter');
  await frame.locator(`#frame-info[data-frame="${f}"]`).waitFor();
}

export type Image = ReturnType<typeof decodePng>;
export type Rgb = [number, number, number];

/** Opens `name` and returns its webview once frame 0 is drawn in the 3D view. */
export async function openDrawn(vscode: VsCodeSession, name: string): Promise<Frame> {
  const frame = await openBodyCompress(vscode, name);
  await frame.locator('.body-scene[data-rendered-frame="0"]').waitFor();
  return frame;
}

/** Waits until the page has drawn what it was told (two animation frames: the render is requested for the next one). */
export async function settle(frame: Frame): Promise<void> {
  await frame.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));
}

/** The 3D view's canvas as decoded pixels, once drawn. */
export async function sceneCanvas(frame: Frame): Promise<Image> {
  await settle(frame);
  return decodePng(await frame.locator('.scene3d-canvas').first().screenshot());
}

/** The RGB of the pixel nearest (x, y). */
export function pixel(img: Image, x: number, y: number): Rgb {
  const i = (Math.round(y) * img.width + Math.round(x)) * img.channels;
  return [img.pixels[i]!, img.pixels[i + 1]!, img.pixels[i + 2]!];
}
