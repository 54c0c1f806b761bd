import * as jpeg from 'jpeg-js';
import { writeFileAtomic } from '../io/atomicFile';
import { projectPoints } from '../smc/calibration';
import type { FileSource, ProduceContext } from './planTypes';
import { contactSheetLayout, thumbnailAt } from './contactSheetLayout';

export { THUMB_WIDTH, thumbnailSize } from './contactSheetLayout';

/*
 * Previews for a quick look at an extraction: a contact sheet of every camera at one frame, and the
 * 2D landmarks (green) with the 3D landmarks projected through the calibration (red) over one camera.
 * They decode JPEGs with jpeg-js (pure JS, ~0.3 s per 5-megapixel frame), which is why the part is
 * opt-in (on in the Sample preset); the extracted images themselves are never decoded.
 */

interface Rgba {
  width: number;
  height: number;
  data: Uint8Array;
}

const QUALITY = 85;
const BACKGROUND = 24;

export async function writePreview(s: Extract<FileSource, { type: 'contact-sheet' | 'overlay' }>, target: string, ctx: ProduceContext): Promise<void> {
  if (s.type === 'contact-sheet') return contactSheet(s, target, ctx);
  return overlay(s, target, ctx);
}

async function decodeColor(ctx: ProduceContext, s: { file: 'anno' | 'raw' }, camera: string, frame: number): Promise<Rgba | null> {
  const img = await ctx.reader.file(s.file).readImage(camera, 'color', frame);
  if (img?.format !== 'jpeg') {
    ctx.note(`Camera ${camera} frame ${frame}: not a JPEG, left out of the previews`);
    return null;
  }
  try {
    return jpeg.decode(img.bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 1024 });
  } catch (err) {
    ctx.note(`Camera ${camera} frame ${frame}: the JPEG does not decode (${(err as Error).message}); left out of the previews`);
    return null;
  }
}

async function contactSheet(s: Extract<FileSource, { type: 'contact-sheet' }>, target: string, ctx: ProduceContext): Promise<void> {
  const [height, width] = ctx.perf.header.cameraInfo.resolution;
  const layout = contactSheetLayout(s.cameras.length, height, width);
  const { thumbWidth: tw, thumbHeight: th } = layout;
  const sheet = canvas(layout.width, layout.height);
  for (const [i, camera] of s.cameras.entries()) {
    const img = await decodeColor(ctx, s, camera, s.frame);
    const [x, y] = thumbnailAt(layout, i);
    if (img) blitScaled(img, sheet, x, y, tw, th);
    drawDigits(sheet, camera, x + 3, y + 3, Math.max(2, Math.round(th / 60)));
  }
  await writeFileAtomic(target, jpeg.encode(sheet, QUALITY).data);
}

async function overlay(s: Extract<FileSource, { type: 'overlay' }>, target: string, ctx: ProduceContext): Promise<void> {
  const img = await decodeColor(ctx, s, s.camera, s.frame);
  if (!img) return;
  const r = Math.max(2, Math.round(img.width / 500));
  const kp3 = await ctx.perf.keypoints3d(s.frame);
  const cal = await ctx.perf.calibration(s.camera);
  if (kp3 && cal) {
    const uv = projectPoints(cal, kp3.data);
    for (let i = 0; i + 1 < uv.length; i += 2) dot(img, uv[i]!, uv[i + 1]!, r + 1, [230, 40, 40]);
  }
  const kp2 = await ctx.perf.keypoints2d(s.camera, s.frame);
  for (let i = 0; kp2 && i + 1 < kp2.data.length; i += 2) dot(img, kp2.data[i]!, kp2.data[i + 1]!, r, [40, 230, 60]);
  await writeFileAtomic(target, jpeg.encode(img, 90).data);
}

function canvas(width: number, height: number): Rgba {
  const data = new Uint8Array(width * height * 4).fill(BACKGROUND);
  for (let i = 3; i < data.length; i += 4) data[i] = 255;
  return { width, height, data };
}

/** Box-filter downscale of `src` into a tw × th area of `dst` at (x0, y0). */
function blitScaled(src: Rgba, dst: Rgba, x0: number, y0: number, tw: number, th: number): void {
  for (let ty = 0; ty < th; ty++) {
    const sy0 = Math.floor((ty * src.height) / th);
    const sy1 = Math.max(sy0 + 1, Math.floor(((ty + 1) * src.height) / th));
    for (let tx = 0; tx < tw; tx++) {
      const sx0 = Math.floor((tx * src.width) / tw);
      const sx1 = Math.max(sx0 + 1, Math.floor(((tx + 1) * src.width) / tw));
      let r = 0;
      let g = 0;
      let b = 0;
      for (let sy = sy0; sy < sy1; sy++) {
        for (let sx = sx0, o = (sy * src.width + sx0) * 4; sx < sx1; sx++, o += 4) {
          r += src.data[o]!;
          g += src.data[o + 1]!;
          b += src.data[o + 2]!;
        }
      }
      const n = (sy1 - sy0) * (sx1 - sx0);
      const o = ((y0 + ty) * dst.width + x0 + tx) * 4;
      dst.data[o] = r / n;
      dst.data[o + 1] = g / n;
      dst.data[o + 2] = b / n;
    }
  }
}

function dot(img: Rgba, cx: number, cy: number, r: number, rgb: [number, number, number]): void {
  if (!Number.isFinite(cx) || !Number.isFinite(cy)) return;
  for (let y = Math.max(0, Math.round(cy - r)); y <= Math.min(img.height - 1, Math.round(cy + r)); y++) {
    for (let x = Math.max(0, Math.round(cx - r)); x <= Math.min(img.width - 1, Math.round(cx + r)); x++) {
      if ((x - cx) ** 2 + (y - cy) ** 2 > r * r) continue;
      const o = (y * img.width + x) * 4;
      img.data.set(rgb, o);
    }
  }
}

/** 3×5 pixel digits, one row of 3 bits per line, for camera labels. */
const DIGITS = [
  '111101101101111',
  '010110010010111',
  '111001111100111',
  '111001111001111',
  '101101111001001',
  '111100111001111',
  '111100111101111',
  '111001001001001',
  '111101111101111',
  '111101111001111',
];

function drawDigits(img: Rgba, text: string, x0: number, y0: number, scale: number): void {
  let x = x0;
  for (const ch of text) {
    const glyph = DIGITS[ch.charCodeAt(0) - 48];
    if (!glyph) continue;
    for (let gy = -1; gy <= 5; gy++) {
      for (let gx = -1; gx <= 3; gx++) {
        const on = gy >= 0 && gy < 5 && gx >= 0 && gx < 3 && glyph[gy * 3 + gx] === '1';
        const v = on ? 255 : 0;
        for (let py = 0; py < scale; py++) {
          for (let px = 0; px < scale; px++) {
            const X = x + gx * scale + px;
            const Y = y0 + gy * scale + py;
            if (X < 0 || Y < 0 || X >= img.width || Y >= img.height) continue;
            const o = (Y * img.width + X) * 4;
            img.data[o] = img.data[o + 1] = img.data[o + 2] = v;
          }
        }
      }
    }
    x += 4 * scale;
  }
}
