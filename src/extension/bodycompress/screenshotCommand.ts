import * as vscode from 'vscode';
import { basename, extname } from 'node:path';
import { writeFileAtomic } from '../../core/io/atomicFile';
import { activeBodyCompressEditor } from './openEditors';
import { requireTrustedWorkspace } from '../kit/workspaceTrust';
import { displayPath } from '../kit/commandUi';
import { askSavePath } from '../kit/saveInWorkspace';

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
  const target = await askSavePath(document, {
    title: TITLE,
    subfolder: 'screenshots',
    name: screenshotName(document.fsPath, frame),
    filters: { 'PNG image': ['png'] },
    saveLabel: 'Save Screenshot',
  });
  if (!target) return null;
  await writeFileAtomic(target, png);
  vscode.window.setStatusBarMessage(`Saved screenshot ${displayPath(target)}`, 5000);
  return target;
}
