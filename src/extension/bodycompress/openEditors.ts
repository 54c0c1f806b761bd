import type * as vscode from 'vscode';
import type { BodyCompressSession } from './bodyCompressSession';

/** An open BodyCompress editor, as the commands that act on "the current editor" see it. */
export interface BodyCompressEditorHandle {
  uri: vscode.Uri;
  panel: vscode.WebviewPanel;
  session: BodyCompressSession;
  /** Asks the webview to capture its 3D view and save it (it answers with saveScreenshot). */
  requestScreenshot(): void;
}

const editors = new Set<BodyCompressEditorHandle>();
let lastActive: BodyCompressEditorHandle | undefined;

export function addBodyCompressEditor(h: BodyCompressEditorHandle): void {
  editors.add(h);
  if (h.panel.active) lastActive = h;
}

export function removeBodyCompressEditor(h: BodyCompressEditorHandle): void {
  editors.delete(h);
  if (lastActive === h) lastActive = undefined;
}

export function markBodyCompressEditorActive(h: BodyCompressEditorHandle): void {
  if (h.panel.active) lastActive = h;
}

/** The BodyCompress editor in front (or the one last in front), if any is open. */
export function activeBodyCompressEditor(): BodyCompressEditorHandle | undefined {
  for (const h of editors) if (h.panel.active) return h;
  return lastActive;
}
