import * as vscode from 'vscode';
import { relative } from 'node:path';
import { pairReasons, unpairedReason } from '../../core/smc/performanceStatus';
import { indexSmcFolder, type SmcFileRow } from '../../core/smc/smcFolder';
import { BACK, pickStep } from './quickSteps';

type PerformanceItem = vscode.QuickPickItem & { uri?: vscode.Uri; broken?: string };

/**
 * The workspace's performances as a pick: the usable ones first (a missing or broken partner said in
 * the detail: what the other file holds is still extracted), then under "Not usable" those whose files
 * do not open, each with why; choosing one of those says so and keeps the list open.
 */
export async function pickWorkspacePerformance(title: string, previous?: vscode.Uri): Promise<vscode.Uri | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  const items = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Reading SMC headers…' }, () => performanceItems(folders));
  if (items.length === 0) return undefined;
  const pick = await pickStep(items, {
    title,
    placeholder: 'Which performance (its anno and raw files are extracted together)?',
    back: false,
    active: items.find((i) => i.uri?.toString() === previous?.toString()),
    accept: (item) => {
      if (item.broken === undefined) return true;
      void vscode.window.showWarningMessage(`${item.label.replace(/^\$\([\w-]+\) /, '')} cannot be extracted: ${item.broken}. Pick another performance.`);
      return false;
    },
  });
  return pick === BACK ? undefined : pick?.uri;
}

async function performanceItems(folders: readonly vscode.WorkspaceFolder[]): Promise<PerformanceItem[]> {
  const usable: PerformanceItem[] = [];
  const broken: PerformanceItem[] = [];
  for (const folder of folders) {
    const index = await indexSmcFolder(folder.uri.fsPath);
    const rel = (f: SmcFileRow) => vscode.workspace.asRelativePath(f.path);
    for (const p of index.performances) {
      const label = `${p.actorId}_${p.part}`;
      const reasons = pairReasons(p);
      // The raw file first: extraction finds its anno partner from it.
      const open = [p.raw, p.anno].find((f): f is SmcFileRow => f !== null && !f.error);
      if (open) {
        usable.push({
          label,
          description: rel(open),
          detail: reasons.length ? `$(warning) ${reasons.join('; ')}: extracts what the ${open === p.raw ? 'raw' : 'anno'} file holds` : undefined,
          uri: vscode.Uri.file(open.path),
        });
      } else {
        broken.push({ label: `$(error) ${label}`, description: reasons.join('; '), broken: reasons.join('; ') });
      }
    }
    for (const row of index.unrecognizedRows) {
      const reason = unpairedReason(row);
      const name = relative(index.root, row.path);
      if (row.error) broken.push({ label: `$(error) ${name}`, description: reason, broken: reason });
      else usable.push({ label: name, description: reason, uri: vscode.Uri.file(row.path) });
    }
  }
  if (broken.length === 0) return usable;
  return [...usable, { label: 'Not usable', kind: vscode.QuickPickItemKind.Separator }, ...broken];
}
