import * as vscode from 'vscode';
import { basename } from 'node:path';
import { InputError } from '../../core/errors';
import type { Loaded } from '../../protocol/common';
import type { SmcHostEvents, SmcRequests } from '../../protocol/smcProtocol';
import { loaded } from '../kit/loaded';
import { log } from '../kit/log';
import { closeSmcSource, openSmcSource, SmcSession } from './smcSession';
import { ParamError, textParam } from '../kit/requestParams';
import { webviewHtml, webviewOptions } from '../kit/webviewHtml';
import { connectWebview } from '../kit/webviewRpc';

export const SMC_VIEW_TYPE = 'bodyCapture.smc';

/** Text the webview may put on the clipboard at once (the calibration of 60 cameras is ~30 kB). */
const MAX_COPY_CHARS = 1_000_000;

/**
 * One open `.smc` (with its partner): opened once per document and shared by all its editors;
 * closing the last editor closes the files.
 */
class SmcDocument implements vscode.CustomDocument {
  readonly session: Promise<Loaded<SmcSession>>;
  /** Set once the last editor closed: requests still in flight then fail on the closed file. */
  closed = false;

  constructor(readonly uri: vscode.Uri) {
    this.session = loaded(basename(uri.fsPath), async () => {
      if (uri.scheme !== 'file') {
        throw new InputError('unsupported', `Only files on disk can be opened (this one is ${uri.scheme}:)`);
      }
      return new SmcSession(await openSmcSource(uri.fsPath));
    });
  }

  dispose(): void {
    this.closed = true;
    void this.session.then((s) => s.ok && closeSmcSource(s.value.source));
  }
}

export class SmcEditorProvider implements vscode.CustomReadonlyEditorProvider<SmcDocument> {
  constructor(private readonly extensionUri: vscode.Uri) {}

  static register(context: vscode.ExtensionContext): vscode.Disposable {
    return vscode.window.registerCustomEditorProvider(SMC_VIEW_TYPE, new SmcEditorProvider(context.extensionUri), {
      supportsMultipleEditorsPerDocument: true,
    });
  }

  openCustomDocument(uri: vscode.Uri): SmcDocument {
    return new SmcDocument(uri);
  }

  resolveCustomEditor(document: SmcDocument, panel: vscode.WebviewPanel): void {
    panel.webview.options = webviewOptions(this.extensionUri);
    const rpc = connectWebview<SmcRequests, SmcHostEvents>(panel, document.uri);
    rpc.handle('open', async () => {
      const s = await document.session;
      return s.ok ? { ok: true, value: s.value.info() } : s;
    });
    rpc.handle('copyText', async (params) => {
      await vscode.env.clipboard.writeText(textParam(params, 'text', MAX_COPY_CHARS));
      return null;
    });
    const session = async () => {
      const s = await document.session;
      if (!s.ok) throw new Error(s.message);
      return s.value;
    };
    const handlers = Object.keys(sessionMethods) as (keyof typeof sessionMethods)[];
    for (const method of handlers) {
      rpc.handle(method, async (params: unknown) => {
        try {
          return await (await session()).handlers[method](params);
        } catch (err) {
          // Bad parameters and bad input are explained to the user; anything else is a bug: log it.
          if (!(err instanceof ParamError || err instanceof InputError || document.closed)) {
            log(`SMC request ${method} failed for ${document.uri.fsPath}: ${(err as Error)?.stack ?? String(err)}`);
          }
          throw err;
        }
      });
    }
    panel.webview.html = webviewHtml(panel.webview, this.extensionUri, 'smc', basename(document.uri.fsPath));
  }
}

/** The methods a session answers, as a value so they can be registered in a loop. */
const sessionMethods: Record<keyof SmcSession['handlers'], true> = {
  contents: true,
  image: true,
  keypoints: true,
  calibration: true,
  keypoints3d: true,
  flameVertices: true,
  scanMesh: true,
  flameFrame: true,
  flameSeries: true,
  uvTexture: true,
  scanMask: true,
  audio: true,
  structure: true,
};
