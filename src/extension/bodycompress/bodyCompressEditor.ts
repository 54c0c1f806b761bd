import * as vscode from 'vscode';
import { basename, dirname } from 'node:path';
import { InputError } from '../../core/errors';
import type { BodyCompressHostEvents, BodyCompressRequests } from '../../protocol/bodyCompressProtocol';
import { addBodyCompressEditor, markBodyCompressEditorActive, removeBodyCompressEditor, type BodyCompressEditorHandle } from './openEditors';
import { BodyCompressSession } from './bodyCompressSession';
import { exportBodyCompressFrames } from './exportCommand';
import { saveBodyCompressScreenshot } from './screenshotCommand';
import { log } from '../kit/log';
import { bytesParam, intParam, ParamError } from '../kit/requestParams';
import { TEMPLATE_FACES_SETTING, TemplateFacesLibrary } from './templateFaces';
import { webviewHtml, webviewOptions } from '../kit/webviewHtml';
import { connectWebview } from '../kit/webviewRpc';

export const BODYCOMPRESS_VIEW_TYPE = 'bodyCapture.bodycompress';

/** A screenshot of a 4K view is a few MB; anything far beyond is not one. */
const MAX_SCREENSHOT_BYTES = 64 * 2 ** 20;
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** Writers touch a file many times while they write it: reopen once it has been quiet this long. */
const RELOAD_DELAY_MS = 400;
/** Vertex counts a webview may ask faces for (SMPL-X has 10,475; dense scans far more). */
const MAX_VERTEX_COUNT = 50_000_000;

/**
 * One open `.xz`: the file is opened once per document (reader and its worker threads) and shared
 * by all its editors; it is opened again when it changes on disk, and closed with the last editor.
 */
class BodyCompressDocument implements vscode.CustomDocument {
  readonly session: BodyCompressSession;
  private readonly watcher: vscode.FileSystemWatcher | null = null;
  private reloadTimer: NodeJS.Timeout | undefined;

  constructor(readonly uri: vscode.Uri) {
    const unsupported = async (): Promise<never> => {
      throw new InputError('unsupported', `Only files on disk can be opened (this one is ${uri.scheme}:)`);
    };
    this.session = new BodyCompressSession(uri.fsPath, uri.scheme === 'file' ? undefined : unsupported, (what, err) =>
      log(`Unexpected error while ${what}: ${(err as Error)?.stack ?? String(err)}`),
    );
    if (uri.scheme !== 'file') return;
    this.watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(dirname(uri.fsPath)), basename(uri.fsPath)));
    const changed = () => {
      clearTimeout(this.reloadTimer);
      this.reloadTimer = setTimeout(() => void this.session.reload(), RELOAD_DELAY_MS);
    };
    this.watcher.onDidChange(changed);
    this.watcher.onDidCreate(changed);
  }

  dispose(): void {
    clearTimeout(this.reloadTimer);
    this.watcher?.dispose();
    void this.session.close();
  }
}

export class BodyCompressEditorProvider implements vscode.CustomReadonlyEditorProvider<BodyCompressDocument> {
  private readonly faces = new TemplateFacesLibrary();
  private readonly facesListeners = new Set<() => void>();

  constructor(private readonly extensionUri: vscode.Uri) {}

  static register(context: vscode.ExtensionContext): vscode.Disposable {
    const provider = new BodyCompressEditorProvider(context.extensionUri);
    return vscode.Disposable.from(
      vscode.window.registerCustomEditorProvider(BODYCOMPRESS_VIEW_TYPE, provider, { supportsMultipleEditorsPerDocument: true }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!e.affectsConfiguration(`bodyCapture.${TEMPLATE_FACES_SETTING}`)) return;
        provider.faces.clear();
        for (const l of provider.facesListeners) l();
      }),
    );
  }

  openCustomDocument(uri: vscode.Uri): BodyCompressDocument {
    return new BodyCompressDocument(uri);
  }

  resolveCustomEditor(document: BodyCompressDocument, panel: vscode.WebviewPanel): void {
    panel.webview.options = webviewOptions(this.extensionUri);
    const rpc = connectWebview<BodyCompressRequests, BodyCompressHostEvents>(panel, document.uri);
    const { session } = document;
    // Requests that hit a bug (not bad input or bad parameters) are logged.
    const logged = <T>(method: string, fn: () => Promise<T>) =>
      fn().catch((err: unknown) => {
        if (!(err instanceof ParamError || err instanceof InputError || (err as Error)?.name === 'AbortError')) {
          log(`BodyCompress request ${method} failed for ${document.uri.fsPath}: ${(err as Error)?.stack ?? String(err)}`);
        }
        throw err;
      });
    rpc.handle('open', () => session.opened());
    rpc.handle('frame', (params) => logged('frame', () => session.handlers.frame(params)));
    rpc.handle('personCounts', (params) => logged('personCounts', () => session.handlers.personCounts(params)));
    rpc.handle('faces', (params) =>
      logged('faces', async () => {
        const vertexCount = intParam(params, 'vertexCount', 1, MAX_VERTEX_COUNT);
        const folder = vscode.workspace.getWorkspaceFolder(document.uri) ?? vscode.workspace.workspaceFolders?.[0];
        const setting = vscode.workspace.getConfiguration('bodyCapture').get<unknown>(TEMPLATE_FACES_SETTING);
        return this.faces.facesFor(setting, vertexCount, folder?.uri.fsPath ?? null);
      }),
    );
    rpc.handle('saveScreenshot', (params) =>
      logged('saveScreenshot', async () => {
        const png = bytesParam(params, 'png', MAX_SCREENSHOT_BYTES, PNG_SIGNATURE);
        const frame = intParam(params, 'frame', 0, Number.MAX_SAFE_INTEGER);
        return { saved: await saveBodyCompressScreenshot(document.uri, png, frame) };
      }),
    );
    rpc.handle('exportFrames', (params) =>
      logged('exportFrames', async () => {
        const start = intParam(params, 'start', 0, Number.MAX_SAFE_INTEGER);
        const end = (params as { end?: unknown }).end === null ? Infinity : intParam(params, 'end', start + 1, Number.MAX_SAFE_INTEGER);
        // Runs on: the command shows its own review list, progress and result.
        void exportBodyCompressFrames(document.uri, { range: { start, end, step: 1 } });
        return null;
      }),
    );

    const handle: BodyCompressEditorHandle = {
      uri: document.uri,
      panel,
      session,
      requestScreenshot: () => rpc.emit('screenshotRequested', null),
    };
    addBodyCompressEditor(handle);
    const facesChanged = () => rpc.emit('facesChanged', null);
    this.facesListeners.add(facesChanged);
    const subscriptions = [
      session.onIndex((s) => rpc.emit('index', s)),
      session.onReload(() => rpc.emit('reloaded', null)),
      () => this.facesListeners.delete(facesChanged),
    ];
    const viewState = panel.onDidChangeViewState(() => markBodyCompressEditorActive(handle));
    panel.onDidDispose(() => {
      subscriptions.forEach((unsubscribe) => unsubscribe());
      viewState.dispose();
      removeBodyCompressEditor(handle);
    });
    panel.webview.html = webviewHtml(panel.webview, this.extensionUri, 'bodycompress', basename(document.uri.fsPath));
  }
}
