import * as vscode from 'vscode';
import { basename } from 'node:path';
import type { BodyCompressComparePage, BodyCompressFrame, BodyCompressHostEvents } from '../../protocol/bodyCompressProtocol';
import type { EditorContext } from '../kit/customEditor';
import { intParam, ParamError } from '../kit/requestParams';
import type { BodyCompressSession } from './bodyCompressSession';
import { Comparison } from './comparison';
import { activeBodyCompressEditor } from './openEditors';

const TITLE = 'Compare with BodyCompress File';

/** One editor panel's comparison: the second file (if any) and how to tell the webview. */
interface PanelComparison {
  emit: (c: BodyCompressHostEvents['compare']) => void;
  comparison: Comparison | null;
  stopListening: () => void;
}

const panels = new WeakMap<vscode.WebviewPanel, PanelComparison>();

/** Wires an editor panel for comparisons; the returned disposable closes its compared file with the panel. */
export function connectComparison(panel: vscode.WebviewPanel, emit: (c: BodyCompressHostEvents['compare']) => void): vscode.Disposable {
  panels.set(panel, { emit, comparison: null, stopListening: () => undefined });
  return new vscode.Disposable(() => {
    void stopComparison(panel);
    panels.delete(panel);
  });
}

/** The command: picks a second `.xz` for the BodyCompress editor in front and overlays it. */
export async function compareWithBodyCompressFile(): Promise<void> {
  const editor = activeBodyCompressEditor();
  if (!editor) {
    void vscode.window.showInformationMessage(`${TITLE}: open a BodyCompress file first.`);
    return;
  }
  await pickAndCompare(editor.panel, editor.uri);
}

/** Asks which `.xz` to compare with (workspace files, or Browse…), then opens it beside the editor's. */
async function pickAndCompare(panel: vscode.WebviewPanel, own: vscode.Uri): Promise<void> {
  const files = (await vscode.workspace.findFiles('**/*.xz', '**/node_modules/**', 500)).filter((u) => u.fsPath !== own.fsPath);
  const browse = { label: '$(folder-opened) Browse…', alwaysShow: true } as vscode.QuickPickItem & { uri?: vscode.Uri };
  const items = files
    .sort((a, b) => a.fsPath.localeCompare(b.fsPath))
    .map((uri) => ({ label: basename(uri.fsPath), description: vscode.workspace.asRelativePath(uri), uri }));
  const picked = await vscode.window.showQuickPick([...items, browse], {
    title: TITLE,
    placeHolder: `Overlay a second BodyCompress file on ${basename(own.fsPath)}`,
  });
  if (!picked) return;
  let uri = picked.uri;
  if (!uri) {
    const chosen = await vscode.window.showOpenDialog({ title: TITLE, canSelectMany: false, filters: { BodyCompress: ['xz'] } });
    uri = chosen?.[0];
  }
  if (!uri) return;
  if (uri.scheme !== 'file') throw new ParamError(`only files on disk can be compared (this one is ${uri.scheme}:)`);
  await startComparison(panel, uri.fsPath);
}

async function startComparison(panel: vscode.WebviewPanel, path: string): Promise<void> {
  const p = panels.get(panel);
  if (!p) return;
  const comparison = await Comparison.open(path);
  if (panels.get(panel) !== p) {
    await comparison.close();
    return;
  }
  await stopComparison(panel, false);
  p.comparison = comparison;
  p.stopListening = comparison.onIndex(() => p.comparison === comparison && p.emit(comparison.info));
  p.emit(comparison.info);
}

async function stopComparison(panel: vscode.WebviewPanel, tell = true): Promise<void> {
  const p = panels.get(panel);
  const c = p?.comparison;
  if (!p || !c) return;
  p.comparison = null;
  p.stopListening();
  if (tell) p.emit(null);
  await c.close();
}

/** The editor's host handlers for comparisons (the comparison belongs to the panel, not the document). */
export const compareHostHandlers = {
  compareWith: async (_params: unknown, editor: EditorContext<{ session: BodyCompressSession }, BodyCompressHostEvents>): Promise<null> => {
    // Runs on: the picker and the opening report through the `compare` event or a message.
    void pickAndCompare(editor.panel, editor.uri).catch((err: unknown) =>
      vscode.window.showErrorMessage(`${TITLE}: ${(err as Error)?.message ?? String(err)}`),
    );
    return null;
  },
  stopCompare: async (_params: unknown, editor: EditorContext<{ session: BodyCompressSession }, BodyCompressHostEvents>): Promise<null> => {
    await stopComparison(editor.panel);
    return null;
  },
  compareFrame: async (params: unknown, editor: EditorContext<{ session: BodyCompressSession }, BodyCompressHostEvents>): Promise<BodyCompressFrame | null> => {
    // Parameters are checked whether or not a comparison is open.
    const frame = intParam(params, 'frame', 0, Number.MAX_SAFE_INTEGER);
    const c = panels.get(editor.panel)?.comparison;
    return c ? c.frame(frame) : null;
  },
  compareStats: async (
    params: unknown,
    editor: EditorContext<{ session: BodyCompressSession }, BodyCompressHostEvents>,
  ): Promise<BodyCompressComparePage | null> => {
    const from = intParam(params, 'from', 0, Number.MAX_SAFE_INTEGER);
    const step = intParam(params, 'step', 1, Number.MAX_SAFE_INTEGER);
    const c = panels.get(editor.panel)?.comparison;
    return c ? c.stats(await editor.session.session.reader(), from, step) : null;
  },
};
