import * as vscode from 'vscode';
import { basename } from 'node:path';
import { SmcFile } from '../core/smc/smcFile';
import { InputError } from '../core/errors';
import type { Loaded } from '../protocol/common';
import type { SmcHostEvents, SmcOverview, SmcRequests } from '../protocol/smcProtocol';
import { loaded } from './loaded';
import { webviewHtml, webviewOptions } from './webviewHtml';
import { connectWebview } from './webviewRpc';

export const SMC_VIEW_TYPE = 'bodyCapture.smc';

/** One open `.smc`: the file is opened once per document and shared by all its editors. */
class SmcDocument implements vscode.CustomDocument {
  readonly file: Promise<Loaded<SmcFile>>;

  constructor(readonly uri: vscode.Uri) {
    this.file = loaded(basename(uri.fsPath), async () => {
      if (uri.scheme !== 'file') {
        throw new InputError('unsupported', `Only files on disk can be opened (this one is ${uri.scheme}:)`);
      }
      return SmcFile.open(uri.fsPath);
    });
  }

  dispose(): void {
    void this.file.then((f) => f.ok && f.value.close());
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
    rpc.handle('overview', async () => {
      const file = await document.file;
      if (!file.ok) return file;
      return { ok: true, value: overviewOf(file.value) };
    });
    panel.webview.html = webviewHtml(panel.webview, this.extensionUri, 'smc', basename(document.uri.fsPath));
  }
}

function overviewOf(file: SmcFile): SmcOverview {
  const h = file.header;
  return {
    fileName: basename(file.path),
    fileKind: file.fileKind,
    actorId: h.actorId,
    performancePart: h.performancePart,
    performanceKind: file.performanceKind,
    captureDate: h.captureDate,
    actorInfo: h.actorInfo,
    cameraInfo: h.cameraInfo,
  };
}
