import { parentPort, workerData } from 'node:worker_threads';
import { DecodeJobRunner } from './decodeJob';
import type { ToWorker } from './decodeWorkerProtocol';
import { runBlockHelper } from './parallelDecode';

/*
 * Entry point of the BodyCompress decode worker (bundled as dist/bodycompressWorker.js; run from
 * source under tsx in tests). One job at a time: decoding with liblzma (lzma-native) or wasm
 * runs in this thread, so that none of it blocks the thread that asked (see xzDecode.ts). Started
 * with `workerData.role === 'blocks'` it is a job's helper that decodes xz blocks (parallelDecode.ts).
 */
if (!parentPort) throw new Error('bodycompressWorker must run in a worker thread');
const port = parentPort;
if ((workerData as { role?: string } | null)?.role === 'blocks') {
  runBlockHelper(port);
} else {
  const runner = new DecodeJobRunner((msg, transfer) => port.postMessage(msg, transfer ?? []));
  port.on('message', (msg: ToWorker) => runner.onMessage(msg));
}
