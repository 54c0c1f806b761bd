import * as vscode from 'vscode';
import { smcRequests, type SmcHostEvents, type SmcRequests } from '../../protocol/smcProtocol';
import { VIEW_TYPES } from '../ids';
import { registerEditor } from '../kit/customEditor';
import { textParam } from '../kit/requestParams';
import { closeSmcSource, openSmcSource, SmcSession } from './smcSession';

/** Text the webview may put on the clipboard at once (the calibration of 60 cameras is ~30 kB). */
const MAX_COPY_CHARS = 1_000_000;

/**
 * The SMC editor: one open `.smc` (with its partner) per document, shared by its editors. The
 * session answers every request but the clipboard.
 */
export function registerSmcEditor(context: vscode.ExtensionContext): vscode.Disposable {
  return registerEditor<SmcRequests, SmcHostEvents, SmcSession>(context, {
    viewType: VIEW_TYPES.smc,
    bundle: 'smc',
    label: 'SMC',
    requests: smcRequests,
    open: async (path) => new SmcSession(await openSmcSource(path)),
    close: (session) => closeSmcSource(session.source),
    hostHandlers: {
      copyText: async (params) => {
        await vscode.env.clipboard.writeText(textParam(params, 'text', MAX_COPY_CHARS));
        return null;
      },
    },
  });
}
