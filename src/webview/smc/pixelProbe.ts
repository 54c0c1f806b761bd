import type { SmcImageKind } from '../../protocol/smcProtocol';

/** A 1×1 canvas that copies one pixel out of a decoded image, exactly (no smoothing). */
let probe: OffscreenCanvasRenderingContext2D | null = null;

/** RGBA of pixel (x, y) of a decoded image, or null when the image is gone (closed by the cache). */
export function pixelOf(image: ImageBitmap | HTMLCanvasElement, x: number, y: number): [number, number, number, number] | null {
  if (image.width === 0 || x >= image.width || y >= image.height) return null;
  probe ??= new OffscreenCanvas(1, 1).getContext('2d', { willReadFrequently: true });
  if (!probe) return null;
  probe.imageSmoothingEnabled = false;
  probe.clearRect(0, 0, 1, 1);
  probe.drawImage(image, x, y, 1, 1, 0, 0, 1, 1);
  const d = probe.getImageData(0, 0, 1, 1).data;
  return [d[0]!, d[1]!, d[2]!, d[3]!];
}

/** "x 76, y 40 · RGB 120 84 61 · mask 255": what the image holds at one pixel, per shown layer. */
export function pixelReadout(x: number, y: number, layers: { kind: SmcImageKind; rgba: [number, number, number, number] | null }[]): string {
  const parts = [`x ${x}, y ${y}`];
  for (const { kind, rgba } of layers) {
    if (!rgba) continue;
    // Masks are single-channel: decoded as grey, every channel holds the stored value.
    parts.push(kind === 'mask' ? `mask ${rgba[0]}` : `RGB ${rgba[0]} ${rgba[1]} ${rgba[2]}`);
  }
  return parts.join(' · ');
}
