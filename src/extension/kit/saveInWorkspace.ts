import * as vscode from 'vscode';
import { mkdir, rmdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export interface SaveTarget {
  title: string;
  /** The default folder, under the file's workspace folder (next to the file outside any). */
  subfolder: string;
  name: string;
  filters: Record<string, string[]>;
  saveLabel: string;
}

/**
 * The save dialog for what an editor exports (screenshots, contact sheets, videos), opened at
 * `<workspace>/<subfolder>/<name>`. Resolves a path on disk, or null when the user cancelled or
 * picked a place that is not a local folder (said in a message).
 */
export async function askSavePath(document: vscode.Uri, t: SaveTarget): Promise<string | null> {
  const folder = join(vscode.workspace.getWorkspaceFolder(document)?.uri.fsPath ?? dirname(document.fsPath), t.subfolder);
  // The default folder must exist for the dialog to accept it; it goes again if nothing is saved there.
  const created = await mkdir(folder, { recursive: true }).catch(() => undefined);
  const target = await vscode.window.showSaveDialog({
    title: t.title,
    defaultUri: vscode.Uri.file(join(folder, t.name)),
    filters: t.filters,
    saveLabel: t.saveLabel,
  });
  if (created && dirname(target?.fsPath ?? '') !== folder) await rmdir(folder).catch(() => undefined);
  if (!target) return null;
  if (target.scheme !== 'file') {
    void vscode.window.showErrorMessage(`${t.title}: only folders on disk can be used (this one is ${target.scheme}:)`);
    return null;
  }
  return target.fsPath;
}
