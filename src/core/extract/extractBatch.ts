import { availableParallelism } from 'node:os';
import { InputError, errorMessage, isAbortError, type InputErrorCode } from '../errors';
import type { ExtractRequest } from './extractOptions';
import type { PerformanceInput } from './extractInputs';
import type { PlanSummary } from './extractPerformance';
import { startWorker } from '../io/workerThreads';
import type { ExtractProgress, ExtractResult } from './extractRunner';
import type { FromExtractWorker, ToExtractWorker } from './extractWorkerProtocol';

export interface BatchOptions {
  version: string;
  dryRun?: boolean;
  force?: boolean;
  signal?: AbortSignal;
  /** Performances extracted at once, one worker thread each (default: the number of cores, at most 4). */
  concurrency?: number;
  onPlanned?: (input: PerformanceInput, summary: PlanSummary) => void;
  /** Progress summed over the performances planned so far. */
  onProgress?: (total: ExtractProgress) => void;
}

export interface BatchItem {
  input: PerformanceInput;
  summary: PlanSummary | null;
  result: ExtractResult | null;
  error: { code: string | null; message: string } | null;
}

/** An AbortError, as AbortSignal.throwIfAborted() throws. */
export function abortError(): Error {
  return new DOMException('The extraction was cancelled', 'AbortError');
}

/**
 * Extracts (or with dryRun, plans) performances in worker threads, `concurrency` at a time. A failed
 * performance is reported in its item and the others go on; cancelling stops every worker (each cleans
 * up its temporary files) and rejects with an AbortError.
 */
export async function extractInWorkers(
  inputs: readonly PerformanceInput[],
  request: ExtractRequest,
  outDir: string,
  options: BatchOptions,
): Promise<BatchItem[]> {
  const width = Math.max(1, Math.min(options.concurrency ?? Math.min(4, availableParallelism()), inputs.length));
  const items: BatchItem[] = inputs.map((input) => ({ input, summary: null, result: null, error: null }));
  const progress = new Map<number, ExtractProgress>();
  const report = () => {
    if (!options.onProgress) return;
    const sum: ExtractProgress = { filesTotal: 0, filesDone: 0, filesSkipped: 0, bytesTotal: 0, bytesDone: 0, bytesWritten: 0, seconds: 0 };
    for (const p of progress.values()) {
      for (const k of Object.keys(sum) as (keyof ExtractProgress)[]) sum[k] = k === 'seconds' ? Math.max(sum[k], p[k]) : sum[k] + p[k];
    }
    options.onProgress(sum);
  };
  let next = 0;
  const lane = async () => {
    while (next < items.length && !options.signal?.aborted) {
      const i = next++;
      const item = items[i]!;
      try {
        const { summary, result } = await runInWorker(item.input, request, outDir, {
          version: options.version,
          dryRun: options.dryRun,
          force: options.force,
          signal: options.signal,
          onPlanned: (s) => {
            item.summary = s;
            progress.set(i, { filesTotal: s.files, filesDone: 0, filesSkipped: 0, bytesTotal: s.bytes, bytesDone: 0, bytesWritten: 0, seconds: 0 });
            options.onPlanned?.(item.input, s);
            report();
          },
          onProgress: (p) => {
            progress.set(i, p);
            report();
          },
        });
        item.summary = summary;
        item.result = result;
      } catch (err) {
        if (isAbortError(err)) break;
        item.error = { code: err instanceof InputError ? err.code : null, message: errorMessage(err) };
      }
    }
  };
  await Promise.all(Array.from({ length: width }, lane));
  if (options.signal?.aborted) throw abortError();
  return items;
}

/** One performance in its own worker thread. */
export function runInWorker(
  input: PerformanceInput,
  request: ExtractRequest,
  outDir: string,
  options: Omit<BatchOptions, 'onPlanned' | 'onProgress'> & { onProgress?: (p: ExtractProgress) => void; onPlanned?: (s: PlanSummary) => void },
): Promise<{ summary: PlanSummary; result: ExtractResult | null }> {
  return new Promise((resolve, reject) => {
    const worker = startWorker(__dirname, 'extractWorker');
    let summary: PlanSummary | null = null;
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      fn();
    };
    const onAbort = () => worker.postMessage({ type: 'cancel' } satisfies ToExtractWorker);
    worker.on('message', (msg: FromExtractWorker) => {
      if (msg.type === 'planned') {
        summary = msg.summary;
        options.onPlanned?.(msg.summary);
      } else if (msg.type === 'progress') options.onProgress?.(msg.progress);
      else if (msg.type === 'done') finish(() => resolve({ summary: summary!, result: msg.result }));
      else {
        const e = msg.error;
        const err = e.name === 'AbortError' ? abortError() : e.code ? new InputError(e.code as InputErrorCode, e.message) : new Error(e.message);
        finish(() => reject(err));
      }
    });
    worker.on('error', (err) => finish(() => reject(err)));
    worker.on('exit', (code) => finish(() => reject(new Error(`The extraction worker stopped unexpectedly (exit code ${code})`))));
    if (options.signal?.aborted) {
      finish(() => reject(abortError()));
      return;
    }
    options.signal?.addEventListener('abort', onAbort, { once: true });
    worker.postMessage({
      type: 'start',
      input,
      request,
      outDir,
      version: options.version,
      dryRun: options.dryRun ?? false,
      force: options.force ?? false,
    } satisfies ToExtractWorker);
  });
}
