import type { BodyCompressFrame, BodyCompressIndexState, BodyCompressOpened } from '../../protocol/bodyCompressProtocol';
import type { BodyCompressHost } from './bodyCompressHost';
import { formatBytes } from '../../core/formatBytes';
import { plural } from '../../core/plural';
import { Banners } from '../common/banners';
import { afterPaint } from '../common/afterPaint';
import { el, markWhenPainted, render } from '../common/dom';
import { PlaybackController } from '../common/playbackController';
import { animationFrames, Timeline } from '../common/timeline';
import { ViewState } from '../common/viewState';
import { BodyScene, type DisplayOptions } from './bodyScene';
import { BodyTools } from './bodyTools';
import { followSceneHeight } from './sceneHeight';
import { uncertaintyScaleMax } from './colorMap';
import { disableControls, showFileStatus, showGarbage } from './fileStatusBanner';
import { FrameFollower } from './frameFollower';
import { FrameLoader } from './frameLoader';
import { Inspector } from './inspector';
import { PeopleCounts } from './peopleCounts';
import { framingPoints } from './robustBounds';
import { DEFAULT_VIEW_STATE, type BodyCompressViewState } from './state';
import { TemplateFaces } from './templateFaces';
import { DisplayToolbar, PeoplePanel, type Toggle } from './toolbar';
import { gotoFrameField } from '../common/gotoFrame';
import type { ViewPreset } from './viewPresets';
import { ViewToolbar } from './viewToolbar';
import { FrameGate, VideoBackdrop } from './videoBackdrop';
import { BodyCompressVideoCapture } from './videoCapture';

/** Saving the frame on every step of playback would post 30 messages a second; a pause suffices. */
const SAVE_FRAME_DELAY_MS = 300;
/** While playing, the inspector follows at this interval (rebuilding its tables 30 times a second would cost frames). */
const INSPECTOR_PLAYING_MS = 250;
/** While indexing runs, the file's facts follow at this interval. */
const SUMMARY_INDEXING_MS = 500;

/**
 * The BodyCompress editor page: 3D view with its display toggles and people list, the inspector,
 * and the timeline (docked at the bottom) whose reachable part grows as the host indexes the file.
 * Wires the parts together: playback moves the frame, the follower fetches and hands it here to
 * draw, template faces and the uncertainty scale follow the frames drawn.
 */
export class BodyCompressPage {
  private readonly state = new ViewState<BodyCompressViewState>(DEFAULT_VIEW_STATE);
  private readonly scene: BodyScene;
  private readonly inspector: Inspector;
  private readonly loader: FrameLoader;
  private readonly playback: PlaybackController | null = null;
  private readonly follower: FrameFollower | null = null;
  private readonly timelineBar: HTMLElement | null = null;
  private readonly toolbar: DisplayToolbar;
  private readonly people: PeoplePanel;
  private readonly viewBar: ViewToolbar;
  private readonly banners = new Banners();
  private readonly peopleCounts: PeopleCounts;
  private readonly indexStatus = el('span', { class: 'index-status', id: 'index-status' });
  private readonly faces: TemplateFaces;
  /** Picking, pinned plots, trails and comparison (bodyTools.ts). */
  readonly tools: BodyTools;
  /** The source video behind the through-camera view, and the gate that draws each frame with its image (videoBackdrop.ts). */
  private readonly backdrop: VideoBackdrop;
  private readonly gate: FrameGate;
  private index: BodyCompressIndexState;
  private current: BodyCompressFrame | null = null;
  private uncertaintyMax: number | null = null;
  private fitted = false;
  /** A saved frame beyond what is indexed yet (after a reload): shown once it is. */
  private restoreFrame: number | null = null;
  private saveTimer: number | undefined;
  private inspectorTimer: number | undefined;
  private summaryShownAt = 0;
  private disposed = false;
  private readonly sceneHelp = el(
    'p',
    { class: 'note scene3d-help' },
    'Drag to orbit, right-drag to pan, scroll to zoom. Space plays, Left/Right step, Home/End jump.',
  );
  private unfollowHeight: () => void = () => undefined;
  /** The inspector joins after the first frame is painted; until then it is not filled either. */
  private inspectorShown = false;

