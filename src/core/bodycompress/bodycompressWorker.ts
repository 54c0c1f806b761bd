import { parentPort } from 'node:worker_threads';
import { DecodeJobRunner } from './decodeJob';
import type { ToWorker } from './decodeWorkerProtocol';

/*
 * Entry point of the BodyCompress decode worker (bundled as dist/bodycompressWorker.js; run from
 * source under tsx in tests). One job at a time: decoding with liblzma (lzma-native) or wasm
 * runs in this thread, so that none of it blocks the thread that asked (see xzDecode.ts).
 */
if (!parentPort) throw new Error('bodycompressWorker must run in a worker thread');
const port = parentPort;
const runner = new DecodeJobRunner((msg, transfer) => port.postMessage(msg, transfer ?? []));
port.on('message', (msg: ToWorker) => runner.onMessage(msg));
