import * as vscode from 'vscode';
import { errorMessage } from '../../core/errors';
import { freeBytes } from '../../core/extract/diskSpace';
import { extractInWorkers, isAbortError, type BatchItem } from '../../core/extract/extractBatch';
import type { PerformanceInput } from '../../core/extract/extractInputs';
import { progressText } from '../../core/extract/progressText';
import { formatBytes } from '../../core/formatBytes';
import type { ExtractChoice } from './optionsPicker';
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
  let planned: BatchItem[];
  try {
    planned = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Estimating the extraction…', cancellable: true },
      (_progress, token) => extractInWorkers(inputs, choice.request, outDir, { version: pkg.version, dryRun: true, concurrency, signal: signalOf(token) }),
    );
  } catch (err) {
    if (!isAbortError(err)) void vscode.window.showErrorMessage(`Could not plan the extraction: ${errorMessage(err)}`);
    return;
  }
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
  await run(ok.map((p) => p.input), choice, what, concurrency);
}

async function run(inputs: PerformanceInput[], choice: ExtractChoice, what: string, concurrency: number): Promise<void> {
  const outDir = choice.outDir.fsPath;
  let items: BatchItem[];
  try {
    items = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Extracting ${what}`, cancellable: true },
      (progress, token) => {
        let lastFraction = 0;
        return extractInWorkers(inputs, choice.request, outDir, {
          version: pkg.version,
          concurrency,
          signal: signalOf(token),
          onProgress: (p) => {
            const fraction = p.bytesTotal > 0 ? p.bytesDone / p.bytesTotal : 0;
            progress.report({ message: progressText(p), increment: Math.max(0, (fraction - lastFraction) * 100) });
            lastFraction = Math.max(lastFraction, fraction);
          },
        });
      },
    );
  } catch (err) {
    if (isAbortError(err)) {
      void vscode.window.showInformationMessage('Extraction cancelled. Complete files were kept; run it again to resume.');
      return;
    }
    void vscode.window.showErrorMessage(`Extraction failed: ${errorMessage(err)}`);
    return;
  }
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

function signalOf(token: vscode.CancellationToken): AbortSignal {
  const abort = new AbortController();
  if (token.isCancellationRequested) abort.abort();
  token.onCancellationRequested(() => abort.abort());
  return abort.signal;
}
