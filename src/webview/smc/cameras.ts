import '@vscode-elements/elements/dist/vscode-radio-group/index.js';
import '@vscode-elements/elements/dist/vscode-radio/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-collapsible/index.js';
import type { SmcImageKind, SmcKeypointOverlay } from '../../protocol/smcProtocol';
import { el } from '../common/dom';
import { errorText } from '../common/errorText';
import { LatestOnly, STALE } from '../common/latestReply';
import { table } from '../common/table';
import type { ImageMode, SmcContext } from './context';
import { drawLayers, TileGrid } from './imageTiles';
import { drawKeypoints } from './keypointOverlay';

const MODE_LABEL: Record<ImageMode, string> = { color: 'Colour', mask: 'Mask', overlay: 'Colour + mask' };
/** How long a frame is on screen before its neighbour is decoded ahead. */
const PREFETCH_DELAY_MS = 120;

/**
 * The Cameras tab: every camera's image at the current frame as a grid of thumbnails, or one camera
 * at full resolution with its landmarks (detected 2D, and 3D projected through the calibration)
 * and their mean reprojection error. Colour comes from the raw file, masks from the anno file.
 */
export class CamerasView {
  readonly element: HTMLElement;
  private readonly grid: TileGrid;
  private readonly detail: HTMLElement;
  private readonly detailTitle: HTMLElement;
  private readonly detailInfo: HTMLElement;
  private readonly imageCanvas: HTMLCanvasElement;
  private readonly overlayCanvas: HTMLCanvasElement;
  private readonly stage: HTMLElement;
  private readonly legend: HTMLElement;
  private readonly keypointControls: HTMLElement;
  /** The landmarks as numbers, built only while its section is open (106 rows per frame). */
  private readonly pointsSection: HTMLElement & { open: boolean };
  private readonly pointsBody: HTMLElement;
  private readonly modes: ImageMode[];
  private visible = false;
  /** The grid or the large image shows the frame and camera asked for last (one turn for both). */
  private readonly latest = new LatestOnly();
  private lastOverlay: SmcKeypointOverlay | null = null;
  private lastImage: { width: number; height: number } | null = null;
  /** The frame last shown large, to tell the direction of travel. */
  private lastDetailFrame = -1;
  private prefetchTimer: number | undefined;
  /** The camera last shown large, focused again when going back to the grid. */
  private lastCamera: string | null = null;

