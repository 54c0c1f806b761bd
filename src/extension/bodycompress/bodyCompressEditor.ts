import * as vscode from 'vscode';
import { basename, dirname } from 'node:path';
import { bodyCompressRequests, type BodyCompressHostEvents, type BodyCompressRequests } from '../../protocol/bodyCompressProtocol';
import { VIEW_TYPES } from '../ids';
import { registerEditor } from '../kit/customEditor';
import { errorDetail } from '../../core/errors';
import { log } from '../kit/log';
import { bytesParam, intOrNullParam, intParam } from '../kit/requestParams';
import { BodyCompressSession } from './bodyCompressSession';
import { compareHostHandlers, connectComparison } from './compareCommand';
import { exportBodyCompressFrames } from './exportCommand';
import { addBodyCompressEditor, markBodyCompressEditorActive, removeBodyCompressEditor, type BodyCompressEditorHandle } from './openEditors';
import { saveBodyCompressScreenshot } from './screenshotCommand';
import { onSourceVideoChanged, setSourceVideo, sourceImage, sourceVideoBytes, sourceVideoFor } from './sourceVideo';
import { TEMPLATE_FACES_SETTING, TemplateFacesLibrary } from './templateFaces';
import { addVideoEditor, videoExportHandlers } from '../kit/videoExport';

/** A screenshot of a 4K view is a few MB; anything far beyond is not one. */
const MAX_SCREENSHOT_BYTES = 64 * 2 ** 20;
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** Writers touch a file many times while they write it: reopen once it has been quiet this long. */
const RELOAD_DELAY_MS = 400;
/** Vertex counts a webview may ask faces for (SMPL-X has 10,475; dense scans far more). */
const MAX_VERTEX_COUNT = 50_000_000;

/**
 * One open `.xz`: the session (reader and its worker threads) shared by the document's editors,
 * opened again when the file changes on disk.
 */
class WatchedSession {
  readonly handlers: BodyCompressSession['handlers'];
  private readonly watcher: vscode.FileSystemWatcher;
  private reloadTimer: NodeJS.Timeout | undefined;

  constructor(readonly session: BodyCompressSession) {
    this.handlers = session.handlers;
    const path = session.path;
    this.watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(dirname(path)), basename(path)));
    const changed = () => {
      clearTimeout(this.reloadTimer);
      this.reloadTimer = setTimeout(() => void session.reload(), RELOAD_DELAY_MS);
    };
    this.watcher.onDidChange(changed);
    this.watcher.onDidCreate(changed);
  }

  close(): Promise<void> {
    clearTimeout(this.reloadTimer);
    this.watcher.dispose();
    return this.session.close();
  }
}

/**
 * The BodyCompress editor: the session answers `open`, `frame` and `personCounts`; template faces,
 * screenshots and export need VS Code. Each panel is listed for the commands that act on the
 * editor in front, and hears index progress, reloads and changes of the faces setting.
 */
export function registerBodyCompressEditor(context: vscode.ExtensionContext): vscode.Disposable {
  const faces = new TemplateFacesLibrary();
  const facesListeners = new Set<() => void>();
  return vscode.Disposable.from(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration(`bodyCapture.${TEMPLATE_FACES_SETTING}`)) return;
      faces.clear();
      for (const l of facesListeners) l();
    }),
    registerEditor<BodyCompressRequests, BodyCompressHostEvents, WatchedSession>(context, {
      viewType: VIEW_TYPES.bodyCompress,
      bundle: 'bodycompress',
      label: 'BodyCompress',
      requests: bodyCompressRequests,
      open: (path) => new WatchedSession(new BodyCompressSession(path, undefined, (what, err) => log(`Unexpected error while ${what}: ${errorDetail(err)}`))),
      close: (s) => s.close(),
      hostHandlers: {
        faces: async (params, editor) => {
          const vertexCount = intParam(params, 'vertexCount', 1, MAX_VERTEX_COUNT);
          const folder = vscode.workspace.getWorkspaceFolder(editor.uri) ?? vscode.workspace.workspaceFolders?.[0];
          const setting = vscode.workspace.getConfiguration('bodyCapture').get<unknown>(TEMPLATE_FACES_SETTING);
          return faces.facesFor(setting, vertexCount, folder?.uri.fsPath ?? null);
        },
        saveScreenshot: async (params, editor) => {
          const png = bytesParam(params, 'png', MAX_SCREENSHOT_BYTES, PNG_SIGNATURE);
          const frame = intParam(params, 'frame', 0, Number.MAX_SAFE_INTEGER);
          return { saved: await saveBodyCompressScreenshot(editor.uri, png, frame) };
        },
        exportFrames: async (params, editor) => {
          const start = intParam(params, 'start', 0, Number.MAX_SAFE_INTEGER);
          const end = intOrNullParam(params, 'end', start + 1, Number.MAX_SAFE_INTEGER) ?? Infinity;
          // Runs on: the command shows its own review list, progress and result.
          void exportBodyCompressFrames(editor.uri, { range: { start, end, step: 1 } });
          return null;
        },
        sourceVideo: (_params, editor) => sourceVideoFor(context, editor.uri, editor.panel, editor.session.session),
        sourceVideoBytes: (params, editor) => sourceVideoBytes(editor.panel, params),
        sourceImage: (params, editor) => sourceImage(editor.panel, params),
        pickSourceVideo: async (_params, editor) => {
          // Runs on: the answer comes as `sourceVideoChanged` once the user has picked.
          void setSourceVideo(context, editor.uri);
          return null;
        },
        ...compareHostHandlers,
        ...videoExportHandlers,
      },
      connect: (editor) => {
        const { session } = editor.session;
        const handle: BodyCompressEditorHandle = {
          uri: editor.uri,
          panel: editor.panel,
          session,
          requestScreenshot: () => editor.emit('screenshotRequested', null),
        };
        addBodyCompressEditor(handle);
        const facesChanged = () => editor.emit('facesChanged', null);
        facesListeners.add(facesChanged);
        const unsubscribe = [session.onIndex((s) => editor.emit('index', s)), session.onReload(() => editor.emit('reloaded', null))];
        return [
          connectComparison(editor.panel, (c) => editor.emit('compare', c)),
          addVideoEditor({ uri: editor.uri, panel: editor.panel, requestVideo: () => editor.emit('videoExportRequested', null) }),
          onSourceVideoChanged(editor.uri, () => editor.emit('sourceVideoChanged', null)),
          editor.panel.onDidChangeViewState(() => markBodyCompressEditorActive(handle)),
          new vscode.Disposable(() => {
            unsubscribe.forEach((u) => u());
            facesListeners.delete(facesChanged);
            removeBodyCompressEditor(handle);
          }),
        ];
      },
    }),
  );
}
