import * as vscode from 'vscode';
import { InputError } from '../../core/errors';
import { PartialFile } from '../../core/io/partialFile';
import { evenSize, fitSize, formatFrameRange, framesIn, parseFrameRange, videoName, type FrameRange } from '../../core/videoPlan';
import type { VideoExportOffer, VideoExportPlan, VideoStop, VideoTarget } from '../../protocol/videoExportProtocol';
import { displayPath, runJob } from './commandUi';
import { intParam, ParamError, bytesParam, textParam } from './requestParams';
import { requireTrustedWorkspace } from './workspaceTrust';
import { askSavePath } from './saveInWorkspace';

/*
 * Export Video… for both editors: the command asks the editor in front what it can record, asks
 * the user (what, frames, size, fps, where) with Enter-Enter-Enter defaults, and writes the WebM
 * the webview records and streams, under a temporary name renamed when complete (PartialFile).
 * The notification's Cancel stops the webview at its next write and removes the temporary file.
 */

export const EXPORT_VIDEO_TITLE = 'Export Video';
/** One write from the muxer; the webview sends 1 MiB pieces. */
const MAX_WRITE_BYTES = 64 * 2 ** 20;
/** A WebM from a few thousand frames at 1080p is a few GB; far beyond is not ours. */
const MAX_VIDEO_BYTES = 64 * 2 ** 30;
const MAX_SIDE = 4096;
const MAX_TARGETS = 16;

/** An open editor the video commands act on. */
export interface VideoEditorHandle {
  uri: vscode.Uri;
  panel: vscode.WebviewPanel;
  /** Asks the webview what it can record (it answers with exportVideo). */
  requestVideo(): void;
  /** Asks the webview for its contact sheet (SMC), if it has one. */
  requestContactSheet?(): void;
}

const editors = new Set<VideoEditorHandle>();
let lastActive: VideoEditorHandle | undefined;

/** Lists an editor panel for the video commands until the returned disposable ends. */
export function addVideoEditor(h: VideoEditorHandle): vscode.Disposable {
  editors.add(h);
  if (h.panel.active) lastActive = h;
  const sub = h.panel.onDidChangeViewState(() => {
    if (h.panel.active) lastActive = h;
  });
  return new vscode.Disposable(() => {
    sub.dispose();
    editors.delete(h);
    if (lastActive === h) lastActive = undefined;
    for (const job of jobs.values()) if (job.panel === h.panel) job.stopWith('cancelled', null);
  });
}

/** The editor in front (or the one last in front), if any. */
export function activeVideoEditor(): VideoEditorHandle | undefined {
  for (const h of editors) if (h.panel.active) return h;
  return lastActive;
}

/** The command: asks the editor in front what it can record. */
export function exportVideoCommand(): void {
  const editor = activeVideoEditor();
  if (!editor) {
    void vscode.window.showInformationMessage(`${EXPORT_VIDEO_TITLE}: open a BodyCompress or SMC file first.`);
    return;
  }
  if (!requireTrustedWorkspace(EXPORT_VIDEO_TITLE)) return;
  editor.requestVideo();
}

/** A recording under way: its temporary file and progress notification. */
class VideoJob {
  stop: VideoStop = null;
  progress: { report(message: string, fraction: number | null): void } | null = null;
  private settle: ((path: string | null, error: Error | null) => void) | null = null;

  constructor(
    readonly plan: VideoExportPlan,
    readonly file: PartialFile,
    readonly panel: vscode.WebviewPanel,
  ) {}

  get total(): number {
    return framesIn(this.plan);
  }

  /** Runs the progress notification until the webview finishes, fails or the user cancels. */
  start(): void {
    void runJob(`${EXPORT_VIDEO_TITLE}: ${displayPath(this.plan.path)}`, EXPORT_VIDEO_TITLE, (progress, signal) => {
      this.progress = progress;
      progress.report(`0 of ${this.total} frames`, 0);
      return new Promise<string | null>((resolve, reject) => {
        this.settle = (path, error) => (error ? reject(error) : resolve(path));
        signal.addEventListener('abort', () => this.stopWith('cancelled', null));
      });
    }).then((path) => {
      jobs.delete(this.plan.id);
      if (path) vscode.window.setStatusBarMessage(`Saved video ${displayPath(path)}`, 8000);
    });
  }

  /** Ends the job without a file: cancelled (by the user or a closed editor) or failed (said once, by runJob). */
  /** `error` is the user's to read (the window cannot encode, the disk is full), not a bug: said, not logged. */
  stopWith(stop: Exclude<VideoStop, null>, error: Error | null): void {
    if (this.stop) return;
    this.stop = stop;
    void this.file.abort();
    const settle = this.settle;
    this.settle = null;
    if (stop === 'cancelled') settle?.(null, Object.assign(new Error('Cancelled'), { name: 'AbortError' }));
    else settle?.(null, error);
  }

  async finish(): Promise<string> {
    await this.file.commit();
    this.settle?.(this.plan.path, null);
    this.settle = null;
    return this.plan.path;
  }
}

const jobs = new Map<number, VideoJob>();
let nextJobId = 1;

