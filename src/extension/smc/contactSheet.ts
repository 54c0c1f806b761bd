import * as vscode from 'vscode';
import { basename, extname } from 'node:path';
import { writeFileAtomic } from '../../core/io/atomicFile';
import { displayPath } from '../kit/commandUi';
import { askSavePath } from '../kit/saveInWorkspace';
import { activeVideoEditor } from '../kit/videoExport';
import { requireTrustedWorkspace } from '../kit/workspaceTrust';

export const CONTACT_SHEET_TITLE = 'Export Contact Sheet';

/** `0026_e_1_cameras_frame_000012.png`: the file's name and the frame. */
export function contactSheetName(smcPath: string, frame: number): string {
  return `${basename(smcPath, extname(smcPath))}_cameras_frame_${String(frame).padStart(6, '0')}.png`;
}

/** The command: asks the SMC editor in front for its sheet (the webview composes it from the images it shows). */
export function exportContactSheetCommand(): void {
  const editor = activeVideoEditor();
  if (!editor?.requestContactSheet) {
    void vscode.window.showInformationMessage(`${CONTACT_SHEET_TITLE}: open an SMC file first.`);
    return;
  }
  if (!requireTrustedWorkspace(CONTACT_SHEET_TITLE)) return;
  editor.requestContactSheet();
}

/**
 * Saves the sheet where the user says, by default `<workspace>/screenshots/<name>_cameras_frame_NNNNNN.png`
 * (next to the file outside any workspace folder), under a temporary name renamed when written.
 * Resolves the path, or null when the user cancelled.
 */
export async function saveContactSheet(document: vscode.Uri, png: Uint8Array, frame: number): Promise<string | null> {
  if (!requireTrustedWorkspace(CONTACT_SHEET_TITLE)) return null;
  const target = await askSavePath(document, {
    title: CONTACT_SHEET_TITLE,
    subfolder: 'screenshots',
    name: contactSheetName(document.fsPath, frame),
    filters: { 'PNG image': ['png'] },
    saveLabel: 'Save Contact Sheet',
  });
  if (!target) return null;
  await writeFileAtomic(target, png);
  vscode.window.setStatusBarMessage(`Saved contact sheet ${displayPath(target)}`, 5000);
  return target;
}
