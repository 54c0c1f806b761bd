import * as vscode from 'vscode';
import { basename } from 'node:path';
import { resolveInputs } from '../../core/extract/extractInputs';
import { parseSmcFileName } from '../../core/smc/smcNames';
import { ExploreDocuments, EXPLORE_SCHEME } from './exploreSmcFolder';
import { pickExtractOptions } from './optionsPicker';
import { estimateAndExtract } from './extractRun';
import { log } from '../kit/log';
import { COMMANDS } from '../ids';
import { registerCommand } from '../kit/commandUi';

/**
 * Extraction commands: Extract Performance…, Extract Subject Folder… (both write files, so they need
 * a trusted workspace) and Explore SMC Folder (read-only). Each takes the Explorer's or the SMC
 * editor's resource, or asks for one.
 */
export function registerExtractCommands(context: vscode.ExtensionContext): void {
  const explore = new ExploreDocuments();
  context.subscriptions.push(vscode.workspace.registerTextDocumentContentProvider(EXPLORE_SCHEME, explore));
  registerCommand(context, COMMANDS.extractPerformance, { title: 'Extract Performance', writes: true }, async (uri, uris) => {
    const targets = Array.isArray(uris) && uris.length ? (uris as vscode.Uri[]) : uri instanceof vscode.Uri ? [uri] : await pickPerformance();
    if (targets?.length) await extract(targets, 'Extract Performance');
  });
  registerCommand(context, COMMANDS.extractFolder, { title: 'Extract Subject Folder', writes: true }, async (uri) => {
    const folder = uri instanceof vscode.Uri ? uri : await pickFolder('Extract every performance in this folder');
    if (folder) await extract([folder], 'Extract Subject Folder');
  });
  registerCommand(context, COMMANDS.exploreFolder, { title: 'Explore SMC Folder', writes: false }, async (uri) => {
    const folder = uri instanceof vscode.Uri ? uri : await pickFolder('Summarize the SMC files in this folder');
    if (folder) await explore.show(folder);
  });
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
