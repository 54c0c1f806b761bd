import { parentPort } from 'node:worker_threads';
import { InputError, errorMessage } from '../errors';
import { extractPerformance } from './extractPerformance';
import type { FromExtractWorker, ToExtractWorker } from './extractWorkerProtocol';

/*
 * Entry point of an extraction worker (bundled as dist/extractWorker.js; run from source under tsx in
 * tests): plans and writes one performance off the main thread, so the extension host never waits on
 * it and a batch uses both cores.
 */
if (!parentPort) throw new Error('extractWorker must run in a worker thread');
const port = parentPort;
const abort = new AbortController();
const send = (msg: FromExtractWorker) => port.postMessage(msg);

port.on('message', (msg: ToExtractWorker) => {
  if (msg.type === 'cancel') {
    abort.abort();
    return;
  }
  extractPerformance(msg.input, msg.request, msg.outDir, {
    version: msg.version,
    dryRun: msg.dryRun,
    force: msg.force,
    signal: abort.signal,
    onPlanned: (summary) => send({ type: 'planned', summary }),
    onProgress: (progress) => send({ type: 'progress', progress }),
  }).then(
    ({ result }) => send({ type: 'done', result }),
    (err: unknown) =>
      send({
        type: 'failed',
        error: { name: (err as Error)?.name ?? 'Error', code: err instanceof InputError ? err.code : null, message: errorMessage(err) },
      }),
  );
});
