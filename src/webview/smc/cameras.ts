import '@vscode-elements/elements/dist/vscode-radio-group/index.js';
import '@vscode-elements/elements/dist/vscode-radio/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-collapsible/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import type { SmcImageKind, SmcKeypointOverlay } from '../../protocol/smcProtocol';
import { el } from '../common/dom';
import { errorText } from '../common/errorText';
import { LatestOnly, STALE } from '../common/latestReply';
import { table } from '../common/table';
import type { ImageMode, SmcContext } from './context';
import { ComparePane } from './comparePane';
import { ImagePane } from './imagePane';
import { TileGrid } from './imageTiles';
import { drawKeypoints } from './keypointOverlay';
import { detectedLegend, projectedLegend } from './landmarkLegend';
import { SharedZoom } from './zoomPan';
import { MeshOverlay } from './meshOverlay';
import { ReprojectionTable } from './reprojectionTable';

const MODE_LABEL: Record<ImageMode, string> = { color: 'Colour', mask: 'Mask', overlay: 'Colour + mask' };
/** Cameras shown side by side in the detail view. */
const COMPARE_COUNTS = [1, 2, 4] as const;
/** Room kept above the detail view for the tab bar that stays at the top. */
const STICKY_TABS_HEIGHT = 40;
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
  /** The large image at image resolution (what exports record). */
  readonly imageCanvas: HTMLCanvasElement;
  private readonly overlayCanvas: HTMLCanvasElement;
  /**
   * The large image and its overlays, zoomed and panned as one (see ImagePane): a canvas appended
   * here, absolutely placed at the top-left, follows the image.
   */
  readonly stage: HTMLElement;
  private readonly pane: ImagePane;
  /** One zoom for the large image and the cameras beside it. */
  private readonly zoom = new SharedZoom();
  private readonly panes: HTMLElement;
  private compare: ComparePane[] = [];
  /** "Actual size" was on when the view was last open: applied once an image is there. */
  private pendingActualSize = false;
  private readonly legend: HTMLElement;
  private readonly keypointControls: HTMLElement;
  /** FLAME and scan projected onto the large image (projection helper's module). */
  private readonly meshes: MeshOverlay;
  private readonly reprojection: ReprojectionTable;
  /** The landmarks as numbers, built only while its section is open (106 rows per frame). */
  private readonly pointsSection: HTMLElement & { open: boolean };
  private readonly pointsBody: HTMLElement;
  private readonly modes: ImageMode[];
  private visible = false;
  /** The grid or the large image shows the frame and camera asked for last (one turn for both). */
  private readonly latest = new LatestOnly();
  private lastOverlay: SmcKeypointOverlay | null = null;
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
    this.meshes = new MeshOverlay(ctx, () => this.redrawOverlay());
    this.reprojection = new ReprojectionTable(ctx, (id) => this.open(id));

    const back = el('vscode-button', { secondary: true, icon: 'arrow-left', id: 'camera-back' }, 'All cameras');
    back.addEventListener('click', () => this.open(null));
    const prev = el('vscode-button', { secondary: true, icon: 'chevron-left', id: 'camera-prev', title: 'Previous camera ([)' });
    prev.addEventListener('click', () => this.stepCamera(-1));
    const next = el('vscode-button', { secondary: true, icon: 'chevron-right', id: 'camera-next', title: 'Next camera (])' });
    next.addEventListener('click', () => this.stepCamera(1));
    const zoom = el('vscode-button', { secondary: true, id: 'camera-zoom' });
    // Fit resets any wheel zoom and pan; "Actual size" shows one image pixel per device pixel.
    const setZoomLabel = () => {
      const fit = this.zoom.isFit;
      zoom.textContent = fit ? 'Actual size' : 'Fit to window';
      zoom.setAttribute('icon', fit ? 'screen-full' : 'screen-normal');
      ctx.state.set({ zoom: fit ? 'fit' : 'actual' });
    };
    this.pendingActualSize = ctx.state.get('zoom') === 'actual';
    zoom.addEventListener('click', () => {
      if (this.zoom.isFit) this.actualSize();
      else this.zoom.reset();
    });
    this.zoom.onChange(setZoomLabel);
    setZoomLabel();
    const layout = el(
      'vscode-single-select',
      { id: 'camera-compare', 'aria-label': 'Cameras side by side', title: 'Cameras side by side at the same frame' },
      ...COMPARE_COUNTS.map((n) => el('vscode-option', { value: String(n), selected: n === ctx.state.get('compare') }, n === 1 ? '1 camera' : `${n} cameras`)),
    ) as HTMLElement & { value: string };
    layout.addEventListener('change', () => {
      ctx.state.set({ compare: Number(layout.value) as 1 | 2 | 4 });
      this.buildCompare();
      if (this.visible) void this.refresh();
    });

    this.detailTitle = el('h2', { id: 'camera-title' });
    this.detailInfo = el('span', { class: 'detail-info', id: 'camera-image-info' });
    this.overlayCanvas = el('canvas', { class: 'detail-overlay', id: 'camera-overlay', 'aria-hidden': 'true' });
    this.pane = new ImagePane(this.zoom, { image: 'camera-image', readout: 'pixel-readout' }, this.overlayCanvas);
    this.pane.onTransform(() => this.redrawOverlay());
    this.imageCanvas = this.pane.imageCanvas;
    this.stage = this.pane.stage;
    this.stage.insertBefore(this.meshes.canvas, this.overlayCanvas);
    this.panes = el(
      'div',
      { class: 'camera-panes', id: 'camera-panes' },
      el('div', { class: 'compare-pane main-pane' }, el('div', { class: 'pane-caption' }, this.pane.readout), this.pane.viewport),
    );
    this.legend = el('div', { class: 'keypoint-legend', id: 'keypoint-legend' });
    this.pointsBody = el('div', { class: 'landmark-table' });
    this.pointsSection = el('vscode-collapsible', { heading: 'Landmark coordinates (pixels)', id: 'landmarks', class: 'landmarks' }, this.pointsBody);
    this.pointsSection.addEventListener('vsc-collapsible-toggle', () => this.renderPoints());
    this.detail = el(
      'section',
      { class: 'camera-detail', id: 'camera-detail', hidden: true },
      el('div', { class: 'toolbar' }, back, prev, next, this.detailTitle, this.detailInfo, el('span', { class: 'spacer' }), layout, zoom),
      this.legend,
      this.panes,
      this.pointsSection,
    );
    new ResizeObserver(() => this.layoutDetail()).observe(this.detail);
    window.addEventListener('resize', () => this.layoutDetail());
    this.element = el(
      'section',
      { class: 'cameras-view' },
      el('div', { class: 'toolbar' }, modeGroup, this.keypointControls, this.meshes.controls),
      this.modes.length === 0 ? el('p', { class: 'note' }, 'This performance holds no colour images or masks.') : null,
      this.grid.element,
      this.detail,
      this.reprojection.element,
    );
    document.addEventListener('keydown', (e) => {
      if (!this.visible || !ctx.state.get('camera') || e.defaultPrevented) return;
      if (e.key === 'Escape') this.open(null);
      else if (e.key === '[' || e.key === ']') this.stepCamera(e.key === '[' ? -1 : 1);
      else return;
      e.preventDefault();
    });
    this.buildCompare();
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
    // Opened from a tile far down the grid, the image would start above the window: bring it up
    // (below the sticky tab bar).
    const top = this.detail.getBoundingClientRect().top;
    if (camera !== null && top < 0) window.scrollBy(0, top - STICKY_TABS_HEIGHT);
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
    this.meshes.controls.hidden = !this.meshes.applies(camera);
    this.layoutDetail();
  }

  /** One image pixel per device pixel, from the top-left corner (the wheel zooms on from there). */
  private actualSize(): void {
    const img = this.pane.image;
    const fit = this.pane.fitSize;
    if (!img || fit.width === 0) return;
    this.zoom.set({ scale: img.width / window.devicePixelRatio / fit.width, tx: 0, ty: 0 });
  }

  /** The cameras shown beside the large one: the next ones in camera order unless picked before. */
  private buildCompare(): void {
    const ids = this.ctx.contents.cameras.map((c) => c.id);
    const count = this.ctx.state.get('compare');
    const saved = this.ctx.state.get('compareCameras');
    const current = this.ctx.state.get('camera') ?? ids[0] ?? '';
    const start = Math.max(0, ids.indexOf(current));
    for (const p of this.compare) p.pane.dispose();
    this.compare = Array.from({ length: Math.min(count, ids.length) - 1 }, (_, i) => {
      const camera = saved[i] && ids.includes(saved[i]) ? saved[i] : ids[(start + i + 1) % ids.length]!;
      return new ComparePane(i + 1, ids, camera, this.zoom, (picked) => {
        const cams = this.compare.map((p) => p.camera);
        cams[i] = picked;
        this.ctx.state.set({ compareCameras: cams });
        if (this.visible) void this.refresh();
      });
    });
    this.panes.replaceChildren(this.panes.firstElementChild!, ...this.compare.map((p) => p.element));
    this.panes.dataset.count = String(this.compare.length + 1);
    this.layoutDetail();
  }

  /** Every image as large as the editor allows side by side (small images are enlarged too). */
  private layoutDetail(): void {
    const img = this.pane.image ?? this.compare.find((p) => p.pane.image)?.pane.image;
    if (!img || this.detail.hidden) return;
    const count = this.compare.length + 1;
    const cols = count === 1 ? 1 : 2;
    const rows = count > 2 ? 2 : 1;
    const gap = 8;
    const caption = count > 1 ? 30 : 22;
    const width = (this.detail.clientWidth - gap * (cols - 1)) / cols;
    const top = this.panes.getBoundingClientRect().top + window.scrollY;
    const height = Math.max(180, (window.innerHeight - top - 80) / rows - caption);
    const scale = Math.min(width / img.width, height / img.height);
    for (const p of [this.pane, ...this.compare.map((c) => c.pane)]) p.layout(scale);
  }

  private kinds(): SmcImageKind[] {
    const mode = this.ctx.state.get('mode');
    return mode === 'overlay' ? ['color', 'mask'] : [mode];
  }

  private refresh(): Promise<void> {
    const camera = this.ctx.state.get('camera');
    void this.reprojection.update();
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
      const others = this.compare.map((p) => p.camera);
      const replies = await turn.wait(
        Promise.all([
          Promise.all(kinds.map((kind) => this.loadImage(camera, kind, frame))),
          wantsKeypoints ? host.request('keypoints', { camera, frame }) : Promise.resolve(null),
          Promise.all(others.map((cam) => Promise.all(kinds.map((kind) => this.loadImage(cam, kind, frame))).catch((err: unknown) => err as Error))),
          this.meshes.fetch(camera, frame),
        ]),
      );
      if (replies === STALE) return;
      const [images, overlay, compared, meshes] = replies;
      this.meshes.set(meshes);
      const base = images[0];
      if (!base || images.some((i) => i === null)) {
        this.pane.clear();
        this.detailInfo.textContent = `No ${base ? 'mask' : MODE_LABEL[kinds[0]!].toLowerCase()} image for frame ${frame}`;
      } else {
        this.pane.show(kinds.map((kind, i) => ({ kind, bitmap: images[i]! })));
        this.detailInfo.textContent = `${base.width} × ${base.height} · frame ${frame}`;
      }
      this.compare.forEach((p, i) => p.draw(others[i]!, frame, kinds, compared[i]!));
      this.lastOverlay = overlay;
      this.updateLegend(camera, frame, overlay);
      this.layoutDetail();
      if (this.pendingActualSize && this.pane.image) {
        this.pendingActualSize = false;
        this.actualSize();
      }
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

  private updateLegend(camera: string, frame: number, kp: SmcKeypointOverlay | null): void {
    if (!kp) {
      this.legend.replaceChildren(this.meshes.legend);
      return;
    }
    this.legend.replaceChildren(
      el('span', { class: 'legend-detected', id: 'legend-detected' }, '● ', detectedLegend(kp, camera, frame)),
      el('span', { class: 'legend-projected', id: 'legend-projected' }, '✕ ', projectedLegend(kp, camera, this.ctx.contents.hasKeypoints3d)),
    );
    if (kp.meanError !== null) {
      this.legend.append(el('span', { id: 'reprojection-error', class: 'legend-error' }, `mean reprojection error ${kp.meanError.toFixed(2)} px`));
    }
    this.legend.append(this.meshes.legend);
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

  /**
   * The landmarks over the image, as large as the image at fit and sharp at the current zoom (see
   * ImagePane.overlayResolution), so marks keep their on-screen size at any zoom.
   */
  private redrawOverlay(): void {
    const img = this.pane.image;
    const canvas = this.overlayCanvas;
    const fit = this.pane.fitSize;
    if (!img || fit.width === 0) {
      canvas.width = canvas.height = 0;
      this.meshes.draw(0, 0, 0, 1);
      return;
    }
    const resolution = this.pane.overlayResolution;
    const width = Math.round(fit.width * resolution);
    const height = Math.round(fit.height * resolution);
    this.meshes.draw(width, height, (fit.width / img.width) * resolution, window.devicePixelRatio);
    // Called on every frame shown: reallocate the canvas only when its size changed.
    if (canvas.width !== width || canvas.height !== height) {
      canvas.width = width;
      canvas.height = height;
    }
    if (!this.lastOverlay) {
      canvas.getContext('2d')!.clearRect(0, 0, width, height);
      return;
    }
    const { state } = this.ctx;
    drawKeypoints(
      canvas,
      this.lastOverlay,
      { detected: state.get('showDetected'), projected: state.get('showProjected') },
      ((fit.width / img.width) * resolution) / window.devicePixelRatio,
    );
  }
}
