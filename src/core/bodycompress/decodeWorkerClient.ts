import type { Worker } from 'node:worker_threads';
import type { DeliverRange, FromWorker, JobSpec, ObjectBatch, ToWorker } from './decodeWorkerProtocol';
import { startWorker } from '../io/workerThreads';

export interface JobHandlers {
  onBatch?(batch: ObjectBatch): void;
  onKeys?(sig: number, keys: string[]): void;
  onPayload?(ordinal: number, offset: number, bytes: Uint8Array): void;
  onProgress?(compressedBytes: number, decodedBytes: number): void;
  onPaused?(next: number): void;
}

export type JobEnd = Extract<FromWorker, { type: 'end' }>;

export interface JobHandle {
  readonly id: number;
  /** Resolves when the job ended (cancelled, stopped, finished or failed: see `error`). */
  readonly done: Promise<JobEnd>;
  resume(pauseAt: number, deliver: DeliverRange): void;
  /** Tells the worker that `bytes` of delivered payload were consumed (flow control). */
  ack(bytes: number): void;
  cancel(): Promise<JobEnd>;
}

let nextJobId = 1;
/** How long close() lets a cancelled job close its file before the thread is ended anyway. */
const CLOSE_GRACE_MS = 2000;

/**
 * The main thread's side of one decode worker thread (bodycompressWorker.ts), running one job at
 * a time (later jobs wait for earlier ones). The thread starts on first use, does not keep the
 * process alive while idle, and `close()` ends it.
 */
export class DecodeWorkerClient {
  private worker: Worker | null = null;
  private jobs = new Map<number, { handlers: JobHandlers; resolve(e: JobEnd): void; reject(err: unknown): void }>();
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  private running = 0;
  /** Called when the last job ended (close() waits for it). */
  private drained: (() => void) | null = null;

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    // No inherited Node flags: the host's (--inspect, --expose-gc, ...) may be invalid in a worker.
    const w = startWorker(__dirname, 'bodycompressWorker');
    w.on('message', (msg: FromWorker) => this.onMessage(msg));
    const fail = (err: unknown) => {
      this.worker = null;
      for (const j of this.jobs.values()) j.reject(err);
      this.jobs.clear();
    };
    w.on('error', fail);
    w.on('exit', (code) => {
      if (this.jobs.size) fail(new Error(`The BodyCompress decode worker stopped (exit code ${code})`));
      this.worker = null;
    });
    w.unref();
    this.worker = w;
    return w;
  }

  private onMessage(msg: FromWorker): void {
    const job = this.jobs.get(msg.id);
    if (!job) return;
    const h = job.handlers;
    switch (msg.type) {
      case 'objects':
        if (msg.batch) h.onBatch?.(msg.batch);
        for (const p of msg.payloads) h.onPayload?.(p.ordinal, p.offset, p.bytes);
        break;
      case 'keys':
        h.onKeys?.(msg.sig, msg.keys);
        break;
      case 'progress':
        h.onProgress?.(msg.compressedBytes, msg.decodedBytes);
        break;
      case 'paused':
        h.onPaused?.(msg.next);
        break;
      case 'end':
        this.jobs.delete(msg.id);
        job.resolve(msg);
        if (this.jobs.size === 0) this.drained?.();
        break;
    }
  }

  private send(msg: ToWorker): void {
    this.worker?.postMessage(msg);
  }

  start(spec: Omit<JobSpec, 'id'>, handlers: JobHandlers): JobHandle {
    if (this.closed) throw new Error('The decoder was closed');
    const id = nextJobId++;
    let resolveEnd!: (e: JobEnd) => void;
    let rejectEnd!: (err: unknown) => void;
    const done = new Promise<JobEnd>((resolve, reject) => {
      resolveEnd = resolve;
      rejectEnd = reject;
    });
    done.catch(() => undefined);
    let cancelled = false;
    let ran = false;
    // Jobs run one after another: a worker realm has one wasm decoder.
    const started = this.queue.then(() => {
      if (cancelled || this.closed) {
        resolveEnd({ type: 'end', id, next: spec.firstOrdinal, decodedBytes: 0, trailingBytes: 0 });
        return;
      }
      try {
        const w = this.ensureWorker();
        ran = true;
        if (this.running++ === 0) w.ref();
        this.jobs.set(id, { handlers, resolve: resolveEnd, reject: rejectEnd });
        w.postMessage({ type: 'start', job: { ...spec, id } } satisfies ToWorker);
      } catch (err) {
        // A worker that cannot start fails the job (never leaves it waiting).
        this.jobs.delete(id);
        rejectEnd(err);
      }
    });
    const finished = done.finally(() => {
      if (ran && --this.running === 0) this.worker?.unref();
    });
    this.queue = started.then(() => finished).catch(() => undefined);
    return {
      id,
      done,
      resume: (pauseAt, deliver) => void started.then(() => this.send({ type: 'resume', id, pauseAt, deliver })),
      ack: (bytes) => this.send({ type: 'ack', id, bytes }),
      cancel: () => {
        cancelled = true;
        void started.then(() => this.send({ type: 'cancel', id }));
        return done;
      },
    };
  }

  /**
   * Ends the thread. A running job is cancelled first and given a moment to close its file
   * (terminating a thread does not close its descriptors); then it fails, if it still runs.
   */
  async close(): Promise<void> {
    this.closed = true;
    const w = this.worker;
    this.worker = null;
    if (w && this.jobs.size > 0) {
      const drained = new Promise<void>((resolve) => (this.drained = resolve));
      for (const id of this.jobs.keys()) w.postMessage({ type: 'cancel', id } satisfies ToWorker);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([drained, new Promise((resolve) => (timer = setTimeout(resolve, CLOSE_GRACE_MS)))]);
      clearTimeout(timer);
    }
    if (w) await w.terminate();
    for (const j of this.jobs.values()) j.reject(new Error('The decoder was closed'));
    this.jobs.clear();
  }
}
