import * as vscode from 'vscode';
import { basename, relative } from 'node:path';
import { formatBytes } from '../../core/formatBytes';
import { indexSmcFolder, type SmcFileRow, type SmcFolderIndex } from '../../core/smc/smcFolder';
import { folderTotals, performanceBytes, performanceHeader } from '../../core/smc/smcSummary';

/**
 * "Explore SMC Folder": a read-only Markdown summary of every performance under a folder (files
 * present, frames, cameras, resolution, sizes, problems) and of each subject's parts, opened in the
 * Markdown preview. It reads headers only and writes nothing, so it works in untrusted workspaces.
 */
export const EXPLORE_SCHEME = 'bodycapture-explore';

export class ExploreDocuments implements vscode.TextDocumentContentProvider {
  private readonly pages = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  /** A folder explored again gets the same URI: VS Code re-reads an already open page only when told. */
  readonly onDidChange = this.changed.event;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.pages.get(uri.toString()) ?? '';
  }

  /** Indexes `folder` (with a progress notification) and shows the summary. */
  async show(folder: vscode.Uri): Promise<void> {
    const index = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Reading SMC headers under ${basename(folder.fsPath)}…` },
      (progress) => indexSmcFolder(folder.fsPath, { onProgress: (done, total) => progress.report({ message: `${done} of ${total} files` }) }),
    );
    const uri = vscode.Uri.from({ scheme: EXPLORE_SCHEME, path: `/${basename(folder.fsPath)} SMC summary.md`, query: folder.toString() });
    this.pages.set(uri.toString(), exploreMarkdown(index));
    this.changed.fire(uri);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.commands.executeCommand('markdown.showPreview', doc.uri);
  }
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function exploreMarkdown(index: SmcFolderIndex): string {
  const rel = (row: SmcFileRow | null) => (row ? `\`${cell(relative(index.root, row.path))}\`` : '—');
  const lines = [
    `# SMC performances in ${cell(index.root)}`,
    '',
    `${index.performances.length} performances of ${index.subjects.length} subjects, ${formatBytes(folderTotals(index).bytes)}. Nothing is written; use **Extract Subject Folder…** to extract.`,
    '',
    '| Performance | Kind | Anno | Raw | Frames | Cameras (anno / raw) | Resolution | Size (anno + raw) | Problems |',
    '| --- | --- | --- | --- | ---: | --- | --- | ---: | --- |',
    ...index.performances.map((p) => {
      const h = performanceHeader(p);
      const res = h ? `${h.cameraInfo.resolution[1]} × ${h.cameraInfo.resolution[0]}` : '—';
      const cams = `${p.anno?.cameraGroups ?? '—'} / ${p.raw?.cameraGroups ?? '—'}`;
      const size = formatBytes(performanceBytes(p));
      return `| ${cell(`${p.actorId}_${p.part}`)} | ${p.performanceKind} | ${rel(p.anno)} | ${rel(p.raw)} | ${h?.cameraInfo.numFrame ?? '—'} | ${cams} | ${res} | ${size} | ${cell(p.problems.join('; ')) || '—'} |`;
    }),
    '',
    '## Subjects',
    '',
    '| Subject | Parts present | Standard parts missing |',
    '| --- | --- | --- |',
    ...index.subjects.map((s) => `| ${cell(s.actorId)} | ${cell(s.parts.join(', '))} | ${cell(s.missingParts.join(', ')) || '—'} |`),
  ];
  if (index.unrecognized.length)
    lines.push(
      '',
      '## Other .smc files',
      '',
      ...index.unrecognized.map((u) => `- \`${cell(relative(index.root, u))}\`: the name is not \`<actor>_<part>_<anno|raw>.smc\``),
    );
  if (index.errors.length) lines.push('', '## Folders that could not be read', '', ...index.errors.map((e) => `- ${cell(e.path)}: ${cell(e.message)}`));
  return `${lines.join('\n')}\n`;
}
