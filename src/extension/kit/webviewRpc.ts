import * as vscode from 'vscode';
import { RpcEndpoint, type Envelope, type EventMap, type NoEvents, type NoRequests, type RequestMap } from '../../protocol/rpc';
import type { CommonRequests } from '../../protocol/common';
import { log } from './log';

/** The host end of an editor's channel, with the requests every editor answers already handled. */
export function connectWebview<InReq extends RequestMap & CommonRequests, OutEv extends EventMap>(
  panel: vscode.WebviewPanel,
  uri: vscode.Uri,
): RpcEndpoint<NoRequests, InReq, OutEv, NoEvents> {
  const rpc = new RpcEndpoint<NoRequests, InReq, OutEv, NoEvents>(
    {
      post: (m: Envelope) => void panel.webview.postMessage(m),
      listen: (h) => {
        const sub = panel.webview.onDidReceiveMessage(h);
        return () => {
          sub.dispose();
        };
      },
    },
    (_message, reason) => log(`Ignored a message from the webview of ${uri.fsPath}: ${reason}`),
  );
  rpc.handle('reopenWith', async () => {
    // Make sure our editor is the active one, then VS Code's own picker lists the other editors.
    panel.reveal();
    await vscode.commands.executeCommand('workbench.action.reopenWithEditor', uri);
    return null;
  });
  panel.onDidDispose(() => rpc.dispose());
  return rpc;
}