function jobFor(params: unknown, panel: vscode.WebviewPanel): VideoJob | undefined {
  const job = jobs.get(intParam(params, 'id', 1, Number.MAX_SAFE_INTEGER));
  return job?.panel === panel ? job : undefined;
}

/** The host handlers of the video requests, for both editors' hostHandlers. */
export const videoExportHandlers = {
  exportVideo: async (params: unknown, editor: { uri: vscode.Uri; panel: vscode.WebviewPanel }): Promise<VideoExportPlan | null> => {
    const offer = offerParam(params);
    if (!requireTrustedWorkspace(EXPORT_VIDEO_TITLE)) return null;
    if (offer.targets.length === 0 || offer.frames === 0) {
      void vscode.window.showInformationMessage(`${EXPORT_VIDEO_TITLE}: ${offer.reason ?? 'there is nothing to record in this editor.'}`);
      return null;
    }
    const chosen = await askPlan(offer, editor.uri);
    if (!chosen) return null;
    let file: PartialFile;
    try {
      file = await PartialFile.create(chosen.path, MAX_VIDEO_BYTES);
    } catch (err) {
      void vscode.window.showErrorMessage(`${EXPORT_VIDEO_TITLE}: cannot write ${displayPath(chosen.path)}: ${(err as Error).message}`);
      return null;
    }
    const plan = { ...chosen, id: nextJobId++ };
    const job = new VideoJob(plan, file, editor.panel);
    jobs.set(plan.id, job);
    job.start();
    return plan;
  },
  videoProgress: async (params: unknown, editor: { panel: vscode.WebviewPanel }): Promise<{ stop: VideoStop }> => {
    const done = intParam(params, 'done', 0, Number.MAX_SAFE_INTEGER);
    const job = jobFor(params, editor.panel);
    if (!job) return { stop: 'cancelled' };
    if (!job.stop) job.progress?.report(`${Math.min(done, job.total)} of ${job.total} frames`, Math.min(1, done / job.total));
    return { stop: job.stop };
  },
  videoWrite: async (params: unknown, editor: { panel: vscode.WebviewPanel }): Promise<{ stop: VideoStop }> => {
    const position = intParam(params, 'position', 0, MAX_VIDEO_BYTES);
    const data = bytesParam(params, 'data', MAX_WRITE_BYTES);
    const job = jobFor(params, editor.panel);
    if (!job) return { stop: 'cancelled' };
    if (job.stop) return { stop: job.stop };
    try {
      await job.file.write(position, data);
    } catch (err) {
      job.stopWith(
        'failed',
        new InputError('unsupported', `the video could not be written to ${displayPath(job.plan.path)} (${(err as Error).message}); nothing was saved`),
      );
    }
    return { stop: job.stop };
  },
  videoFinish: async (params: unknown, editor: { panel: vscode.WebviewPanel }): Promise<{ saved: string | null }> => {
    const error = (params as { error?: unknown } | null)?.error === null ? null : textParam(params, 'error', 2000);
    const job = jobFor(params, editor.panel);
    if (!job) return { saved: null };
    if (job.stop) return { saved: null };
    if (error !== null) {
      job.stopWith('failed', new InputError('unsupported', `${error}; nothing was saved`));
      return { saved: null };
    }
    try {
      return { saved: await job.finish() };
    } catch (err) {
      job.stopWith('failed', new InputError('unsupported', `the video could not be saved as ${displayPath(job.plan.path)} (${(err as Error).message})`));
      return { saved: null };
    }
  },
};

function offerParam(params: unknown): VideoExportOffer {
  const p = params as Partial<VideoExportOffer> | null;
  const frames = intParam(params, 'frames', 0, Number.MAX_SAFE_INTEGER);
  const current = intParam(params, 'current', 0, Number.MAX_SAFE_INTEGER);
  const fps = p?.fps;
  if (typeof fps !== 'number' || !(fps > 0 && fps <= 1000)) throw new ParamError('fps must be a positive number');
  const viewSize = sizeParam(p?.viewSize, 'viewSize');
  if (!Array.isArray(p?.targets) || p.targets.length > MAX_TARGETS) throw new ParamError('targets must be a list');
  const targets: VideoTarget[] = p.targets.map((t: unknown) => ({
    id: textParam(t, 'id', 40),
    label: textParam(t, 'label', 200),
    detail: textParam(t, 'detail', 400),
    nativeSize: (t as VideoTarget).nativeSize === null ? null : sizeParam((t as VideoTarget).nativeSize, 'nativeSize'),
  }));
  const reason = p?.reason === null || p?.reason === undefined ? null : textParam(params, 'reason', 400);
  return { targets, reason, frames, current, fps, viewSize };
}

function sizeParam(v: unknown, name: string): [number, number] {
  if (!Array.isArray(v) || v.length !== 2 || !v.every((x) => Number.isSafeInteger(x) && (x as number) >= 1 && (x as number) <= 65536)) {
    throw new ParamError(`${name} must be [width, height]`);
  }
  return [v[0] as number, v[1] as number];
}

type Chosen = Omit<VideoExportPlan, 'id'>;

