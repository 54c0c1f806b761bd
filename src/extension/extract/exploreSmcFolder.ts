import * as vscode from 'vscode';
import { basename } from 'node:path';
import { performanceStatus, type PerformanceStatus } from '../../core/smc/performanceStatus';
import { indexSmcFolder } from '../../core/smc/smcFolder';
import { exploreBody, exploreHtml } from './exploreHtml';

/**
 * "Explore SMC Folder": a read-only table of every performance under a folder (files, frames, cameras,
 * resolution, size, whether it is usable and the SMC editor's warnings for it) and of each subject's
 * parts, in a webview panel. It reads headers and inventories only and writes nothing, so it works in
 * untrusted workspaces. Exploring the same folder again refreshes its panel.
 */
export class ExplorePanels implements vscode.Disposable {
  private readonly panels = new Map<string, vscode.WebviewPanel>();

  constructor(private readonly extensionUri: vscode.Uri) {}

  async show(folder: vscode.Uri): Promise<void> {
    const name = basename(folder.fsPath);
    const page = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Reading the SMC files under ${name}…`, cancellable: true },
      async (progress, token) => {
        const index = await indexSmcFolder(folder.fsPath, { onProgress: (done, total) => progress.report({ message: `headers: ${done} of ${total} files` }) });
        const statuses: PerformanceStatus[] = [];
        for (const [i, p] of index.performances.entries()) {
          if (token.isCancellationRequested) return undefined;
          progress.report({ message: `contents: ${i + 1} of ${index.performances.length} performances` });
          statuses.push(await performanceStatus(p));
        }
        return exploreBody(index, statuses);
      },
    );
    if (page === undefined) return;
    const key = folder.toString();
    let panel = this.panels.get(key);
    if (!panel) {
      panel = vscode.window.createWebviewPanel('bodyCapture.exploreSmcFolder', `${name}: SMC summary`, vscode.ViewColumn.Active, {
        enableScripts: false,
        localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'media')],
      });
      this.panels.set(key, panel);
      panel.onDidDispose(() => this.panels.delete(key));
    } else panel.reveal();
    const css = panel.webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', 'explore.css')).toString();
    panel.webview.html = exploreHtml(panel.webview.cspSource, css, `${name}: SMC summary`, page);
  }

  dispose(): void {
    for (const p of this.panels.values()) p.dispose();
  }
}
