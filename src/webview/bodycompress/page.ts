import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { RpcEndpoint } from '../../protocol/rpc';
import type {
  BodyCompressFrame,
  BodyCompressHostEvents,
  BodyCompressIndexState,
  BodyCompressOpened,
  BodyCompressRequests,
} from '../../protocol/bodyCompressProtocol';
import { formatBytes } from '../../core/formatBytes';
import { el, markWhenPainted, render } from '../common/dom';
import { Timeline } from '../common/timeline';
import { ViewState } from '../common/viewState';
import { BodyScene, type DisplayOptions } from './bodyScene';
import { colorLegend, scaleMax } from './colorMap';
import { FrameLoader } from './frameLoader';
import { Inspector } from './inspector';
import { DEFAULT_VIEW_STATE, type BodyCompressViewState } from './state';

export type BodyCompressHost = RpcEndpoint<BodyCompressRequests, Record<never, never>, Record<never, never>, BodyCompressHostEvents>;

type Toggle = 'mesh' | 'joints' | 'skeleton' | 'uncertainty' | 'camera' | 'throughCamera' | 'grid';
type Checkbox = HTMLElement & { checked: boolean; disabled: boolean };

/** Saving the frame on every step of playback would post 30 messages a second; a pause suffices. */
const SAVE_FRAME_DELAY_MS = 300;
/** How often the people chart is brought up to date while the file is indexed. */
const CHART_REFRESH_MS = 1000;
/** Frame requests on their way at once while playing (more only queue up in the channel). */
const PLAY_IN_FLIGHT = 3;
/** While playing, the inspector follows at this interval (rebuilding its tables 30 times a second would cost frames). */
const INSPECTOR_PLAYING_MS = 250;
/** While indexing runs, the file's facts follow at this interval. */
const SUMMARY_INDEXING_MS = 500;

const n = (v: number) => v.toLocaleString('en-US');

/**
 * The BodyCompress editor page: 3D view with its display toggles and people list, the inspector,
 * and the timeline (docked at the bottom) whose reachable part grows as the host indexes the file.
 * Frames are fetched one at a time; while one is on its way, newer requests replace older ones,
 * and playback asks a few frames ahead.
 */
export class BodyCompressPage {
  private readonly state = new ViewState<BodyCompressViewState>(DEFAULT_VIEW_STATE);
  private readonly scene: BodyScene;
  private readonly inspector: Inspector;
  private readonly timeline: Timeline | null = null;
  private readonly timelineBar: HTMLElement | null = null;
  private readonly loader: FrameLoader;
  private readonly toggles = new Map<Toggle, Checkbox>();
  private readonly persons = el('div', { class: 'person-toggles', id: 'persons', role: 'group', 'aria-label': 'People' });
  private readonly legend = el('div', { class: 'legend-box', id: 'uncertainty-legend' });
  private readonly banners = el('div', { class: 'banners' });
  private readonly status = el('span', { class: 'detail-info', id: 'view-status', role: 'status' });
  private readonly indexStatus = el('span', { class: 'index-status', id: 'index-status' });
  private index: BodyCompressIndexState;
  private current: BodyCompressFrame | null = null;
  private uncertaintyMax: number | null = null;
  private facesAskedFor = 0;
  private facesStatus: 'none' | 'ok' | 'error' = 'none';
  private wanted: number | null = null;
  private loading: Promise<void> | null = null;
  private fitted = false;
  private restoreFrame: number | null = null;
  /** Playback: the last frame asked for ahead. */
  private playRequested = -1;
  private personSlots = 0;
  private saveTimer: number | undefined;
  private chartTimer: number | undefined;
  private chartLoading = false;
  private inspectorTimer: number | undefined;
  private summaryShownAt = 0;
  private disposed = false;