  constructor(
    private readonly host: BodyCompressHost,
    private readonly o: BodyCompressOpened,
  ) {
    this.index = o.index;
    this.loader = new FrameLoader((frame, uncertainties) => host.request('frame', { frame, uncertainties }), this.state.get('uncertainty'));
    this.scene = new BodyScene(o.worldUp);
    const sourceReader = {
      bytes: (token: number, start: number, end: number) => host.request('sourceVideoBytes', { token, start, end }),
      image: (token: number, index: number) => host.request('sourceImage', { token, index }),
    };
    this.backdrop = new VideoBackdrop(sourceReader, o.fps, this.scene.element, () => this.redraw());
    this.scene.addLayer(this.backdrop.plane);
    this.gate = new FrameGate((f) => this.backdrop.show(f));
    this.inspector = new Inspector(
      o,
      (f) => this.playback?.seek(f),
      this.state.get('metadataOpen'),
      (open) => this.state.set({ metadataOpen: open }),
    );
    this.peopleCounts = new PeopleCounts((from) => host.request('personCounts', { from }), this.inspector);
    this.toolbar = new DisplayToolbar(this.state, {
      toggled: (key, checked) => this.onToggle(key, checked),
      fit: () => this.fit(),
      screenshot: () => void this.screenshot(),
      exportFrame: () => {
        const frame = this.current?.index ?? this.playback?.frame ?? 0;
        void host.request('exportFrames', { start: frame, end: frame + 1 });
      },
      exportAll: () => void host.request('exportFrames', { start: 0, end: null }),
    });
    this.people = new PeoplePanel(this.state, () => this.redraw());
    this.viewBar = new ViewToolbar(this.state, {
      preset: (p) => this.viewFrom(p),
      changed: () => this.applyViewSettings(),
      pickSourceVideo: () => void host.request('pickSourceVideo', null),
      imageOpacity: (a) => {
        this.backdrop.opacity = a;
        this.scene.scene3d.requestRender();
      },
    });
    this.applyViewSettings();
    this.scene.scene3d.onDoubleClick((x, y, toPane) => this.focusAt(x, y, toPane));
    this.faces = new TemplateFaces(
      (vertexCount) => host.request('faces', { vertexCount }),
      this.scene,
      (warning) => (warning === null ? this.banners.remove('faces-warning') : this.banners.show('faces-warning', warning, 'warning')),
      () => {
        if (this.current) this.toolbar.updateEnabled(this.current, this.faces.ok);
        this.redraw();
      },
    );
    this.tools = new BodyTools(host, {
      scene3d: this.scene.scene3d,
      addLayer: (layer) => this.scene.addLayer(layer),
      frame: () => this.current,
      hidden: () => new Set(this.state.get('hidden')),
      drawn: () => ({ vertices: true, joints: this.state.get('joints') }),
      index: () => this.index,
      claimedLength: o.length,
      fps: o.fps,
      seek: (f) => this.playback?.seek(f),
      redraw: () => this.redraw(),
      requestRender: () => this.scene.scene3d.requestRender(),
    });
    const frameCount = this.frameCount();
    if (frameCount > 0) {
      const saved = this.state.get('frame');
      const playback = new PlaybackController(
        { frameCount, fps: o.fps, frame: saved, speed: this.state.get('speed'), loop: this.state.get('loop'), available: this.available() },
        animationFrames,
      );
      this.playback = playback;
      if (saved > playback.frame) this.restoreFrame = saved;
      this.follower = new FrameFollower(this.loader, playback, {
        shownFrame: () => this.current?.index ?? null,
        draw: (f) => this.draw(f),
        failed: (f, message) => this.inspector.setFrameError(f, message),
      });
      playback.onFrame((f) => this.onFrame(f));
      playback.onStateChange(() => {
        this.state.set({ speed: playback.speed, loop: playback.loop, frame: playback.frame });
        // Paused: show exactly the frame playback stopped at.
        if (!playback.playing) void this.onFrame(playback.frame);
      });
      const goto = gotoFrameField(playback, (text) => this.people.setStatus(text));
      this.timelineBar = el('div', { class: 'timeline-bar', id: 'timeline' }, new Timeline(playback).element, goto, this.indexStatus);
    }
    const inspectorSlot = el('aside', { class: 'inspector' });
    render(this.header(), this.banners.element, el('div', { class: 'bc-main' }, this.viewPane(), inspectorSlot));
    if (this.timelineBar) {
      document.body.append(this.timelineBar);
      document.body.classList.add('with-timeline');
    }
    this.unfollowHeight = followSceneHeight(this.scene.element, [this.tools.panels, this.sceneHelp], () => this.timelineBar);
    this.scene.scene3d.onViewChange(() => {
      this.scene.autoFit = false;
      this.state.set({ view3d: this.scene.scene3d.view });
    });
    if (o.firstFrame) this.loader.put(o.firstFrame);
    this.setIndex(o.index);
    const start = this.playback?.frame ?? 0;
    if (o.firstFrame && start === 0) {
      this.draw(o.firstFrame);
      markWhenPainted('bodycompress-first-frame-painted');
    } else if (this.playback) {
      void Promise.resolve(this.onFrame(start)).then(() => markWhenPainted('bodycompress-first-frame-painted'));
    }
    // The inspector's tables and tree take longer to build and lay out than the 3D view: they are
    // filled and join once the first frame is on screen (scheduled after the mark above).
    afterPaint(() => {
      if (this.disposed) return;
      this.inspectorShown = true;
      inspectorSlot.replaceWith(this.inspector.element);
      this.inspector.setIndex(this.index);
      this.updateInspector();
    });
    void this.loadSourceVideo();
  }

