import type { Worker } from 'node:worker_threads';
import type { CopyJob, FromCopyWorker, ToCopyWorker } from './copyProtocol';
import { startWorker } from '../io/workerThreads';
import { InputError } from '../errors';

const BATCH = 32;

/**
 * Copies stored payloads in `threads` copy threads (blocking I/O off this thread; see copyWorker.ts),
 * handing out batches of jobs as threads finish. Cancelling stops each thread after its current file;
 * a failure stops the others likewise and is rethrown. Files already copied stay (they are complete).
 */
export async function copyInThreads(
  jobs: readonly CopyJob[],
  options: { threads: number; signal?: AbortSignal; onCopied?: (files: number, bytes: number) => void },
): Promise<{ notes: string[] }> {
  if (jobs.length === 0) return { notes: [] };
  const cancel = new SharedArrayBuffer(4);
  const flag = new Int32Array(cancel);
  const stop = () => Atomics.store(flag, 0, 1);
  options.signal?.addEventListener('abort', stop, { once: true });
  const notes: string[] = [];
  let next = 0;
  // Set by the threads' handlers (a plain annotation would let TypeScript narrow it to null below).
  let failure = null as Error | null;
  const run = (worker: Worker) =>
    new Promise<void>((resolve) => {
      const give = () => {
        if (next >= jobs.length || failure || Atomics.load(flag, 0) !== 0) {
          resolve();
          return;
        }
        const batch = jobs.slice(next, next + BATCH);
        next += batch.length;
        worker.postMessage({ type: 'batch', jobs: batch } satisfies ToCopyWorker);
      };
      worker.on('message', (msg: FromCopyWorker) => {
        notes.push(...msg.notes);
        options.onCopied?.(msg.files, msg.bytes);
        if (msg.error) {
          failure ??= msg.error.code === 'truncated' ? new InputError('truncated', msg.error.message) : new Error(msg.error.message);
          stop();
        }
        give();
      });
      worker.on('error', (err) => {
        failure ??= err;
        stop();
        resolve();
      });
      worker.postMessage({ type: 'init', cancel } satisfies ToCopyWorker);
      give();
    });
  const workers = Array.from({ length: Math.max(1, Math.min(options.threads, Math.ceil(jobs.length / BATCH))) }, () => startWorker(__dirname, 'copyWorker'));
  try {
    await Promise.all(workers.map(run));
  } finally {
    options.signal?.removeEventListener('abort', stop);
    // Each thread closes its file handles and exits (file descriptors belong to the whole process).
    await Promise.all(
      workers.map((w) => {
        const exited = new Promise((r) => w.once('exit', r));
        w.postMessage({ type: 'close' } satisfies ToCopyWorker);
        return exited;
      }),
    );
  }
  if (failure) throw failure;
  options.signal?.throwIfAborted();
  return { notes };
}
