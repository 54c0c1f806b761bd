import * as vscode from 'vscode';
import { freeBytes } from '../../core/extract/diskSpace';
import { extractInWorkers, type BatchItem } from '../../core/extract/extractBatch';
import type { PerformanceInput } from '../../core/extract/extractInputs';
import { progressFraction, progressText } from '../../core/extract/progressText';
import { formatBytes } from '../../core/formatBytes';
import type { ExtractChoice } from './optionsPicker';
import { runJob } from '../kit/commandUi';
import { log } from '../kit/log';
import pkg from '../../../package.json';

/** The exact size of an extraction (planned from the stored sizes in worker threads) and the free space. */
export interface ExtractEstimate {
  /** Performances that planned; the others were reported. */
  inputs: PerformanceInput[];
  files: number;
  bytes: number;
  free: number | null;
  /** "0026_e0: 1,234 files, 6.7 MB". */
  what: string;
}

const concurrency = () => Math.max(1, vscode.workspace.getConfiguration('bodyCapture.extract').get<number>('parallelPerformances', 2));

/** Plans the extraction (a dry run, one worker per performance); undefined when cancelled or nothing plans. */
export async function estimateExtraction(inputs: PerformanceInput[], choice: ExtractChoice): Promise<ExtractEstimate | undefined> {
  const outDir = choice.outDir.fsPath;
  const planned = await runJob('Estimating the extraction…', 'Could not plan the extraction', (_progress, signal) =>
    extractInWorkers(inputs, choice.request, outDir, { version: pkg.version, dryRun: true, concurrency: concurrency(), signal }),
  );
  if (!planned) return undefined;
  for (const p of planned.filter((p) => p.error)) void vscode.window.showErrorMessage(`${p.input.label}: ${p.error!.message}`);
  const ok = planned.filter((p): p is BatchItem & { summary: NonNullable<BatchItem['summary']> } => p.summary !== null);
  if (ok.length === 0) return undefined;
  const bytes = ok.reduce((n, p) => n + p.summary.bytes, 0);
  const files = ok.reduce((n, p) => n + p.summary.files, 0);
  const what = `${ok.length === 1 ? ok[0]!.input.label : `${ok.length} performances`}: ${files.toLocaleString('en-US')} file${files === 1 ? '' : 's'}, ${formatBytes(bytes)}`;
  return { inputs: ok.map((p) => p.input), files, bytes, free: await freeBytes(outDir), what };
}

/** "…: 1,234 files, 6.7 MB into extracted (12.0 GB free)". */
export function estimateText(e: ExtractEstimate, outDir: vscode.Uri): string {
  return `${e.what} into ${vscode.workspace.asRelativePath(outDir)}${e.free === null ? '' : ` (${formatBytes(e.free)} free)`}`;
}

/**
 * Runs a confirmed extraction. Above `confirmAboveMB`, or when it does not fit, a modal dialog asks
 * once more (the summary step already showed the size). Planning and writing happen in worker threads,
 * so the extension host only relays progress.
 */
export async function runExtraction(estimate: ExtractEstimate, choice: ExtractChoice): Promise<void> {
  const where = estimateText(estimate, choice.outDir);
  log(`Extraction estimate: ${where}`);
  const threshold = vscode.workspace.getConfiguration('bodyCapture.extract').get<number>('confirmAboveMB', 1000) * 1e6;
  const tooBig = estimate.free !== null && estimate.bytes > estimate.free;
  if (estimate.bytes > threshold || tooBig) {
    const note = tooBig ? ' This is more than the free space; files already extracted are kept, so a re-run needs less.' : '';
    const go = await vscode.window.showWarningMessage(`Extract ${where}?${note}`, { modal: true }, 'Extract');
    if (go !== 'Extract') return;
  }
  const outDir = choice.outDir.fsPath;
  const items = await runJob(
    `Extracting ${estimate.what}`,
    'Extraction failed',
    (progress, signal) =>
      extractInWorkers(estimate.inputs, choice.request, outDir, {
        version: pkg.version,
        concurrency: concurrency(),
        signal,
        onProgress: (p) => progress.report(progressText(p), progressFraction(p)),
      }),
    { cancelled: 'Extraction cancelled. Complete files were kept; run it again to resume.' },
  );
  if (!items) return;
  for (const i of items) {
    if (i.error) void vscode.window.showErrorMessage(`${i.input.label}: ${i.error.message}`);
    for (const n of i.result?.notes ?? []) log(`${i.input.label}: ${n}`);
  }
  const done = items.filter((i) => i.result);
  if (done.length === 0) return;
  const written = done.reduce((n, i) => n + i.result!.filesWritten, 0);
  const skipped = done.reduce((n, i) => n + i.result!.filesSkipped, 0);
  const bytes = done.reduce((n, i) => n + i.result!.bytesWritten, 0);
  const seconds = Math.max(...done.map((i) => i.result!.seconds));
  const summary = `Extracted ${done.length === 1 ? done[0]!.input.label : `${done.length} performances`}: ${written.toLocaleString('en-US')} file${written === 1 ? '' : 's'} written (${formatBytes(bytes)})${skipped ? `, ${skipped.toLocaleString('en-US')} already complete` : ''} in ${seconds.toFixed(1)} s.`;
  log(summary);
  const root = vscode.Uri.file(done[0]!.result!.root);
  const action = await vscode.window.showInformationMessage(summary, 'Reveal in Explorer', 'Open extraction_info.txt');
  if (action === 'Reveal in Explorer') {
    const inside = vscode.workspace.getWorkspaceFolder(root);
    await vscode.commands.executeCommand(inside ? 'revealInExplorer' : 'revealFileInOS', root);
  } else if (action === 'Open extraction_info.txt') {
    await vscode.window.showTextDocument(vscode.Uri.joinPath(root, 'extraction_info.txt'));
  }
}
