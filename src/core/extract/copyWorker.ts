import { closeSync, openSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { writeFileAtomicSync } from '../io/atomicFile';
import { readFullySync } from '../io/readFully';
import { imageTarget } from '../smc/imageFormat';
import type { CopyJob, FromCopyWorker, ToCopyWorker } from './copyProtocol';

/*
 * A copy thread (bundled as dist/copyWorker.js): copies stored payloads from their file offsets into
 * files with blocking reads and writes. Blocking calls in a thread of its own beat the async API here:
 * no thread-pool hand-offs per call, and two such threads keep both cores busy in the kernel (measured
 * 1.3 GB/s against 0.6 GB/s with async I/O on this 2-core VM). It never runs on the extension host.
 * Each file goes through a temporary name (atomicFile's naming) and a rename, as writeFileAtomic does.
 */
if (!parentPort) throw new Error('copyWorker must run in a worker thread');
const port = parentPort;
let cancel: Int32Array | null = null;
let buffer = Buffer.allocUnsafe(1 << 20);
const fds = new Map<string, number>();

port.on('message', (msg: ToCopyWorker) => {
  if (msg.type === 'init') {
    cancel = new Int32Array(msg.cancel);
    return;
  }
  if (msg.type === 'close') {
    for (const fd of fds.values()) closeSync(fd);
    fds.clear();
    port.close(); // nothing else keeps the thread alive: it exits
    return;
  }
  const notes: string[] = [];
  let bytes = 0;
  let files = 0;
  try {
    for (const job of msg.jobs) {
      if (cancel && Atomics.load(cancel, 0) !== 0) break;
      copyOne(job, notes);
      bytes += job.length;
      files++;
    }
    send({ type: 'done', files, bytes, notes });
  } catch (err) {
    send({ type: 'done', files, bytes, notes, error: { code: (err as NodeJS.ErrnoException)?.code ?? null, message: (err as Error)?.message ?? String(err) } });
  }
});

function send(msg: FromCopyWorker): void {
  port.postMessage(msg);
}

function copyOne(job: CopyJob, notes: string[]): void {
  let fd = fds.get(job.source);
  if (fd === undefined) {
    fd = openSync(job.source, 'r');
    fds.set(job.source, fd);
  }
  if (buffer.length < job.length) buffer = Buffer.allocUnsafe(Math.max(job.length, buffer.length * 2));
  const data = buffer.subarray(0, job.length);
  // The plan checked the range against the file's size: the file shrank since (an input problem).
  if (readFullySync(fd, data, job.offset) < job.length) {
    throw Object.assign(new Error(`${job.source} ends inside ${job.dataset}; was it changed while extracting?`), { code: 'truncated' });
  }
  const target = imageTarget(job.target, data, job.dataset);
  if (target.note) notes.push(target.note);
  writeFileAtomicSync(target.path, data);
}
