import type { SmcImageKind } from '../../protocol/smcProtocol';
import { el } from '../common/dom';
import { drawLayers } from './imageTiles';
import { pixelOf, pixelReadout } from './pixelProbe';
import { imagePixelAt, MAX_PIXELS_PER_IMAGE_PIXEL, type Size } from './zoomMath';
import { applyTransform, attachZoomPan, type SharedZoom } from './zoomPan';

/** Overlay canvases are redrawn sharper while zoomed, up to this many device pixels on a side. */
const MAX_OVERLAY_SIDE = 4096;

/**
 * One camera image in a viewport that zooms (wheel) and pans (drag). `stage` holds the image canvas
 * (at image resolution) and every overlay canvas; the zoom is one CSS transform on `stage`, so a
 * canvas added to it (absolutely placed at its top-left, as large as the image) follows without
 * extra code. Hovering shows the image pixel under the cursor and its stored value.
 */
export class ImagePane {
  readonly viewport: HTMLElement;
  readonly stage: HTMLElement;
  readonly imageCanvas: HTMLCanvasElement;
  readonly readout: HTMLElement;
  /** Image size in pixels (null: nothing shown). */
  image: Size | null = null;
  /** CSS size of the image at "fit" (the stage before zooming). */
  private base: Size = { width: 0, height: 0 };
  private layers: { kind: SmcImageKind; bitmap: ImageBitmap }[] = [];
  private readonly transformListeners: (() => void)[] = [];
  /** Where the pointer is over the viewport (the readout follows zooming and new frames under it). */
  private pointer: { x: number; y: number } | null = null;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly zoom: SharedZoom,
    ids: { image: string; readout: string },
    ...overlays: HTMLCanvasElement[]
  ) {
    this.imageCanvas = el('canvas', { class: 'detail-image', id: ids.image });
    this.stage = el('div', { class: 'detail-stage' }, this.imageCanvas, ...overlays);
    this.viewport = el('div', { class: 'image-viewport' }, this.stage);
    this.readout = el('span', { class: 'pixel-readout', id: ids.readout, 'aria-live': 'off' });
    attachZoomPan(this.viewport, zoom, () =>
      this.image && this.base.width > 0
        ? { viewport: this.base, maxScale: (MAX_PIXELS_PER_IMAGE_PIXEL * this.image.width) / this.base.width / window.devicePixelRatio }
        : null,
    );
    this.unsubscribe = zoom.onChange(() => this.applyZoom());
    this.viewport.addEventListener('pointermove', (e) => {
      this.pointer = { x: e.clientX, y: e.clientY };
      this.probe();
    });
    this.viewport.addEventListener('pointerleave', () => {
      this.pointer = null;
      this.readout.textContent = '';
    });
  }

  /** CSS size of the image at fit. */
  get fitSize(): Size {
    return this.base;
  }

  /**
   * Device pixels per CSS pixel of the fit size that an overlay canvas should have now: sharp at
   * the current zoom, within MAX_OVERLAY_SIDE.
   */
  get overlayResolution(): number {
    const side = Math.max(this.base.width, this.base.height, 1);
    return window.devicePixelRatio * Math.min(this.zoom.transform.scale, Math.max(1, MAX_OVERLAY_SIDE / (side * window.devicePixelRatio)));
  }

  /** Stops following the shared zoom (the pane is being removed). */
  dispose(): void {
    this.unsubscribe();
  }

  onTransform(listener: () => void): void {
    this.transformListeners.push(listener);
  }

  /** Draws the layers (colour, mask, or colour with the mask on top) at image resolution. */
  show(layers: { kind: SmcImageKind; bitmap: ImageBitmap }[]): void {
    const base = layers[0]!.bitmap;
    // Resizing a canvas reallocates it (20 MB at 2448×2048): only when the size changes.
    if (this.imageCanvas.width !== base.width || this.imageCanvas.height !== base.height) {
      this.imageCanvas.width = base.width;
      this.imageCanvas.height = base.height;
    }
    drawLayers(
      this.imageCanvas,
      layers.map((l) => l.bitmap),
    );
    this.layers = layers;
    this.image = { width: base.width, height: base.height };
    this.probe();
  }

  clear(): void {
    this.imageCanvas.width = this.imageCanvas.height = 0;
    this.image = null;
    this.layers = [];
    this.readout.textContent = '';
  }

  /** Lays the image out at `scale` CSS pixels per image pixel when not zoomed. */
  layout(scale: number): void {
    const img = this.image;
    this.base = img ? { width: Math.round(img.width * scale), height: Math.round(img.height * scale) } : { width: 0, height: 0 };
    for (const node of [this.imageCanvas, ...this.stage.querySelectorAll('canvas')]) {
      node.style.width = `${this.base.width}px`;
      node.style.height = `${this.base.height}px`;
    }
    this.viewport.style.width = `${this.base.width}px`;
    this.viewport.style.height = `${this.base.height}px`;
    this.applyZoom();
  }

  private applyZoom(): void {
    applyTransform(this.stage, this.zoom.transform, this.base);
    this.viewport.classList.toggle('zoomed', !this.zoom.isFit);
    for (const l of this.transformListeners) l();
    this.probe();
  }

  private probe(): void {
    const img = this.image;
    const shown = this.imageCanvas.getBoundingClientRect();
    const at = this.pointer;
    const p = img && at ? imagePixelAt(at.x - shown.left, at.y - shown.top, shown, img) : null;
    if (!p) {
      this.readout.textContent = '';
      return;
    }
    // The decoded layers hold the stored values; the canvas (colour only) stands in if the cache closed them.
    const values = this.layers.map(({ kind, bitmap }) => ({ kind, rgba: pixelOf(bitmap, p.x, p.y) }));
    if (values.length === 1 && !values[0]!.rgba) values[0]!.rgba = pixelOf(this.imageCanvas, p.x, p.y);
    this.readout.textContent = pixelReadout(p.x, p.y, values);
  }
}