  constructor(private readonly ctx: SmcContext) {
    const c = ctx.contents;
    this.modes = (['color', 'mask', 'overlay'] as const).filter((m) => (m === 'color' ? c.hasColor : m === 'mask' ? c.hasMask : c.hasColor && c.hasMask));
    if (!this.modes.includes(ctx.state.get('mode'))) ctx.state.set({ mode: this.modes[0] ?? 'color' });

    const [w, h] = ctx.imageSize;
    this.grid = new TileGrid(
      c.cameras.map((cam) => ({ id: cam.id, caption: `${cam.id}${c.keypoints2dCameras.includes(cam.id) ? ' · landmarks' : ''}` })),
      w / h,
      (id) => this.open(id),
      { id: 'camera-grid', 'aria-label': 'Cameras at the current frame' },
    );
    this.grid.onResize(() => this.visible && !ctx.state.get('camera') && void this.refresh());

    const modeGroup = el(
      'vscode-radio-group',
      { id: 'image-mode', 'aria-label': 'Image' },
      ...this.modes.map((m) => el('vscode-radio', { name: 'image-mode', value: m, label: MODE_LABEL[m], checked: m === ctx.state.get('mode') })),
    );
    modeGroup.addEventListener('change', (e) => {
      const mode = (e.target as HTMLElement & { value: string }).value as ImageMode;
      if (!this.modes.includes(mode)) return;
      ctx.state.set({ mode });
      void this.refresh();
    });

    const detectedBox = this.checkbox('show-detected', 'Detected 2D landmarks', 'showDetected');
    const projectedBox = this.checkbox('show-projected', 'Projected 3D landmarks', 'showProjected');
    this.keypointControls = el('span', { class: 'toolbar-group' }, detectedBox, projectedBox);

    const back = el('vscode-button', { secondary: true, icon: 'arrow-left', id: 'camera-back' }, 'All cameras');
    back.addEventListener('click', () => this.open(null));
    const prev = el('vscode-button', { secondary: true, icon: 'chevron-left', id: 'camera-prev', title: 'Previous camera ([)' });
    prev.addEventListener('click', () => this.stepCamera(-1));
    const next = el('vscode-button', { secondary: true, icon: 'chevron-right', id: 'camera-next', title: 'Next camera (])' });
    next.addEventListener('click', () => this.stepCamera(1));
    const zoom = el('vscode-button', { secondary: true, id: 'camera-zoom' });
    const setZoomLabel = () => {
      const fit = ctx.state.get('zoom') === 'fit';
      zoom.textContent = fit ? 'Actual size' : 'Fit to window';
      zoom.setAttribute('icon', fit ? 'screen-full' : 'screen-normal');
    };
    setZoomLabel();
    zoom.addEventListener('click', () => {
      ctx.state.set({ zoom: ctx.state.get('zoom') === 'fit' ? 'actual' : 'fit' });
      setZoomLabel();
      this.applyZoom();
    });

    this.detailTitle = el('h2', { id: 'camera-title' });
    this.detailInfo = el('span', { class: 'detail-info', id: 'camera-image-info' });
    this.imageCanvas = el('canvas', { class: 'detail-image', id: 'camera-image' });
    this.overlayCanvas = el('canvas', { class: 'detail-overlay', id: 'camera-overlay', 'aria-hidden': 'true' });
    this.stage = el('div', { class: 'detail-stage' }, this.imageCanvas, this.overlayCanvas);
    this.legend = el('div', { class: 'keypoint-legend', id: 'keypoint-legend' });
    this.pointsBody = el('div', { class: 'landmark-table' });
    this.pointsSection = el('vscode-collapsible', { heading: 'Landmark coordinates (pixels)', id: 'landmarks', class: 'landmarks' }, this.pointsBody);
    this.pointsSection.addEventListener('vsc-collapsible-toggle', () => this.renderPoints());
    this.detail = el(
      'section',
      { class: 'camera-detail', id: 'camera-detail', hidden: true },
      el('div', { class: 'toolbar' }, back, prev, next, this.detailTitle, this.detailInfo, el('span', { class: 'spacer' }), zoom),
      this.legend,
      this.stage,
      this.pointsSection,
    );
    new ResizeObserver(() => this.layoutDetail()).observe(this.detail);
    window.addEventListener('resize', () => this.layoutDetail());
    this.element = el(
      'section',
      { class: 'cameras-view' },
      el('div', { class: 'toolbar' }, modeGroup, this.keypointControls),
      this.modes.length === 0 ? el('p', { class: 'note' }, 'This performance holds no colour images or masks.') : null,
      this.grid.element,
      this.detail,
    );
    document.addEventListener('keydown', (e) => {
      if (!this.visible || !ctx.state.get('camera') || e.defaultPrevented) return;
      if (e.key === 'Escape') this.open(null);
      else if (e.key === '[' || e.key === ']') this.stepCamera(e.key === '[' ? -1 : 1);
      else return;
      e.preventDefault();
    });
    this.applyMode();
  }

  show(): void {
    this.visible = true;
    void this.refresh();
  }

  hide(): void {
    this.visible = false;
  }

  /** Called by the timeline: the promise settles once the new frame is on screen. */
  onFrame(): Promise<void> | void {
    if (this.visible) return this.refresh();
  }

  /** Shows one camera large (null: back to the grid). */
  open(camera: string | null): void {
    if (camera !== null && !this.ctx.contents.cameras.some((c) => c.id === camera)) return;
    this.ctx.state.set({ camera });
    this.applyMode();
    if (this.visible) void this.refresh();
    if (camera === null) this.grid.tiles.get(this.lastCamera ?? '')?.element.focus();
    this.lastCamera = camera ?? this.lastCamera;
  }

  private stepCamera(delta: number): void {
    const ids = this.ctx.contents.cameras.map((c) => c.id);
    const i = ids.indexOf(this.ctx.state.get('camera') ?? '');
    if (i < 0 || ids.length === 0) return;
    this.open(ids[(i + delta + ids.length) % ids.length]!);
  }

  private checkbox(id: string, label: string, key: 'showDetected' | 'showProjected'): HTMLElement {
    const box = el('vscode-checkbox', { id, label, checked: this.ctx.state.get(key) }) as HTMLElement & { checked: boolean };
    box.addEventListener('change', () => {
      this.ctx.state.set({ [key]: box.checked });
      this.redrawOverlay();
    });
    return box;
  }