  /** Asks the host for the source video (again, after Set Source Video...) and shows it behind the through-camera view. */
  async loadSourceVideo(): Promise<void> {
    const s = await this.host.request('sourceVideo', null);
    if (this.disposed) return;
    await this.backdrop.setSource(s, () => this.frameCount());
    if (this.current && !this.disposed) this.draw(this.current);
  }

  /** Index progress from the host: more frames reachable, the final count, the people chart. */
  setIndex(s: BodyCompressIndexState): void {
    this.index = s;
    const p = this.playback;
    if (p) {
      if (s.done || s.frames > p.frameCount) p.setFrameCount(this.frameCount());
      p.setAvailable(this.available());
      if (this.restoreFrame !== null && this.restoreFrame < this.available()) {
        p.seek(this.restoreFrame);
        this.restoreFrame = null;
      }
    }
    // The summary table is rebuilt a few times a second at most while indexing runs.
    const now = performance.now();
    if (this.inspectorShown && (s.done || now - this.summaryShownAt > SUMMARY_INDEXING_MS)) {
      this.summaryShownAt = now;
      this.inspector.setIndex(s);
    }
    this.indexStatus.textContent = s.done ? '' : `Indexing: ${plural(s.frames, 'frame')} (${Math.floor(s.fraction * 100)} %)`;
    this.indexStatus.hidden = s.done;
    showFileStatus(this.banners, s, this.o.firstFrameError);
    if (s.done && s.frames === 0 && !this.o.firstFrame && !this.scene.element.querySelector('.scene3d-empty')) {
      disableControls(this.toolbar.element.closest('.bc-view') ?? this.toolbar.element, 'This file has no frames');
      // An empty view says why, rather than looking like a view that failed to draw.
      this.scene.element.append(el('p', { class: 'scene3d-empty', id: 'scene-empty' }, 'No frames to draw: this file holds none.'));
    }
    this.updatePersonSlots();
    this.peopleCounts.indexed(s.done);
    this.tools.indexed(s);
  }