/** What, which frames, what size, what frame rate, where: each question's first answer is the default. */
async function askPlan(offer: VideoExportOffer, document: vscode.Uri): Promise<Chosen | null> {
  const title = EXPORT_VIDEO_TITLE;
  const target = await vscode.window.showQuickPick(
    offer.targets.map((t) => ({ label: t.label, detail: t.detail, target: t })),
    { title, placeHolder: 'What to record', ignoreFocusOut: true },
  );
  if (!target) return null;

  const all: FrameRange = { first: 0, last: offer.frames - 1, step: 1 };
  const rangeText = await vscode.window.showInputBox({
    title,
    placeHolder: 'Frames to record: first-last, and :step for every n-th frame (0-99:2)',
    ignoreFocusOut: true,
    prompt: `Frames 0 to ${offer.frames - 1} can be recorded (frame ${offer.current} is shown). first-last, optionally :step`,
    value: formatFrameRange(all),
    validateInput: (text) => {
      const r = parseFrameRange(text, offer.frames);
      return typeof r === 'string' ? r : null;
    },
  });
  if (rangeText === undefined) return null;
  const range = parseFrameRange(rangeText, offer.frames);
  if (typeof range === 'string') return null;

  const size = await askSize(target.target, offer.viewSize);
  if (!size) return null;

  const fps = await askFps(offer.fps, range.step);
  if (fps === null) return null;

  const path = await askSavePath(document, {
    title: EXPORT_VIDEO_TITLE,
    subfolder: 'videos',
    name: videoName(document.fsPath, range),
    filters: { 'WebM video': ['webm'] },
    saveLabel: 'Export Video',
  });
  if (!path) return null;
  return { target: target.target.id, ...range, width: size[0], height: size[1], fps, path };
}

async function askSize(target: VideoTarget, viewSize: [number, number]): Promise<[number, number] | null> {
  const item = (label: string, size: [number, number], description = '') => ({ label, description, size: evenSize(...size) as [number, number] | null });
  const items: ReturnType<typeof item>[] = [];
  const view = evenSize(...viewSize);
  if (target.nativeSize) {
    const [w, h] = evenSize(...target.nativeSize);
    const fitted = fitSize(w, h, 1920, 1080);
    if (fitted[0] !== w) items.push(item(`${fitted[0]} × ${fitted[1]}`, fitted, 'the image, scaled to fit 1920 × 1080'));
    items.push(item(`${w} × ${h}`, [w, h], 'the image at its own size'));
  } else {
    items.push(item(`${view[0]} × ${view[1]}`, view, 'the view as it is on screen'));
  }
  for (const s of [
    [1280, 720],
    [1920, 1080],
    [640, 480],
  ] as [number, number][]) {
    if (!items.some((i) => i.size?.[0] === s[0] && i.size[1] === s[1])) items.push(item(`${s[0]} × ${s[1]}`, s, target.nativeSize ? 'letterboxed' : ''));
  }
  items.push({ label: 'Other size…', description: 'width × height', size: null });
  const picked = await vscode.window.showQuickPick(items, { title: EXPORT_VIDEO_TITLE, placeHolder: 'Video size (pixels)', ignoreFocusOut: true });
  if (!picked) return null;
  if (picked.size) return picked.size;
  const text = await vscode.window.showInputBox({
    title: EXPORT_VIDEO_TITLE,
    placeHolder: 'Video width × height in pixels, e.g. 800x600',
    ignoreFocusOut: true,
    value: `${view[0]}x${view[1]}`,
    validateInput: (t) => (typeof parseSize(t) === 'string' ? (parseSize(t) as string) : null),
  });
  const size = text === undefined ? null : parseSize(text);
  return Array.isArray(size) ? size : null;
}

function parseSize(text: string): [number, number] | string {
  const m = /^\s*(\d+)\s*[x×*, ]\s*(\d+)\s*$/i.exec(text);
  if (!m) return 'Type width x height, e.g. 800x600';
  const w = Number(m[1]);
  const h = Number(m[2]);
  if (w < 2 || h < 2 || w > MAX_SIDE || h > MAX_SIDE) return `Each side must be 2 to ${MAX_SIDE} pixels`;
  return evenSize(w, h);
}

async function askFps(fileFps: number, step: number): Promise<number | null> {
  const fmt = (f: number) => String(Math.round(f * 1000) / 1000);
  const items = [
    { label: `${fmt(fileFps)} fps`, description: step > 1 ? `the file's rate (every ${step}th frame: ${step}× faster)` : "the file's rate", fps: fileFps },
  ];
  if (step > 1) items.push({ label: `${fmt(fileFps / step)} fps`, description: 'real time', fps: fileFps / step });
  for (const f of [24, 25, 30, 60]) if (!items.some((i) => Math.abs(i.fps - f) < 1e-6)) items.push({ label: `${f} fps`, description: '', fps: f });
  const picked = await vscode.window.showQuickPick(items, { title: EXPORT_VIDEO_TITLE, placeHolder: 'Frames per second of the video', ignoreFocusOut: true });
  return picked?.fps ?? null;
}
