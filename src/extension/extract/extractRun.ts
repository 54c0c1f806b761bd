import * as vscode from 'vscode';
import { freeBytes } from '../../core/extract/diskSpace';
import { extractInWorkers } from '../../core/extract/extractBatch';
import type { PerformanceInput } from '../../core/extract/extractInputs';
import { progressText } from '../../core/extract/progressText';
import { formatBytes } from '../../core/formatBytes';
import type { ExtractChoice } from './optionsPicker';
import { runJob } from '../kit/commandUi';
import { log } from '../kit/log';
import pkg from '../../../package.json';

/**
 * Estimates, confirms and runs an extraction. Planning and writing happen in worker threads (one per
 * performance), so the extension host only relays progress. The estimate (exact bytes from the stored
 * sizes) and the free space are shown first; above the configured threshold, or when it does not fit,
 * the user confirms in a modal dialog.
 */
export async function estimateAndExtract(inputs: PerformanceInput[], choice: ExtractChoice): Promise<void> {
  const outDir = choice.outDir.fsPath;
  const config = vscode.workspace.getConfiguration('bodyCapture.extract');
  const concurrency = Math.max(1, config.get<number>('parallelPerformances', 2));
  const planned = await runJob('Estimating the extraction…', 'Could not plan the extraction', (_progress, signal) =>
    extractInWorkers(inputs, choice.request, outDir, { version: pkg.version, dryRun: true, concurrency, signal }),
  );
  if (!planned) return;
  const ok = planned.filter((p) => p.summary);
  for (const p of planned.filter((p) => p.error)) void vscode.window.showErrorMessage(`${p.input.label}: ${p.error!.message}`);
  if (ok.length === 0) return;
  const bytes = ok.reduce((n, p) => n + p.summary!.bytes, 0);
  const files = ok.reduce((n, p) => n + p.summary!.files, 0);
  const free = await freeBytes(outDir);
  const what = `${ok.length === 1 ? ok[0]!.input.label : `${ok.length} performances`}: ${files.toLocaleString('en-US')} files, ${formatBytes(bytes)}`;
  const where = `${what} into ${vscode.workspace.asRelativePath(choice.outDir, true)}${free === null ? '' : ` (${formatBytes(free)} free)`}`;
  log(`Extraction estimate: ${where}`);
  const threshold = config.get<number>('confirmAboveMB', 1000) * 1e6;
  if (bytes > threshold || (free !== null && bytes > free)) {
    const tooBig = free !== null && bytes > free ? ' This is more than the free space; files already extracted are kept, so a re-run needs less.' : '';
    const go = await vscode.window.showWarningMessage(`Extract ${where}?${tooBig}`, { modal: true }, 'Extract');
    if (go !== 'Extract') return;
  }
  await run(
    ok.map((p) => p.input),
    choice,
    what,
    concurrency,
  );
}

async function run(inputs: PerformanceInput[], choice: ExtractChoice, what: string, concurrency: number): Promise<void> {
  const outDir = choice.outDir.fsPath;
  const items = await runJob(
    `Extracting ${what}`,
    'Extraction failed',
    (progress, signal) =>
      extractInWorkers(inputs, choice.request, outDir, {
        version: pkg.version,
        concurrency,
        signal,
        onProgress: (p) => progress.report(progressText(p), p.bytesTotal > 0 ? p.bytesDone / p.bytesTotal : 0),
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
  const summary = `Extracted ${done.length === 1 ? done[0]!.input.label : `${done.length} performances`}: ${written.toLocaleString('en-US')} files written (${formatBytes(bytes)})${skipped ? `, ${skipped.toLocaleString('en-US')} already complete` : ''} in ${seconds.toFixed(1)} s.`;
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
