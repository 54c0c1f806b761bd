import * as vscode from 'vscode';
import { partsOfPerformances } from '../../core/extract/availableParts';
import type { ExtractPart } from '../../core/extract/extractOptions';
import { resolveInputs } from '../../core/extract/extractInputs';
import { ExplorePanels } from './exploreSmcFolder';
import { pickExtractOptions, type ExtractChoice } from './optionsPicker';
import { estimateExtraction, estimateText, runExtraction, type ExtractEstimate } from './extractRun';
import { pickWorkspacePerformance } from './performancePick';
import { BACK } from './quickSteps';
import { log } from '../kit/log';
import { COMMANDS } from '../ids';
import { registerCommand } from '../kit/commandUi';

/**
 * Extraction commands: Extract Performance…, Extract Subject Folder… (both write files, so they need
 * a trusted workspace) and Explore SMC Folder (read-only). Each takes the Explorer's or the SMC
 * editor's resource, or asks for one.
 */
export function registerExtractCommands(context: vscode.ExtensionContext): void {
  const explore = new ExplorePanels(context.extensionUri);
  context.subscriptions.push(explore);
  registerCommand(context, COMMANDS.extractPerformance, { title: 'Extract Performance', writes: true }, async (uri, uris) => {
    const given = Array.isArray(uris) && uris.length ? (uris as vscode.Uri[]) : uri instanceof vscode.Uri ? [uri] : undefined;
    const targets = given ?? (await pickPerformance());
    // Picked from the list: Back from the options returns to it.
    const repick = given || !targets ? undefined : (previous: vscode.Uri) => pickWorkspacePerformance('Extract Performance', previous);
    if (targets?.length) await extract(targets, 'Extract Performance', repick);
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

/**
 * Asks for the options (Back from the first step returns to the performance pick when there was one),
 * shows the summary with the exact size, and extracts.
 */
async function extract(targets: vscode.Uri[], title: string, repick?: (previous: vscode.Uri) => Promise<vscode.Uri | undefined>): Promise<void> {
  for (;;) {
    const { performances, problems } = await resolveInputs(targets.map((t) => t.fsPath));
    for (const p of problems) log(`${title}: ${p}`);
    if (performances.length === 0) {
      void vscode.window.showWarningMessage(`${title}: no SMC performance found${problems.length ? ` (${problems[0]})` : ''}.`);
      return;
    }
    const label = performances.length === 1 ? performances[0]!.label : `${performances.length} performances`;
    let held: Thenable<ExtractPart[]> | undefined;
    const estimates = new Map<string, ExtractEstimate | undefined>();
    const estimateOf = async (choice: ExtractChoice) => {
      const key = JSON.stringify([choice.request, choice.outDir.toString()]);
      if (!estimates.has(key)) estimates.set(key, await estimateExtraction(performances, choice));
      return estimates.get(key);
    };
    const choice = await pickExtractOptions({
      title: `${title} ${label}`,
      back: repick !== undefined,
      parts: async () =>
        await (held ??= vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Reading what the files hold…' }, () =>
          partsOfPerformances(performances),
        )),
      estimate: async (c) => {
        const e = await estimateOf(c);
        return e && estimateText(e, c.outDir);
      },
    });
    if (choice === BACK) {
      const again = await repick?.(targets[0]!);
      if (!again) return;
      targets = [again];
      continue;
    }
    if (!choice) return;
    const estimate = await estimateOf(choice);
    if (estimate) await runExtraction(estimate, choice);
    return;
  }
}

/** The SMC open in the active editor, or a pick among the workspace's performances (broken ones apart). */
async function pickPerformance(): Promise<vscode.Uri[] | undefined> {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  if (input instanceof vscode.TabInputCustom && input.uri.fsPath.toLowerCase().endsWith('.smc')) return [input.uri];
  const pick = await pickWorkspacePerformance('Extract Performance');
  if (pick) return [pick];
  if ((await vscode.workspace.findFiles('**/*.smc', '**/node_modules/**', 1)).length > 0) return undefined;
  return vscode.window.showOpenDialog({ canSelectMany: true, filters: { 'RenderMe360 SMC': ['smc'] }, openLabel: 'Extract' });
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
