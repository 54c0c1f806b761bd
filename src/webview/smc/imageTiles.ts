import { el } from '../common/dom';
import { drawFitted } from '../common/images';

/** One thumbnail in a grid: a canvas with a caption, or a short message where there is no image. */
export class Tile {
  readonly element: HTMLElement;
  readonly canvas: HTMLCanvasElement;
  private readonly message: HTMLElement;

  constructor(
    readonly id: string,
    caption: string,
    onOpen: (id: string) => void,
  ) {
    this.canvas = el('canvas', { class: 'tile-canvas', 'aria-hidden': 'true' });
    this.message = el('span', { class: 'tile-message' });
    this.element = el(
      'button',
      { class: 'tile', 'data-id': id, title: `Open ${caption}` },
      this.canvas,
      this.message,
      el('span', { class: 'tile-caption' }, caption),
    );
    this.element.addEventListener('click', () => onOpen(id));
  }

  /** Draws the images on top of each other: the first as is, a second (a mask) darkening outside it. */
  draw(images: ImageBitmap[], size: { width: number; height: number }): void {
    this.message.textContent = '';
    this.element.classList.remove('tile-empty');
    if (this.canvas.width !== size.width || this.canvas.height !== size.height) {
      this.canvas.width = size.width;
      this.canvas.height = size.height;
    }
    drawLayers(this.canvas, images);
  }

  showMessage(text: string, title?: string): void {
    const ctx = this.canvas.getContext('2d')!;
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    this.message.textContent = text;
    this.element.classList.add('tile-empty');
    if (title) this.element.title = title;
  }
}

/**
 * Colour, mask, or colour with the mask on top (multiplied: the background is darkened, the
 * silhouette keeps its colours).
 */
export function drawLayers(canvas: HTMLCanvasElement, images: ImageBitmap[]): void {
  const ctx = canvas.getContext('2d')!;
  const [base, mask] = images;
  if (!base || base.width === 0) return;
  drawFitted(canvas, base);
  if (mask && mask.width > 0) {
    ctx.save();
    ctx.globalCompositeOperation = 'multiply';
    ctx.globalAlpha = 0.7;
    const s = Math.min(canvas.width / mask.width, canvas.height / mask.height);
    const w = mask.width * s;
    const h = mask.height * s;
    ctx.drawImage(mask, (canvas.width - w) / 2, (canvas.height - h) / 2, w, h);
    ctx.restore();
  }
}

/**
 * A responsive grid of tiles with the aspect ratio of the images. `thumbWidth` is the device-pixel
 * width a thumbnail needs at the current tile size.
 */
export class TileGrid {
  readonly element: HTMLElement;
  readonly tiles = new Map<string, Tile>();
  private tileCss = 160;
  private resizeListeners = new Set<() => void>();

  constructor(
    ids: { id: string; caption: string }[],
    private readonly aspect: number,
    onOpen: (id: string) => void,
    attrs: Record<string, string> = {},
  ) {
    this.element = el('div', { class: 'tile-grid', ...attrs });
    for (const { id, caption } of ids) {
      const t = new Tile(id, caption, onOpen);
      t.canvas.style.aspectRatio = String(aspect);
      this.tiles.set(id, t);
      this.element.append(t.element);
    }
    new ResizeObserver(() => {
      const first = this.tiles.values().next().value?.canvas;
      const w = first?.clientWidth ?? 0;
      if (w > 0 && Math.abs(w - this.tileCss) > 1) {
        this.tileCss = w;
        this.resizeListeners.forEach((l) => l());
      }
    }).observe(this.element);
  }

  /** Called when the tiles change size (thumbnails of another size are needed). */
  onResize(listener: () => void): void {
    this.resizeListeners.add(listener);
  }

  /** Canvas size in device pixels for the current tile width. */
  get canvasSize(): { width: number; height: number } {
    const width = Math.max(1, Math.round(this.tileCss * window.devicePixelRatio));
    return { width, height: Math.max(1, Math.round(width / this.aspect)) };
  }
}
