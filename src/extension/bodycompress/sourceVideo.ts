import * as vscode from 'vscode';
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { dictGet } from '../../core/bodycompress/pyValues';
import {
  VIDEO_EXTENSIONS,
  frameImages,
  missingSourceMessage,
  portableBasename,
  resolveSourceVideo,
  type SourceKind,
  type SourceProbe,
} from '../../core/bodycompress/sourceVideoPath';
import type { BodyCompressSourceVideo } from '../../protocol/bodyCompressProtocol';
import type { BodyCompressSession } from './bodyCompressSession';
import { MAX_RANGE_BYTES, readRange, readWhole, servedFile, type ServedFile } from './sourceBytes';
import { intParam, ParamError } from '../kit/requestParams';

/*
 * The source video behind the through-camera view. The webview demuxes and decodes it itself
 * (mediabunny + WebCodecs, videoBackdrop.ts) from byte ranges it asks the host for
 * (`sourceVideoBytes`, sourceBytes.ts): the extension host may be remote, and the file is never read
 * whole. We chose this over `webview.asWebviewUri` and a <video> element because VS Code's
 * resource loader (code-server 4.100.3's service worker) reads the whole file for every range
 * request, and the file's folder had to be in the page's resource roots before it was served.
 */

const TITLE = 'Set Source Video';
/** Per file URI: the video or image folder the user picked (globalState, so it holds in any window). */
const PICKED_KEY = 'bodyCapture.sourceVideo.picked';
/** Where to find a video of a given name in the workspace; never in dependencies. */
const WORKSPACE_EXCLUDE = '**/node_modules/**';

const listeners = new Map<string, Set<() => void>>();

/** Calls `changed` when the source of the file at `uri` is set or forgotten; returns the unsubscribe. */
export function onSourceVideoChanged(uri: vscode.Uri, changed: () => void): vscode.Disposable {
  const key = uri.toString();
  const set = listeners.get(key) ?? new Set();
  listeners.set(key, set.add(changed));
  return new vscode.Disposable(() => set.delete(changed));
}

const probe: SourceProbe = {
  kind: async (path) => {
    const s = await stat(path).catch(() => null);
    return s?.isDirectory() ? 'dir' : s?.isFile() ? 'file' : null;
  },
  findByName: async (name) => {
    // The glob is built from the name: characters that mean something to it are not searched for.
    if (/[*?[\]{}]/.test(name)) return null;
    const [hit] = await vscode.workspace.findFiles(`**/${name}`, WORKSPACE_EXCLUDE, 1);
    return hit?.scheme === 'file' ? hit.fsPath : null;
  },
};

/** The metadata's `video_path` (str, or bytes as UTF-8), or null. */
async function metadataVideoPath(session: BodyCompressSession): Promise<string | null> {
  const v = dictGet((await session.reader()).metadata, 'video_path');
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return new TextDecoder().decode(v);
  return null;
}

interface Found {
  path: string;
  kind: SourceKind;
}

/** The picked source, else the metadata's; or one line saying what is missing (null: the file names none). */
async function findSource(context: vscode.ExtensionContext, uri: vscode.Uri, session: BodyCompressSession): Promise<Found | { message: string } | null> {
  const picked = pickedSources(context)[uri.toString()];
  if (picked) {
    const kind = await probe.kind(picked);
    return kind ? { path: picked, kind: kind === 'dir' ? 'images' : 'video' } : { message: missingSourceMessage(picked) };
  }
  const r = await resolveSourceVideo(await metadataVideoPath(session), uri.fsPath, probe);
  if (!r) return null;
  return 'missing' in r ? { message: missingSourceMessage(r.missing) } : { path: r.found, kind: r.kind };
}

/** What an editor's page was last told its source is: byte requests read from that only. */
interface Served {
  token: number;
  file: ServedFile | null;
  images: string[];
  /** Bytes sent for this source so far (the e2e test checks a seek reads a small part of a long video). */
  sent: number;
}

const served = new WeakMap<vscode.WebviewPanel, Served>();
let nextToken = 1;

/** The `sourceVideo` request: what the source is (its bytes come with the requests below), or one line saying what is missing. */
export async function sourceVideoFor(
  context: vscode.ExtensionContext,
  uri: vscode.Uri,
  panel: vscode.WebviewPanel,
  session: BodyCompressSession,
): Promise<BodyCompressSourceVideo> {
  const token = nextToken++;
  served.set(panel, { token, file: null, images: [], sent: 0 });
  const r = await findSource(context, uri, session);
  if (!r) return { source: null, message: null };
  if ('message' in r) return { source: null, message: r.message };
  if (r.kind === 'video') {
    const file = await servedFile(r.path).catch(() => null);
    if (!file) return { source: null, message: missingSourceMessage(r.path) };
    served.set(panel, { token, file, images: [], sent: 0 });
    return { source: { kind: 'video', path: r.path, size: file.size, token }, message: null };
  }
  const names = frameImages(await readdir(r.path));
  if (names.length === 0)
    return { source: null, message: `The image folder ${r.path} holds no images (.jpg, .png, .webp, .bmp): pick another with Set Source Video...` };
  served.set(panel, { token, file: null, images: names.map((n) => join(r.path, n)), sent: 0 });
  return { source: { kind: 'images', path: r.path, names, token }, message: null };
}

