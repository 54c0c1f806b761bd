import * as vscode from 'vscode';
import { smcRequests, type SmcHostEvents, type SmcRequests } from '../../protocol/smcProtocol';
import { VIEW_TYPES } from '../ids';
import { registerEditor } from '../kit/customEditor';
import { bytesParam, intParam, textParam } from '../kit/requestParams';
import { closeSmcSource, openSmcSource, SmcSession } from './smcSession';
import { addVideoEditor, videoExportHandlers } from '../kit/videoExport';
import { saveContactSheet } from './contactSheet';
import { TEMPLATE_FACES_SETTING, TemplateFacesLibrary } from '../bodycompress/templateFaces';
import { flameWireframe } from './smcProjections';

/** Text the webview may put on the clipboard at once (the calibration of 60 cameras is ~30 kB). */
const MAX_COPY_CHARS = 1_000_000;
/** A contact sheet of 60 cameras is a few MB as PNG; far beyond is not one. */
const MAX_CONTACT_SHEET_BYTES = 256 * 2 ** 20;
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** FLAME has 5,023 vertices; a faces file for more is not FLAME's. */
const MAX_FLAME_VERTICES = 100_000;

/**
 * The SMC editor: one open `.smc` (with its partner) per document, shared by its editors. The
 * session answers every request but the clipboard.
 */
export function registerSmcEditor(context: vscode.ExtensionContext): vscode.Disposable {
  const templateFaces = new TemplateFacesLibrary();
  return registerEditor<SmcRequests, SmcHostEvents, SmcSession>(context, {
    viewType: VIEW_TYPES.smc,
    bundle: 'smc',
    label: 'SMC',
    requests: smcRequests,
    open: async (path) => new SmcSession(await openSmcSource(path)),
    close: (session) => closeSmcSource(session.source),
    hostHandlers: {
      // FLAME's faces from the same setting the BodyCompress editor uses (vertex count → faces file).
      flameFaces: async (params, editor) => {
        const vertexCount = intParam(params, 'vertexCount', 1, MAX_FLAME_VERTICES);
        const folder = vscode.workspace.getWorkspaceFolder(editor.uri) ?? vscode.workspace.workspaceFolders?.[0];
        const setting = vscode.workspace.getConfiguration('bodyCapture').get<unknown>(TEMPLATE_FACES_SETTING);
        return flameWireframe(await templateFaces.facesFor(setting, vertexCount, folder?.uri.fsPath ?? null), vertexCount);
      },
      copyText: async (params) => {
        await vscode.env.clipboard.writeText(textParam(params, 'text', MAX_COPY_CHARS));
        return null;
      },
      ...videoExportHandlers,
      saveContactSheet: async (params, editor) => {
        const png = bytesParam(params, 'png', MAX_CONTACT_SHEET_BYTES, PNG_SIGNATURE);
        const frame = intParam(params, 'frame', 0, Number.MAX_SAFE_INTEGER);
        return { saved: await saveContactSheet(editor.uri, png, frame) };
      },
    },
    connect: (editor) => [
      addVideoEditor({
        uri: editor.uri,
        panel: editor.panel,
        requestVideo: () => editor.emit('videoExportRequested', null),
        requestContactSheet: () => editor.emit('contactSheetRequested', null),
      }),
    ],
  });
}