  /** The template faces setting changed: ask again for the bodies shown. */
  refreshFaces(): void {
    this.faces.refresh(this.current?.vertexCount ?? null);
  }

  /** Saves a PNG of the 3D view (the host asks where). */
  async screenshot(): Promise<void> {
    if (!this.scene.scene3d.ok) {
      this.people.setStatus('No screenshot: the 3D view is unavailable in this window.');
      return;
    }
    try {
      const png = await this.scene.scene3d.toPng();
      const { saved } = await this.host.request('saveScreenshot', { png, frame: this.current?.index ?? 0 });
      this.people.setStatus(saved ? `Saved ${saved}` : '');
    } catch (err) {
      this.people.setStatus(`The screenshot was not saved: ${(err as Error)?.message ?? err}`);
    }
  }

  /** What Export Video… records: this page's 3D view (videoCapture.ts). */
  videoCapture(): BodyCompressVideoCapture {
    return new BodyCompressVideoCapture({
      scene: this.scene,
      fps: this.o.fps,
      available: () => this.available(),
      current: () => this.current,
      throughCamera: () => this.state.get('throughCamera'),
      setThroughCamera: (on) => {
        if (!on) {
          this.leaveCamera();
          return;
        }
        this.state.set({ throughCamera: true });
        this.redraw();
      },
      seek: (f) => this.playback?.seek(f),
      pause: () => this.playback?.pause(),
      status: (text) => this.people.setStatus(text),
    });
  }

