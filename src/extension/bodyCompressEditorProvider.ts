import * as vscode from 'vscode';
import { basename } from 'node:path';
import { stat } from 'node:fs/promises';
import { probeBodyCompress } from '../core/bodycompress/probe';
import { InputError } from '../core/errors';
import type { BodyCompressHostEvents, BodyCompressRequests } from '../protocol/bodyCompressProtocol';
import { loaded } from './loaded';
import { webviewHtml, webviewOptions } from './webviewHtml';
import { connectWebview } from './webviewRpc';

export const BODYCOMPRESS_VIEW_TYPE = 'bodyCapture.bodycompress';

class BodyCompressDocument implements vscode.CustomDocument {
  constructor(readonly uri: vscode.Uri) {}
  dispose(): void {}
}

/**
 * Opens every `*.xz`; files that are not BodyCompress get a clear page with "Reopen With…", since
 * the selector cannot look inside a file.
 */
export class BodyCompressEditorProvider implements vscode.CustomReadonlyEditorProvider<BodyCompressDocument> {
  constructor(private readonly extensionUri: vscode.Uri) {}

  static register(context: vscode.ExtensionContext): vscode.Disposable {
    return vscode.window.registerCustomEditorProvider(
      BODYCOMPRESS_VIEW_TYPE,
      new BodyCompressEditorProvider(context.extensionUri),
      { supportsMultipleEditorsPerDocument: true },
    );
  }

  openCustomDocument(uri: vscode.Uri): BodyCompressDocument {
    return new BodyCompressDocument(uri);
  }

  resolveCustomEditor(document: BodyCompressDocument, panel: vscode.WebviewPanel): void {
    panel.webview.options = webviewOptions(this.extensionUri);
    const rpc = connectWebview<BodyCompressRequests, BodyCompressHostEvents>(panel, document.uri);
    const path = document.uri.fsPath;
    rpc.handle('summary', () =>
      loaded(basename(path), async () => {
        if (document.uri.scheme !== 'file') {
          throw new InputError('unsupported', `Only files on disk can be opened (this one is ${document.uri.scheme}:)`);
        }
        const probe = await probeBodyCompress(path);
        const { size } = await stat(path);
        return { fileName: basename(path), fileSize: size, version: probe.version, length: probe.length };
      }),
    );
    panel.webview.html = webviewHtml(panel.webview, this.extensionUri, 'bodycompress', basename(path));
  }
}
