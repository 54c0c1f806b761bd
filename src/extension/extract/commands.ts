import * as vscode from 'vscode';
import { basename } from 'node:path';
import { errorMessage } from '../../core/errors';
import { resolveInputs } from '../../core/extract/extractInputs';
import { parseSmcFileName } from '../../core/smc/smcNames';
import { ExploreDocuments, EXPLORE_SCHEME } from './exploreSmcFolder';
import { pickExtractOptions } from './optionsPicker';
import { estimateAndExtract } from './extractRun';
import { log } from '../kit/log';
import { requireTrustedWorkspace } from '../kit/workspaceTrust';

/**
 * Extraction commands: Extract Performance…, Extract Subject Folder… (both write files, so they need
 * a trusted workspace) and Explore SMC Folder (read-only). Each takes the Explorer's or the SMC
 * editor's resource, or asks for one.
 */
export function registerExtractCommands(context: vscode.ExtensionContext): void {
  const explore = new ExploreDocuments();
  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(EXPLORE_SCHEME, explore),
    vscode.commands.registerCommand('bodyCapture.extractPerformance', (uri?: vscode.Uri, uris?: vscode.Uri[]) =>
      guarded('Extract Performance', async () => {
        const targets = uris?.length ? uris : uri instanceof vscode.Uri ? [uri] : await pickPerformance();
        if (targets?.length) await extract(targets, 'Extract Performance');
      }),
    ),
    vscode.commands.registerCommand('bodyCapture.extractFolder', (uri?: vscode.Uri) =>
      guarded('Extract Subject Folder', async () => {
        const folder = uri instanceof vscode.Uri ? uri : await pickFolder('Extract every performance in this folder');
        if (folder) await extract([folder], 'Extract Subject Folder');
      }),
    ),
    vscode.commands.registerCommand('bodyCapture.exploreFolder', async (uri?: vscode.Uri) => {
      try {
        const folder = uri instanceof vscode.Uri ? uri : await pickFolder('Summarize the SMC files in this folder');
        if (folder) await explore.show(folder);
      } catch (err) {
        void vscode.window.showErrorMessage(`Explore SMC Folder: ${errorMessage(err)}`);
      }
    }),
  );
}

/** Runs a writing command only in a trusted workspace, and reports failures. */
async function guarded(title: string, fn: () => Promise<void>): Promise<void> {
  if (!requireTrustedWorkspace(title)) return;
  try {
    await fn();
  } catch (err) {
    log(`${title} failed: ${(err as Error)?.stack ?? String(err)}`);
    void vscode.window.showErrorMessage(`${title}: ${errorMessage(err)}`);
  }
}

async function extract(targets: vscode.Uri[], title: string): Promise<void> {
  const { performances, problems } = await resolveInputs(targets.map((t) => t.fsPath));
  for (const p of problems) log(`${title}: ${p}`);
  if (performances.length === 0) {
    void vscode.window.showWarningMessage(`${title}: no SMC performance found${problems.length ? ` (${problems[0]})` : ''}.`);
    return;
  }
  const label = performances.length === 1 ? performances[0]!.label : `${performances.length} performances`;
  const choice = await pickExtractOptions(`${title} ${label}`);
  if (choice) await estimateAndExtract(performances, choice);
}

/** The SMC open in the active editor, or a pick among the workspace's performances. */
async function pickPerformance(): Promise<vscode.Uri[] | undefined> {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  if (input instanceof vscode.TabInputCustom && input.uri.fsPath.toLowerCase().endsWith('.smc')) return [input.uri];
  const files = await vscode.workspace.findFiles('**/*.smc', '**/node_modules/**', 5000);
  const byPerformance = new Map<string, vscode.Uri>();
  for (const f of files.sort((a, b) => a.fsPath.localeCompare(b.fsPath))) {
    const name = parseSmcFileName(f.fsPath);
    const key = name ? `${name.actorId}_${name.part}` : basename(f.fsPath);
    if (!byPerformance.has(key) || name?.kind === 'raw') byPerformance.set(key, f);
  }
  if (byPerformance.size === 0) {
    const chosen = await vscode.window.showOpenDialog({ canSelectMany: true, filters: { 'RenderMe360 SMC': ['smc'] }, openLabel: 'Extract' });
    return chosen;
  }
  const pick = await vscode.window.showQuickPick(
    [...byPerformance].map(([label, uri]) => ({ label, description: vscode.workspace.asRelativePath(uri), uri })),
    { title: 'Extract Performance', placeHolder: 'Which performance (its anno and raw files are extracted together)?', ignoreFocusOut: true },
  );
  return pick ? [pick.uri] : undefined;
}

async function pickFolder(openLabel: string): Promise<vscode.Uri | undefined> {
  const chosen = await vscode.window.showOpenDialog({
    canSelectFolders: true,
    canSelectFiles: false,
    openLabel,
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
  });
  return chosen?.[0];
}