  dispose(): void {
    this.disposed = true;
    this.unfollowHeight();
    clearTimeout(this.saveTimer);
    clearTimeout(this.inspectorTimer);
    this.peopleCounts.dispose();
    this.backdrop.dispose();
    this.tools.dispose();
    this.follower?.dispose();
    this.faces.dispose();
    this.playback?.pause();
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

  /** Playback moved to frame `f`: remembered once it rests there, fetched and drawn by the follower. */
  private onFrame(f: number): Promise<void> | void {
    clearTimeout(this.saveTimer);
    this.saveTimer = window.setTimeout(() => this.state.set({ frame: f }), SAVE_FRAME_DELAY_MS);
    return this.follower?.show(f);
  }

  private draw(f: BodyCompressFrame, withImage = false): void {
    // Through the camera with a source video: each frame is drawn once its image is on screen.
    if (!withImage && this.state.get('throughCamera') && f.camera && this.backdrop.ready) {
      this.gate.push(f.index, () => this.draw(f, true));
      return;
    }
    this.current = f;
    if (this.state.get('uncertainty') && this.uncertaintyMax === null) this.initUncertaintyScale(f);
    this.showInScene(f);
    this.tools.drew(f);
    this.viewBar.setCaption(this.scene.caption);
    this.updateInspector();
    this.faces.follow(f.vertexCount);
    this.toolbar.updateEnabled(f, this.faces.ok);
    if (f.persons.length > this.people.slots) this.updatePersonSlots();
    showGarbage(this.banners, f);
    if (!this.fitted && f.persons.some((p) => framingPoints(p))) {
      this.fitted = true;
      const saved = this.state.get('view3d');
      if (saved) this.scene.scene3d.view = saved;
      else this.scene.fit();
    }
  }

  /** The inspector shows the frame drawn: at once, or a few times a second while playing. */
  private updateInspector(): void {
    if (!this.inspectorShown) return;
    if (!this.playback?.playing) {
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
    const f = this.current;
    // Looking through the camera now, and the frame's image not yet behind it: fetched first.
    if (f && this.state.get('throughCamera') && f.camera && this.backdrop.ready && !this.backdrop.showing(f.index)) {
      this.draw(f);
      return;
    }
    if (f) this.showInScene(f);
    this.viewBar.setCaption(this.scene.caption);
  }

  /** Draws `f`, with the comparison's distance colours (on the uncertainty colour map) while comparing. */
  private showInScene(frame: BodyCompressFrame): void {
    const imageBehind = this.state.get('throughCamera') && this.backdrop.showing(frame.index);
    const f = imageBehind ? this.backdrop.distorted(frame) : frame;
    const compared = this.tools.decorate(f);
    if (compared) this.scene.show(compared.frame, { ...this.displayOptions(), uncertainty: true }, compared.scaleMax);
    else this.scene.show(f, this.displayOptions(), this.uncertaintyMax ?? 0.1);
    this.backdrop.place(frame.camera, imageBehind && this.scene.scene3d.lookingThrough);
    this.viewBar.setSourceVideo(this.state.get('throughCamera'), this.backdrop.message, this.backdrop.failed);
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
      wireframe: s.get('wireframe'),
      markerScale: s.get('markerScale'),
      hidden: new Set(s.get('hidden')),
    };
  }

  private onToggle(key: Toggle, checked: boolean): void {
    if (key === 'uncertainty') {
      this.loader.setUncertainties(checked);
      this.people.showLegend(checked);
      if (checked && this.current && this.uncertaintyMax === null) {
        // The frame shown may lack uncertainties (they are fetched only while needed).
        const at = this.current.index;
        void this.loader.get(at).then((f) => this.current?.index === at && this.draw(f));
        return;
      }
    }
    if (key === 'throughCamera' && !checked) this.scene.scene3d.lookThrough(null);
    this.redraw();
  }

  /** Projection, background and marker size from the view state. */
  private applyViewSettings(): void {
    this.scene.scene3d.projection = this.state.get('projection');
    this.scene.scene3d.setBackground(this.viewBar.backgroundColour());
    this.redraw();
  }

  /** A view preset: leaves the camera's view first (presets are orbit views). */
  private viewFrom(preset: ViewPreset): void {
    this.leaveCamera();
    this.scene.viewFrom(preset);
  }

  /** A double-click on a person frames that person (from the orbit view). */
  private focusAt(x: number, y: number, toPane: Parameters<BodyScene['personAt']>[2]): void {
    const person = this.scene.personAt(x, y, toPane);
    if (person === null) return;
    this.leaveCamera();
    this.scene.focus(person);
  }

  private leaveCamera(): void {
    if (!this.state.get('throughCamera')) return;
    this.toolbar.uncheck('throughCamera');
    this.state.set({ throughCamera: false });
    this.scene.scene3d.lookThrough(null);
    this.redraw();
  }

  private fit(): void {
    this.toolbar.uncheck('throughCamera');
    this.state.set({ throughCamera: false });
    this.scene.scene3d.lookThrough(null);
    this.redraw();
    this.scene.fit();
  }

  /** The colour scale is fixed on the first frame with uncertainties, so colours compare across frames. */
  private initUncertaintyScale(f: BodyCompressFrame): void {
    this.uncertaintyMax = uncertaintyScaleMax(f);
    if (this.uncertaintyMax !== null) this.people.setUncertaintyScale(this.uncertaintyMax);
  }

  /** A checkbox per person slot: as many as the most people in one frame (indexed or drawn). */
  private updatePersonSlots(): void {
    this.people.setSlots(Math.max(this.index.maxPersons, this.current?.persons.length ?? 0));
  }

  private header(): HTMLElement {
    const o = this.o;
    const facts = [`BodyCompress ${o.version ? `v${o.version.join('.')}` : 'v0.1 (legacy)'}`, `${o.fps} fps`, formatBytes(o.fileSize)];
    return el('header', { class: 'page-header' }, el('h1', {}, o.fileName), el('p', { class: 'subtitle' }, facts.join(' · ')));
  }

  private viewPane(): HTMLElement {
    return el(
      'section',
      { class: 'bc-view', 'aria-label': '3D view' },
      this.toolbar.element,
      this.viewBar.element,
      el('div', { class: 'bc-row' }, this.people.element, this.tools.toolbar),
      this.scene.element,
      this.tools.panels,
      this.sceneHelp,
    );
  }
}
