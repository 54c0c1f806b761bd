import type { Hdf5DocumentInfo, SmcHostEvents, SmcOverview, SmcRequests, SmcViewModel } from '../../protocol/smcProtocol';
import { notice } from '../common/banners';
import { el, markWhenPainted, render } from '../common/dom';
import { showErrorPage } from '../common/errorPage';
import { errorText } from '../common/errorText';
import { connectHost, keepScrollPosition } from '../common/host';
import { createTabs, type TabSpec } from '../common/tabs';
import { PlaybackController } from '../common/playbackController';
import { animationFrames, Timeline } from '../common/timeline';
import { ViewState } from '../common/viewState';
import { gotoFrameField } from '../common/gotoFrame';
import { AudioView } from './audio';
import { CalibrationView } from './calibration';
import { CamerasView } from './cameras';
import { DEFAULT_VIEW_STATE, SmcContext, type SmcViewState } from './context';
import { FlameView } from './flame';
import { OverviewView, pageHeader } from './overview';
import { RigView } from './rig';
import { SmcExports } from './exports';
import { StructureView } from './structure';
import { TexturesView } from './textures';

const host = connectHost<SmcRequests, SmcHostEvents>();
const reopen = () => void host.request('reopenWith', null);
/** Export Video… and Export Contact Sheet (exports.ts). */
const exports = new SmcExports(host);

/** A view inside a tab: shown/hidden with its tab, told about frame changes while it exists. */
interface SmcView {
  element: HTMLElement;
  show?(): void;
  hide?(): void;
  onFrame?(): void | Promise<void>;
}

/** Saving the frame on every step of playback would post 30 messages a second; a pause suffices. */
const SAVE_FRAME_DELAY_MS = 300;

async function showPerformance(o: SmcOverview): Promise<void> {
  const state = new ViewState<SmcViewState>(DEFAULT_VIEW_STATE);
  // The header and actor facts need no inventory: paint them at once.
  const overview = new OverviewView(o);
  const body = el('div', { class: 'page-body' }, overview.element);
  render(pageHeader(o), body);
  markWhenPainted('smc-overview-painted');
  keepScrollPosition();

  let contents: SmcViewModel;
  try {
    contents = await host.request('contents', null);
  } catch (err) {
    overview.setError(errorText(err));
    return;
  }
  overview.setContents(contents);

  const playback = new PlaybackController(
    {
      frameCount: contents.frameCount,
      fps: contents.fps,
      frame: state.get('frame'),
      speed: state.get('speed'),
      loop: state.get('loop'),
    },
    animationFrames,
  );
  const timeline = new Timeline(playback);
  const ctx = new SmcContext(host, o, contents, playback, state);
  const views: SmcView[] = [];
  let saveTimer: number | undefined;
  playback.onFrame((frame) => {
    clearTimeout(saveTimer);
    saveTimer = window.setTimeout(() => state.set({ frame }), SAVE_FRAME_DELAY_MS);
    const drawing: Promise<void>[] = [];
    for (const v of views) {
      const p = v.onFrame?.();
      if (p) drawing.push(p);
    }
    return Promise.all(drawing).then(() => undefined);
  });
  playback.onStateChange(() => state.set({ speed: playback.speed, loop: playback.loop, frame: playback.frame }));

  let cameras: CamerasView | undefined;
  let rig: RigView | undefined;
  const tab = (id: string, label: string, make: () => SmcView, usesFrames: boolean): TabSpec & { usesFrames: boolean } => {
    let view: SmcView | undefined;
    return {
      id,
      label,
      usesFrames,
      build(panel) {
        view = make();
        views.push(view);
        panel.append(view.element);
      },
      onShow: () => view?.show?.(),
      onHide: () => view?.hide?.(),
    };
  };
  const c = contents;
  const specs = [
    tab('overview', 'Overview', () => ({ element: overview.element }), false),
    c.cameras.length > 0 && tab('cameras', `Cameras (${c.cameras.length})`, () => (cameras = new CamerasView(ctx)), true),
    (c.calibratedCameras.length > 0 || c.hasKeypoints3d || c.scan) && tab('3d', '3D', () => (rig = new RigView(ctx)), true),
    c.flame && tab('flame', 'FLAME', () => new FlameView(ctx), true),
    (c.uvTextureFrames > 0 || c.scanMaskCameras.length > 0) && tab('textures', 'Textures', () => new TexturesView(ctx), c.uvTextureFrames > 0),
    c.audio && tab('audio', 'Audio', () => new AudioView(ctx), true),
    c.calibratedCameras.length > 0 && tab('calibration', 'Calibration', () => new CalibrationView(ctx), false),
    tab('structure', 'Structure', () => structureView(o.files, state), false),
  ].filter((s): s is TabSpec & { usesFrames: boolean } => !!s);

  const gotoStatus = el('span', { class: 'index-status', id: 'goto-status', role: 'status' });
  const goto = gotoFrameField(playback, (text) => (gotoStatus.textContent = text));
  const timelineBar = el('div', { class: 'timeline-bar', id: 'timeline' }, timeline.element, goto, gotoStatus, exports.status);
  exports.attach(
    ctx,
    () => cameras,
    () => rig,
  );
  const tabs = createTabs(specs, state.get('tab'), (id) => {
    state.set({ tab: id });
    timelineBar.hidden = !(specs.find((s) => s.id === id)?.usesFrames && contents.frameCount > 1);
    document.body.classList.toggle('with-timeline', !timelineBar.hidden);
  });
  ctx.openCamera = (id) => {
    tabs.select('cameras');
    cameras?.open(id);
  };
  body.replaceChildren(tabs.element);
  document.body.append(timelineBar);
}

function structureView(files: { name: string; kind?: string }[], state: ViewState<SmcViewState>): StructureView {
  return new StructureView(
    host,
    files,
    { file: Math.min(state.get('structureFile'), files.length - 1), path: state.get('structurePath'), open: [...state.get('structureOpen')] },
    (s) =>
      state.set({
        ...(s.file !== undefined ? { structureFile: s.file } : {}),
        ...(s.path !== undefined ? { structurePath: s.path } : {}),
        ...(s.open !== undefined ? { structureOpen: s.open } : {}),
      }),
  );
}

/** A valid HDF5 file that is not an SMC: its structure, with a notice saying why. */
function showHdf5(info: Hdf5DocumentInfo): void {
  const state = new ViewState<SmcViewState>(DEFAULT_VIEW_STATE);
  const view = structureView([{ name: info.fileName }], state);
  render(
    el('header', { class: 'page-header' }, el('h1', {}, info.fileName), el('p', { class: 'subtitle' }, `HDF5 file · ${info.size}`)),
    notice('hdf5-notice', info.notice, '. Its HDF5 structure is shown below.'),
    view.element,
  );
  view.show();
}

async function main(): Promise<void> {
  const opened = await host.request('open', null);
  if (!opened.ok) {
    showErrorPage('This file cannot be shown as a RenderMe360 capture', opened.message, reopen);
    return;
  }
  if (opened.value.kind === 'hdf5') showHdf5(opened.value);
  else await showPerformance(opened.value);
}

main().catch((err: unknown) => showErrorPage('Something went wrong', String(err), reopen));