/** The source of the answer `token` for this panel; null when the page has moved on to another (its reads are dropped). */
function current(panel: vscode.WebviewPanel, params: unknown): Served | null {
  const token = intParam(params, 'token', 0, Number.MAX_SAFE_INTEGER);
  const s = served.get(panel);
  return s?.token === token ? s : null;
}

/** The `sourceVideoBytes` request: a byte range of the video (empty when the page asks for a source it no longer has). */
export async function sourceVideoBytes(panel: vscode.WebviewPanel, params: unknown): Promise<{ bytes: Uint8Array; served: number }> {
  const start = intParam(params, 'start', 0, Number.MAX_SAFE_INTEGER - 1);
  const end = intParam(params, 'end', start + 1, start + MAX_RANGE_BYTES);
  const s = current(panel, params);
  if (!s?.file) return { bytes: new Uint8Array(0), served: 0 };
  const bytes = await readRange(s.file, start, end);
  s.sent += bytes.length;
  return { bytes, served: s.sent };
}

/** The `sourceImage` request: image `index` of the frame folder, whole (empty when the page asks for a source it no longer has). */
export async function sourceImage(panel: vscode.WebviewPanel, params: unknown): Promise<Uint8Array> {
  const index = intParam(params, 'index', 0, Number.MAX_SAFE_INTEGER);
  const s = current(panel, params);
  if (!s?.images.length) return new Uint8Array(0);
  const path = s.images[index];
  if (path === undefined) throw new ParamError(`index ${index} is outside 0..${s.images.length - 1}`);
  const bytes = await readWhole(path);
  s.sent += bytes.length;
  return bytes;
}

function pickedSources(context: vscode.ExtensionContext): Record<string, string> {
  return context.globalState.get<Record<string, string>>(PICKED_KEY) ?? {};
}

/**
 * "Set Source Video...": a video of the workspace, or Browse for a video or a folder of frame
 * images, or back to the file's own `video_path`. Remembered per file; the editors of the file
 * are told.
 */
export async function setSourceVideo(context: vscode.ExtensionContext, uri: vscode.Uri | undefined): Promise<void> {
  if (!uri) {
    void vscode.window.showInformationMessage(`${TITLE}: open a BodyCompress file first.`);
    return;
  }
  type Item = vscode.QuickPickItem & { path?: string; browse?: 'video' | 'images'; forget?: true };
  const videos = await vscode.workspace.findFiles(`**/*.{${VIDEO_EXTENSIONS.join(',')}}`, WORKSPACE_EXCLUDE, 500);
  const current = pickedSources(context)[uri.toString()];
  const items: Item[] = [
    ...videos
      .filter((v) => v.scheme === 'file')
      .sort((a, b) => a.fsPath.localeCompare(b.fsPath))
      .map((v) => ({ label: basename(v.fsPath), description: vscode.workspace.asRelativePath(v), path: v.fsPath })),
    { label: '$(file-media) Browse for a video…', alwaysShow: true, browse: 'video' },
    { label: '$(folder-opened) Browse for a folder of frame images…', alwaysShow: true, browse: 'images' },
  ];
  if (current)
    items.push({ label: "$(discard) Use the file's own video_path", description: `instead of ${portableBasename(current)}`, alwaysShow: true, forget: true });
  const choice = await vscode.window.showQuickPick(items, { title: TITLE, placeHolder: `Source video of ${basename(uri.fsPath)}`, matchOnDescription: true });
  if (!choice) return;
  let path = choice.path;
  if (choice.browse) {
    const images = choice.browse === 'images';
    const chosen = await vscode.window.showOpenDialog({
      title: TITLE,
      canSelectFiles: !images,
      canSelectFolders: images,
      canSelectMany: false,
      filters: images ? undefined : { Videos: VIDEO_EXTENSIONS },
      defaultUri: vscode.Uri.file(dirname(uri.fsPath)),
    });
    const picked = chosen?.[0];
    if (!picked) return;
    if (picked.scheme !== 'file') {
      void vscode.window.showErrorMessage(`${TITLE}: only files on disk can be used (this one is ${picked.scheme}:)`);
      return;
    }
    path = picked.fsPath;
  }
  const key = uri.toString();
  const others = Object.entries(pickedSources(context)).filter(([k]) => k !== key);
  const picked = !choice.forget && path ? [[key, path] as const] : [];
  await context.globalState.update(PICKED_KEY, Object.fromEntries([...others, ...picked]));
  for (const l of listeners.get(uri.toString()) ?? []) l();
}