  /** Grid or detail, and which controls apply. */
  private applyMode(): void {
    const camera = this.ctx.state.get('camera');
    this.grid.element.hidden = camera !== null;
    this.detail.hidden = camera === null;
    const c = this.ctx.contents;
    const hasKeypoints = c.keypoints2dCameras.length > 0 || (c.hasKeypoints3d && c.calibratedCameras.length > 0);
    this.keypointControls.hidden = camera === null || !hasKeypoints;
    this.applyZoom();
  }

  private applyZoom(): void {
    this.stage.classList.toggle('actual-size', this.ctx.state.get('zoom') === 'actual');
    this.layoutDetail();
  }

  /**
   * "Fit": as large as the editor allows (small images are enlarged too); "Actual size": one image
   * pixel per device pixel, scrolling where it does not fit.
   */
  private layoutDetail(): void {
    const img = this.lastImage;
    if (!img || this.detail.hidden) return;
    let scale: number;
    if (this.ctx.state.get('zoom') === 'actual') scale = 1 / window.devicePixelRatio;
    else {
      const width = this.detail.clientWidth;
      const top = this.stage.getBoundingClientRect().top + window.scrollY;
      const height = Math.max(240, window.innerHeight - top - 80);
      scale = Math.min(width / img.width, height / img.height);
    }
    this.imageCanvas.style.width = `${Math.round(img.width * scale)}px`;
    this.imageCanvas.style.height = `${Math.round(img.height * scale)}px`;
    this.redrawOverlay();
  }

  private kinds(): SmcImageKind[] {
    const mode = this.ctx.state.get('mode');
    return mode === 'overlay' ? ['color', 'mask'] : [mode];
  }

  private refresh(): Promise<void> {
    const camera = this.ctx.state.get('camera');
    return camera === null ? this.renderGrid() : this.renderDetail(camera);
  }

  private async renderGrid(): Promise<void> {
    const turn = this.latest.begin();
    const frame = this.ctx.playback.frame;
    const size = this.grid.canvasSize;
    const kinds = this.kinds();
    this.grid.element.dataset.loadedFrame = '';
    await Promise.all(
      [...this.grid.tiles.values()].map(async (tile) => {
        try {
          const images = await turn.wait(Promise.all(kinds.map((kind) => this.loadImage(tile.id, kind, frame, size.width))));
          if (images === STALE) return;
          const missing = kinds.find((_, i) => images[i] === null);
          if (missing) tile.showMessage(`no ${missing === 'color' ? 'colour image' : 'mask'} for frame ${frame}`);
          else tile.draw(images as ImageBitmap[], size);
        } catch (err) {
          tile.showMessage('unreadable', errorText(err));
        }
      }),
    );
    if (turn.current) this.grid.element.dataset.loadedFrame = String(frame);
  }

  private loadImage(camera: string, kind: SmcImageKind, frame: number, maxWidth?: number): Promise<ImageBitmap | null> {
    return this.ctx.image(`${kind}/${camera}/${frame}`, () => this.ctx.host.request('image', { camera, kind, frame }), maxWidth);
  }

  private async renderDetail(camera: string): Promise<void> {
    const turn = this.latest.begin();
    const { playback, contents: c, state, host } = this.ctx;
    const frame = playback.frame;
    const kinds = this.kinds();
    this.detailTitle.textContent = `Camera ${camera}`;
    this.detail.dataset.loadedFrame = '';
    const wantsKeypoints = c.keypoints2dCameras.includes(camera) || (c.hasKeypoints3d && c.calibratedCameras.includes(camera));
    try {
      const replies = await turn.wait(
        Promise.all([
          Promise.all(kinds.map((kind) => this.loadImage(camera, kind, frame))),
          wantsKeypoints ? host.request('keypoints', { camera, frame }) : Promise.resolve(null),
        ]),
      );
      if (replies === STALE) return;
      const [images, overlay] = replies;
      const base = images[0];
      if (!base || images.some((i) => i === null)) {
        this.imageCanvas.width = this.imageCanvas.height = 0;
        this.lastImage = null;
        this.detailInfo.textContent = `No ${base ? 'mask' : MODE_LABEL[kinds[0]!].toLowerCase()} image for frame ${frame}`;
      } else {
        // Resizing a canvas reallocates it (20 MB at 2448×2048): only when the size changes.
        if (this.imageCanvas.width !== base.width || this.imageCanvas.height !== base.height) {
          this.imageCanvas.width = base.width;
          this.imageCanvas.height = base.height;
        }
        drawLayers(this.imageCanvas, images as ImageBitmap[]);
        this.lastImage = { width: base.width, height: base.height };
        this.detailInfo.textContent = `${base.width} × ${base.height} · frame ${frame}`;
      }
      this.lastOverlay = overlay;
      this.updateLegend(camera, overlay);
      this.layoutDetail();
      this.renderPoints();
      this.detail.dataset.loadedFrame = String(frame);
      this.detail.dataset.camera = camera;
    } catch (err) {
      this.detailInfo.textContent = `Could not show this image: ${(err as Error)?.message ?? err}`;
      return;
    }
    // Stepping on is the common next move: once the user has looked at this frame for a moment,
    // decode the next one in the direction of travel (one only, and not at once, so that a jump
    // elsewhere does not queue behind decodes it does not need).
    const next = frame + (frame < this.lastDetailFrame ? -1 : 1);
    this.lastDetailFrame = frame;
    clearTimeout(this.prefetchTimer);
    this.prefetchTimer = window.setTimeout(() => {
      if (!turn.current || next < 0 || next >= playback.frameCount || state.get('camera') !== camera) return;
      for (const kind of kinds) void this.loadImage(camera, kind, next).catch(() => undefined);
    }, PREFETCH_DELAY_MS);
  }

