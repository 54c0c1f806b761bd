import * as vscode from 'vscode';
import { mkdir, rmdir } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { writeFileAtomic } from '../../core/io/atomicFile';
import { activeBodyCompressEditor } from './openEditors';
import { requireTrustedWorkspace } from '../kit/workspaceTrust';
import { displayPath } from '../kit/commandUi';

const TITLE = 'Save Screenshot of 3D View';

/** `walk_frame_000123.png`: the file's name and the frame shown. */
export function screenshotName(xzPath: string, frame: number): string {
  return `${basename(xzPath, extname(xzPath))}_frame_${String(frame).padStart(6, '0')}.png`;
}

/** The command: asks the BodyCompress editor in front for its 3D view (it answers with the PNG). */
export function requestBodyCompressScreenshot(): void {
  const editor = activeBodyCompressEditor();
  if (!editor) {
    void vscode.window.showInformationMessage(`${TITLE}: open a BodyCompress file first.`);
    return;
  }
  if (!requireTrustedWorkspace(TITLE)) return;
  editor.requestScreenshot();
}

/**
 * Saves a PNG of the 3D view where the user says, by default `<workspace>/screenshots/<name>_frame_NNNNNN.png`
 * (next to the file when it is outside any workspace folder); written under a temporary name and
 * renamed. Resolves the path, or null when the user cancelled.
 */
export async function saveBodyCompressScreenshot(document: vscode.Uri, png: Uint8Array, frame: number): Promise<string | null> {
  if (!requireTrustedWorkspace(TITLE)) return null;
  const folder = join(vscode.workspace.getWorkspaceFolder(document)?.uri.fsPath ?? dirname(document.fsPath), 'screenshots');
  // The default folder must exist for the dialog to accept it; it goes again if nothing is saved there.
  const created = await mkdir(folder, { recursive: true }).catch(() => undefined);
  const target = await vscode.window.showSaveDialog({
    title: TITLE,
    defaultUri: vscode.Uri.file(join(folder, screenshotName(document.fsPath, frame))),
    filters: { 'PNG image': ['png'] },
    saveLabel: 'Save Screenshot',
  });
  if (created && dirname(target?.fsPath ?? '') !== folder) await rmdir(folder).catch(() => undefined);
  if (!target) return null;
  if (target.scheme !== 'file') {
    void vscode.window.showErrorMessage(`${TITLE}: only folders on disk can be used (this one is ${target.scheme}:)`);
    return null;
  }
  await writeFileAtomic(target.fsPath, png);
  vscode.window.setStatusBarMessage(`Saved screenshot ${displayPath(target.fsPath)}`, 5000);
  return target.fsPath;
}