  constructor(
    private readonly host: BodyCompressHost,
    private readonly o: BodyCompressOpened,
  ) {
    this.index = o.index;
    this.loader = new FrameLoader((frame, uncertainties) => host.request('frame', { frame, uncertainties }), this.state.get('uncertainty'));
    this.scene = new BodyScene(o.worldUp);
    this.inspector = new Inspector(o, (f) => this.timeline?.seek(f), this.state.get('metadataOpen'), (open) => this.state.set({ metadataOpen: open }));
    const frameCount = this.frameCount();
    if (frameCount > 0) {
      const saved = this.state.get('frame');
      this.timeline = new Timeline({
        frameCount,
        fps: o.fps,
        frame: saved,
        speed: this.state.get('speed'),
        loop: this.state.get('loop'),
        available: this.available(),
      });
      // A saved frame beyond what is indexed yet (after a reload): go there once it is.
      if (saved > this.timeline.frame) this.restoreFrame = saved;
      this.timeline.onFrame((f) => this.onFrame(f));
      this.timeline.onStateChange(() => {
        this.state.set({ speed: this.timeline!.speed, loop: this.timeline!.loop, frame: this.timeline!.frame });
        // Paused: show exactly the frame the timeline stopped at.
        if (!this.timeline!.playing) void this.onFrame(this.timeline!.frame);
      });
      this.timelineBar = el('div', { class: 'timeline-bar', id: 'timeline' }, this.timeline.element, this.gotoField(), this.indexStatus);
    }
    // The inspector's tables and tree take longer to lay out than the 3D view: they join once the
    // first frame is on screen.
    const inspectorSlot = el('aside', { class: 'inspector' });
    render(this.header(), this.banners, el('div', { class: 'bc-main' }, this.viewPane(), inspectorSlot));
    requestAnimationFrame(() => setTimeout(() => !this.disposed && inspectorSlot.replaceWith(this.inspector.element), 0));
    if (this.timelineBar) {
      document.body.append(this.timelineBar);
      document.body.classList.add('with-timeline');
    }
    this.scene.scene3d.onViewChange(() => {
      this.scene.autoFit = false;
      this.state.set({ view3d: this.scene.scene3d.view });
    });
    if (o.firstFrameError) this.banner('first-frame-error', o.firstFrameError);
    else if (!o.firstFrame) this.banner('no-frames', 'This file holds no frames.', 'warning');
    if (o.firstFrame) this.loader.put(o.firstFrame);
    this.setIndex(o.index);
    const start = this.timeline?.frame ?? 0;
    if (o.firstFrame && start === 0) {
      this.draw(o.firstFrame);
      markWhenPainted('bodycompress-first-frame-painted');
    } else if (this.timeline) {
      void Promise.resolve(this.onFrame(start)).then(() => markWhenPainted('bodycompress-first-frame-painted'));
    }
  }

  /** Index progress from the host: more frames reachable, the final count, the people chart. */
  setIndex(s: BodyCompressIndexState): void {
    this.index = s;
    const t = this.timeline;
    if (t) {
      if (s.done || s.frames > t.frameCount) t.setFrameCount(this.frameCount());
      t.setAvailable(this.available());
      if (this.restoreFrame !== null && this.restoreFrame < this.available()) {
        t.seek(this.restoreFrame);
        this.restoreFrame = null;
      }
    }
    // The summary table is rebuilt a few times a second at most while indexing runs.
    const now = performance.now();
    if (s.done || now - this.summaryShownAt > SUMMARY_INDEXING_MS) {
      this.summaryShownAt = now;
      this.inspector.setIndex(s);
    }
    this.indexStatus.textContent = s.done ? '' : `Indexing: ${n(s.frames)} frames (${Math.floor(s.fraction * 100)} %)`;
    this.indexStatus.hidden = s.done;
    if (s.error) this.banner('truncation-banner', `${s.error}. Frames 0–${n(Math.max(0, s.frames - 1))} are shown.`);
    this.updatePersonToggles();
    if (s.done) {
      clearTimeout(this.chartTimer);
      this.chartTimer = undefined;
      void this.refreshChart();
    } else {
      this.chartTimer ??= window.setTimeout(() => {
        this.chartTimer = undefined;
        void this.refreshChart();
      }, this.inspector.countedFrames === 0 ? 0 : CHART_REFRESH_MS);
    }
  }