  private updateLegend(camera: string, kp: SmcKeypointOverlay | null): void {
    const parts: (HTMLElement | string)[] = [];
    if (!kp) {
      this.legend.replaceChildren();
      return;
    }
    const count = (a: Float32Array | null) => (a ? a.length / 2 : 0);
    parts.push(
      el(
        'span',
        { class: 'legend-detected' },
        '● ',
        kp.detected ? `detected 2D (${count(kp.detected)})` : `no 2D landmarks for camera ${camera} in this frame`,
      ),
      el('span', { class: 'legend-projected' }, '✕ ', kp.projected ? `projected 3D (${count(kp.projected)})` : 'no 3D landmarks or calibration'),
    );
    if (kp.meanError !== null) {
      parts.push(el('span', { id: 'reprojection-error', class: 'legend-error' }, `mean reprojection error ${kp.meanError.toFixed(2)} px`));
    }
    this.legend.replaceChildren(...parts);
  }

  private renderPoints(): void {
    const kp = this.lastOverlay;
    this.pointsSection.hidden = !kp;
    if (!kp || !this.pointsSection.open) return;
    const n = Math.max(kp.detected?.length ?? 0, kp.projected?.length ?? 0) / 2;
    const v = (a: Float32Array | null, i: number) => (a && i < a.length && Number.isFinite(a[i]!) ? a[i]!.toFixed(2) : '—');
    const rows = Array.from({ length: n }, (_, i) => {
      const d = kp.detected;
      const p = kp.projected;
      const dist = d && p ? Math.hypot(d[2 * i]! - p[2 * i]!, d[2 * i + 1]! - p[2 * i + 1]!) : Number.NaN;
      return [String(i), v(d, 2 * i), v(d, 2 * i + 1), v(p, 2 * i), v(p, 2 * i + 1), Number.isFinite(dist) ? dist.toFixed(2) : '—'];
    });
    this.pointsBody.replaceChildren(table(['#', 'Detected x', 'Detected y', 'Projected x', 'Projected y', 'Distance'], rows, { id: 'landmark-table' }));
  }

  /** The overlay canvas matches the image's on-screen size, so marks keep their size at any zoom. */
  private redrawOverlay(): void {
    const img = this.lastImage;
    const canvas = this.overlayCanvas;
    const shown = this.imageCanvas.getBoundingClientRect();
    if (!img || shown.width === 0) {
      canvas.width = canvas.height = 0;
      return;
    }
    const dpr = window.devicePixelRatio;
    const width = Math.round(shown.width * dpr);
    const height = Math.round(shown.height * dpr);
    // Called on every frame shown: reallocate the canvas only when the image's on-screen size changed.
    if (canvas.width !== width || canvas.height !== height) {
      canvas.width = width;
      canvas.height = height;
    }
    canvas.style.width = `${shown.width}px`;
    canvas.style.height = `${shown.height}px`;
    if (!this.lastOverlay) {
      canvas.getContext('2d')!.clearRect(0, 0, width, height);
      return;
    }
    const { state } = this.ctx;
    drawKeypoints(canvas, this.lastOverlay, { detected: state.get('showDetected'), projected: state.get('showProjected') }, shown.width / img.width);
  }
}
