import type { SmcImage } from '../../protocol/smcProtocol';
import { el } from '../common/dom';
import { errorText } from '../common/errorText';
import { drawFitted } from '../common/images';
import { LatestOnly, STALE } from '../common/latestReply';
import type { SmcContext } from './context';
import { TileGrid } from './imageTiles';

/**
 * The Textures tab: the current frame's UV texture, and the scan masks (one per camera, not per
 * frame) as thumbnails; clicking one shows it at full size.
 */
export class TexturesView {
  readonly element: HTMLElement;
  private readonly uvCanvas: HTMLCanvasElement;
  private readonly uvInfo: HTMLElement;
  private readonly maskGrid: TileGrid | null;
  private readonly maskCanvas: HTMLCanvasElement;
  private readonly maskInfo: HTMLElement;
  private visible = false;
  /** The UV texture shown is the frame asked for last. */
  private readonly latest = new LatestOnly();
  private masksLoaded = false;
  /** "JPEG, 230.4 kB" per frame, learnt when a texture is fetched (the bitmap cache keeps pixels only). */
  private readonly uvFormats = new Map<number, string>();

  constructor(private readonly ctx: SmcContext) {
    const c = ctx.contents;
    this.uvCanvas = el('canvas', { class: 'texture-image', id: 'uv-texture' });
    this.uvInfo = el('span', { class: 'detail-info', id: 'uv-info' });
    this.maskCanvas = el('canvas', { class: 'texture-image', id: 'scan-mask' });
    this.maskInfo = el('span', { class: 'detail-info', id: 'scan-mask-info' });
    const [w, h] = ctx.imageSize;
    this.maskGrid =
      c.scanMaskCameras.length > 0
        ? new TileGrid(
            c.scanMaskCameras.map((id) => ({ id, caption: id })),
            w / h,
            (id) => void this.openMask(id),
            { id: 'scan-mask-grid', 'aria-label': 'Scan masks by camera' },
          )
        : null;
    this.maskGrid?.onResize(() => this.visible && void this.loadMaskThumbnails(true));
    this.element = el(
      'section',
      { class: 'textures-view' },
      c.uvTextureFrames > 0
        ? el(
            'div',
            { class: 'texture-section' },
            el('div', { class: 'toolbar' }, el('h2', {}, 'UV texture'), this.uvInfo),
            el('div', { class: 'texture-frame' }, this.uvCanvas),
          )
        : el('p', { class: 'note' }, 'No UV textures in this performance (only expression parts have them).'),
      this.maskGrid
        ? el(
            'div',
            { class: 'texture-section' },
            el(
              'div',
              { class: 'toolbar' },
              el('h2', {}, 'Scan masks'),
              el('span', { class: 'detail-info' }, 'the scan seen from each camera (one per camera, not per frame)'),
            ),
            this.maskGrid.element,
            el('div', { class: 'toolbar' }, this.maskInfo),
            el('div', { class: 'texture-frame' }, this.maskCanvas),
          )
        : el('p', { class: 'note' }, 'No scan masks in this performance.'),
    );
  }

  show(): void {
    this.visible = true;
    if (!this.masksLoaded) {
      this.masksLoaded = true;
      void this.loadMaskThumbnails(false);
      const saved = this.ctx.state.get('scanMaskCamera');
      if (saved && this.ctx.contents.scanMaskCameras.includes(saved)) void this.openMask(saved);
    }
    void this.update();
  }

  hide(): void {
    this.visible = false;
  }

  onFrame(): Promise<void> | void {
    if (this.visible) return this.update();
  }

  private async update(): Promise<void> {
    if (this.ctx.contents.uvTextureFrames === 0) return;
    const frame = this.ctx.playback.frame;
    try {
      const bitmap = await this.latest.run(() =>
        this.ctx.image(`uv/${frame}`, async () => {
          const img = await this.ctx.host.request('uvTexture', { frame });
          if (img) this.uvFormats.set(frame, describe(img));
          return img;
        }),
      );
      if (bitmap === STALE) return;
      if (!bitmap) {
        this.uvCanvas.width = this.uvCanvas.height = 0;
        this.uvInfo.textContent = `No UV texture for frame ${frame}`;
      } else {
        // Called on every frame: reallocate the canvas only when the texture size changes.
        if (this.uvCanvas.width !== bitmap.width || this.uvCanvas.height !== bitmap.height) {
          this.uvCanvas.width = bitmap.width;
          this.uvCanvas.height = bitmap.height;
        }
        drawFitted(this.uvCanvas, bitmap);
        const format = this.uvFormats.get(frame);
        this.uvInfo.textContent = `frame ${frame} · ${bitmap.width} × ${bitmap.height}${format ? ` · ${format}` : ''}`;
      }
      this.uvCanvas.dataset.loadedFrame = String(frame);
    } catch (err) {
      this.uvInfo.textContent = `Could not show the UV texture: ${(err as Error)?.message ?? err}`;
    }
  }

  private async loadMaskThumbnails(force: boolean): Promise<void> {
    const grid = this.maskGrid;
    if (!grid || (!force && grid.element.dataset.loaded)) return;
    const size = grid.canvasSize;
    await Promise.all(
      [...grid.tiles.values()].map(async (tile) => {
        try {
          const b = await this.ctx.image(`scanmask/${tile.id}`, () => this.ctx.host.request('scanMask', { camera: tile.id }), size.width);
          if (b) tile.draw([b], size);
          else tile.showMessage('no mask');
        } catch (err) {
          tile.showMessage('unreadable', errorText(err));
        }
      }),
    );
    grid.element.dataset.loaded = 'true';
  }

  private async openMask(camera: string): Promise<void> {
    this.ctx.state.set({ scanMaskCamera: camera });
    for (const t of this.maskGrid?.tiles.values() ?? []) t.element.classList.toggle('selected', t.id === camera);
    try {
      const b = await this.ctx.image(`scanmask/${camera}`, () => this.ctx.host.request('scanMask', { camera }));
      if (!b) {
        this.maskInfo.textContent = `No scan mask for camera ${camera}`;
        return;
      }
      this.maskCanvas.width = b.width;
      this.maskCanvas.height = b.height;
      drawFitted(this.maskCanvas, b);
      this.maskInfo.textContent = `Scan mask · camera ${camera} · ${b.width} × ${b.height}`;
      this.maskCanvas.dataset.camera = camera;
    } catch (err) {
      this.maskInfo.textContent = `Could not show the scan mask: ${(err as Error)?.message ?? err}`;
    }
  }
}

function describe(img: SmcImage): string {
  const kb = (img.bytes.byteLength / 1000).toFixed(1);
  return `${img.mime === 'image/jpeg' ? 'JPEG' : img.mime === 'image/png' ? 'PNG' : 'unknown format'}, ${kb} kB`;
}