  /** The template faces setting changed: ask again for the bodies shown. */
  refreshFaces(): void {
    this.facesAskedFor = 0;
    if (this.current) void this.checkFaces(this.current);
  }

  /** Saves a PNG of the 3D view (the host asks where). */
  async screenshot(): Promise<void> {
    if (!this.scene.scene3d.ok) {
      this.status.textContent = 'No screenshot: the 3D view is unavailable in this window.';
      return;
    }
    try {
      const png = await this.scene.scene3d.toPng();
      const { saved } = await this.host.request('saveScreenshot', { png, frame: this.current?.index ?? 0 });
      this.status.textContent = saved ? `Saved ${saved}` : '';
    } catch (err) {
      this.status.textContent = `The screenshot was not saved: ${(err as Error)?.message ?? err}`;
    }
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.saveTimer);
    clearTimeout(this.chartTimer);
    clearTimeout(this.inspectorTimer);
    this.timeline?.pause();
    this.timelineBar?.remove();
    document.body.classList.remove('with-timeline');
    this.scene.dispose();
  }

  // ----------------------------------------------------------------------------------------------

  /** Frames on the timeline: the final count once indexed, else the header's (or what is indexed). */
  private frameCount(): number {
    const first = this.o.firstFrame ? 1 : 0;
    if (this.index.done) return Math.max(this.index.frames, first);
    return Math.max(this.o.length ?? 0, this.index.frames, first);
  }

  private available(): number {
    return Math.max(this.index.frames, this.o.firstFrame ? 1 : 0);
  }

  /**
   * Shows frame `f`. Stepping and scrubbing: returns when it is drawn (or failed). Playing: never
   * waits; draws the newest frame that has arrived up to `f`, and keeps asking ahead for the
   * frames that will be due when the answers arrive, so playback keeps real time and drops frames
   * when they cannot come fast enough.
   */
  private onFrame(f: number): Promise<void> | void {
    clearTimeout(this.saveTimer);
    this.saveTimer = window.setTimeout(() => this.state.set({ frame: f }), SAVE_FRAME_DELAY_MS);
    if (this.timeline?.playing) return this.playFrame(f, this.timeline);
    const cached = this.loader.cached(f);
    if (cached && !this.loading) {
      this.draw(cached);
      return Promise.resolve();
    }
    this.wanted = f;
    this.loading ??= this.loadWanted().finally(() => {
      this.loading = null;
      if (this.wanted !== null && !this.disposed) void this.onFrame(this.wanted);
    });
    return this.loading;
  }

  private playFrame(f: number, t: Timeline): void {
    const drawn = this.current?.index ?? -1;
    // Time went back (a loop, or a jump while playing): start over from there.
    if (f < drawn || f < this.playRequested - 2 * t.fps) this.playRequested = f - 1;
    const ready = this.loader.latestCached(f < drawn ? 0 : drawn + 1, f);
    if (ready && !this.loading) this.draw(ready);
    else if (!ready && !this.current) this.loader.prefetch(f);
    // Ask for what will be due when the answer arrives, spaced so that what arrives can be shown.
    const perFrameMs = 1000 / (t.fps * t.speed);
    const lead = Math.ceil(this.loader.latencyMs / perFrameMs);
    const stride = Math.max(1, Math.ceil(this.loader.latencyMs / PLAY_IN_FLIGHT / perFrameMs));
    for (let k = 0; k < 2 * PLAY_IN_FLIGHT && this.loader.pending < PLAY_IN_FLIGHT; k++) {
      let next = Math.max(f + lead, this.playRequested + stride);
      if (next >= t.available) {
        // Past the end: from the start again when looping over a fully indexed file, else stop asking.
        if (!t.loop || t.available < t.frameCount) break;
        next %= t.available;
      }
      this.playRequested = next;
      this.loader.prefetch(next);
    }
  }

  /** Fetches the newest wanted frame until none is left (frames wanted meanwhile replace each other). */
  private async loadWanted(): Promise<void> {
    while (this.wanted !== null && !this.disposed) {
      const f = this.wanted;
      this.wanted = null;
      try {
        const frame = await this.loader.get(f);
        if (!this.disposed) this.draw(frame);
      } catch (err) {
        if (!this.disposed && this.wanted === null) this.inspector.setFrameError(f, (err as Error)?.message ?? String(err));
      }
    }
  }

  private draw(f: BodyCompressFrame): void {
    this.current = f;
    if (this.state.get('uncertainty') && this.uncertaintyMax === null) this.initUncertaintyScale(f);
    this.scene.show(f, this.displayOptions(), this.uncertaintyMax ?? 0.1);
    this.updateInspector();
    if (f.vertexCount > 0 && f.vertexCount !== this.facesAskedFor) void this.checkFaces(f);
    this.updateToggleStates(f);
    if (f.persons.length > this.personSlots) this.updatePersonToggles();
    if (!this.fitted && f.persons.some((p) => p.vertices?.length)) {
      this.fitted = true;
      const saved = this.state.get('view3d');
      if (saved) this.scene.scene3d.view = saved;
      else this.scene.fit();
    }
  }

  /** The inspector shows the frame drawn: at once, or a few times a second while playing. */
  private updateInspector(): void {
    if (!this.timeline?.playing) {
      clearTimeout(this.inspectorTimer);
      this.inspectorTimer = undefined;
      if (this.current) this.inspector.setFrame(this.current, this.o.fps);
      return;
    }
    this.inspectorTimer ??= window.setTimeout(() => {
      this.inspectorTimer = undefined;
      if (this.current && !this.disposed) this.inspector.setFrame(this.current, this.o.fps);
    }, INSPECTOR_PLAYING_MS);
  }

  private redraw(): void {
    if (this.current) this.scene.show(this.current, this.displayOptions(), this.uncertaintyMax ?? 0.1);
  }

  private displayOptions(): DisplayOptions {
    const s = this.state;
    return {
      mesh: s.get('mesh'),
      joints: s.get('joints'),
      skeleton: s.get('skeleton'),
      uncertainty: s.get('uncertainty') && this.uncertaintyMax !== null,
      camera: s.get('camera'),
      throughCamera: s.get('throughCamera'),
      grid: s.get('grid'),
      hidden: new Set(s.get('hidden')),
    };
  }

  /** Asks the host for template faces for this vertex count; a mismatch is explained, points are shown. */
  private async checkFaces(f: BodyCompressFrame): Promise<void> {
    const vertexCount = f.vertexCount;
    this.facesAskedFor = vertexCount;
    this.removeBanner('faces-warning');
    try {
      const faces = await this.host.request('faces', { vertexCount });
      if (this.disposed || this.facesAskedFor !== vertexCount) return;
      this.facesStatus = faces.status;
      this.scene.setFaces(vertexCount, faces.status === 'ok' ? faces.indices : null);
      if (faces.status === 'error') {
        this.banner('faces-warning', `The template faces for ${n(vertexCount)}-vertex bodies cannot be used, so the bodies are shown as points: ${faces.message}`, 'warning');
      }
    } catch (err) {
      this.facesStatus = 'error';
      this.scene.setFaces(vertexCount, null);
      this.banner('faces-warning', `Template faces could not be loaded: ${(err as Error)?.message ?? err}`, 'warning');
    }
    if (this.current) this.updateToggleStates(this.current);
    this.redraw();
  }

  /** The colour scale is fixed on the first frame with uncertainties, so colours compare across frames. */
  private initUncertaintyScale(f: BodyCompressFrame): void {
    const parts = f.persons.map((p) => p.vertexUncertainties).filter((u): u is Float32Array => !!u);
    if (parts.length === 0) return;
    const all = new Float32Array(parts.reduce((s, u) => s + u.length, 0));
    let o = 0;
    for (const u of parts) {
      all.set(u, o);
      o += u.length;
    }
    this.uncertaintyMax = scaleMax(all);
    const mm = (m: number) => `${Number((m * 1000).toPrecision(3))} mm`;
    this.legend.replaceChildren(colorLegend('Vertex uncertainty', mm(0), mm(this.uncertaintyMax)));
  }

  private header(): HTMLElement {
    const o = this.o;
    const facts = [`BodyCompress ${o.version ? `v${o.version.join('.')}` : 'v0.1 (legacy)'}`, `${o.fps} fps`, formatBytes(o.fileSize)];
    return el('header', { class: 'page-header' }, el('h1', {}, o.fileName), el('p', { class: 'subtitle' }, facts.join(' · ')));
  }

  private viewPane(): HTMLElement {
    const toggle = (key: Toggle, label: string, title?: string) => {
      const box = el('vscode-checkbox', { label, checked: this.state.get(key), id: `show-${key}`, title }) as Checkbox;
      box.addEventListener('change', () => {
        this.state.set({ [key]: box.checked } as Partial<BodyCompressViewState>);
        if (key === 'uncertainty') {
          this.loader.setUncertainties(box.checked);
          this.legend.hidden = !box.checked;
          if (box.checked && this.current && this.uncertaintyMax === null) {
            // The frame shown may lack uncertainties (they are fetched only while needed).
            const at = this.current.index;
            void this.loader.get(at).then((f) => this.current?.index === at && this.draw(f));
            return;
          }
        }
        if (key === 'throughCamera' && !box.checked) this.scene.scene3d.lookThrough(null);
        this.redraw();
      });
      this.toggles.set(key, box);
      return box;
    };
    const button = (id: string, icon: string, label: string, title: string, action: () => void) => {
      const b = el('vscode-button', { id, icon, secondary: true, title }, label);
      b.addEventListener('click', action);
      return b;
    };
    this.legend.hidden = !this.state.get('uncertainty');
    const frame = () => this.current?.index ?? this.timeline?.frame ?? 0;
    return el(
      'section',
      { class: 'bc-view', 'aria-label': '3D view' },
      el(
        'div',
        { class: 'toolbar' },
        toggle('mesh', 'Mesh', 'Shaded mesh (needs template faces: Set Template Faces…)'),
        toggle('joints', 'Joints'),
        toggle('skeleton', 'Skeleton', 'Bones of the SMPL 24-joint tree'),
        toggle('uncertainty', 'Uncertainty', 'Colour vertices by their uncertainty'),
        toggle('camera', 'Camera', "The frame's camera as a frustum"),
        toggle('throughCamera', 'Through camera', "Look through the frame's camera"),
        toggle('grid', 'Grid'),
        el('span', { class: 'spacer' }),
        button('fit-view', 'screen-full', 'Fit', 'Fit the view to the people shown', () => {
          this.toggles.get('throughCamera')!.checked = false;
          this.state.set({ throughCamera: false });
          this.scene.scene3d.lookThrough(null);
          this.redraw();
          this.scene.fit();
        }),
        button('screenshot', 'device-camera', 'Screenshot', 'Save the 3D view as a PNG', () => void this.screenshot()),
        button('export-frame', 'export', 'Export frame…', 'Export this frame (npz, ply or obj)', () =>
          void this.host.request('exportFrames', { start: frame(), end: frame() + 1 }),
        ),
        button('export-frames', 'export', 'Export…', 'Export a range of frames (npz, ply or obj)', () => void this.host.request('exportFrames', { start: 0, end: null })),
      ),
      el('div', { class: 'toolbar' }, this.persons, el('span', { class: 'spacer' }), this.legend, this.status),
      this.scene.element,
      el('p', { class: 'note scene3d-help' }, 'Drag to orbit, right-drag to pan, scroll to zoom. Space plays, Left/Right step, Home/End jump.'),
    );
  }

  /** Enables only the toggles the frame can use, and says why the others are off. */
  private updateToggleStates(f: BodyCompressFrame): void {
    const set = (key: Toggle, enabled: boolean) => {
      const box = this.toggles.get(key);
      if (box) box.disabled = !enabled;
    };
    set('mesh', this.facesStatus === 'ok');
    set('skeleton', f.jointCount === 24);
    set('uncertainty', f.keys.some((k) => k.key === 'vertex_uncertainties'));
    set('camera', f.camera !== null);
    set('throughCamera', f.camera !== null);
  }

  /** A checkbox per person slot (as many as the most people in one frame), coloured like the 3D view. */
  private updatePersonToggles(): void {
    const slots = Math.max(this.index.maxPersons, this.current?.persons.length ?? 0);
    if (slots === this.personSlots) return;
    this.personSlots = slots;
    const hidden = new Set(this.state.get('hidden'));
    const boxes = Array.from({ length: slots }, (_, i) => {
      const box = el(
        'vscode-checkbox',
        { id: `person-${i}`, checked: !hidden.has(i), title: `Show person ${i + 1} (slot ${i} of each frame)` },
        el('span', { class: `person-swatch slot-${i % 6}`, 'aria-hidden': 'true' }),
        `Person ${i + 1}`,
      ) as Checkbox;
      box.addEventListener('change', () => {
        const h = new Set(this.state.get('hidden'));
        if (box.checked) h.delete(i);
        else h.add(i);
        this.state.set({ hidden: [...h].sort((a, b) => a - b) });
        this.redraw();
      });
      return box;
    });
    this.persons.replaceChildren(...(slots ? [el('span', { class: 'detail-info' }, 'People:'), ...boxes] : [el('span', { class: 'detail-info' }, 'No people in the frames indexed so far')]));
  }

  private gotoField(): HTMLElement {
    const field = el('vscode-textfield', { id: 'goto-frame', type: 'number', min: 0, placeholder: 'Go to frame', 'aria-label': 'Go to frame' }) as HTMLElement & { value: string };
    const go = () => {
      const f = Number(field.value);
      const t = this.timeline;
      if (!t || field.value.trim() === '' || !Number.isInteger(f) || f < 0) return;
      if (f >= t.available) {
        this.status.textContent = f >= t.frameCount ? `There is no frame ${n(f)} (the last is ${n(t.frameCount - 1)})` : `Frame ${n(f)} is not indexed yet (${n(t.available)} so far)`;
      } else this.status.textContent = '';
      t.pause();
      t.seek(f);
    };
    field.addEventListener('keydown', (e) => {
      if ((e as KeyboardEvent).key === 'Enter') go();
    });
    field.addEventListener('change', go);
    return field;
  }

  private async refreshChart(): Promise<void> {
    if (this.chartLoading || this.disposed) return;
    this.chartLoading = true;
    try {
      const counts = await this.host.request('personCounts', { from: this.inspector.countedFrames });
      if (!this.disposed) this.inspector.addCounts(counts);
    } catch {
      // The file is being reopened; the new page asks again.
    } finally {
      this.chartLoading = false;
    }
  }

  private banner(id: string, message: string, kind: 'error' | 'warning' = 'error'): void {
    const node = el(
      'p',
      { class: `banner banner-${kind}`, id, role: 'alert' },
      el('span', { class: `codicon codicon-${kind === 'error' ? 'error' : 'warning'}`, 'aria-hidden': 'true' }),
      ' ',
      message,
    );
    const old = this.banners.querySelector(`#${id}`);
    if (old) old.replaceWith(node);
    else this.banners.append(node);
  }

  private removeBanner(id: string): void {
    this.banners.querySelector(`#${id}`)?.remove();
  }
}
