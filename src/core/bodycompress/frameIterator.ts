import type { InputError } from '../errors';
import { DecodeWorkerClient, type JobEnd } from './decodeWorkerClient';
import { decodeFrame, type BodyFrame } from './frame';
import type { FrameRegion } from './frameRegion';
import type { Indexer } from './indexer';
import { dataError, ReaderClosedError } from './readerErrors';

export interface FramesOptions {
  start?: number;
  end?: number;
  step?: number;
  signal?: AbortSignal;
}

/**
 * Passes over the frame data, each on a worker of its own so it neither waits for nor disturbs
 * the index and random access: sequential iteration with bounded memory, and verification.
 */
export class FrameIterator {
  private readonly workers = new Set<DecodeWorkerClient>();
  private closed = false;

  constructor(
    private readonly region: FrameRegion,
    private readonly indexer: Indexer,
  ) {}

  /**
   * Every frame in order (or `start:end:step`). Starts at the block of `start` when it is indexed
   * and blocks are known; a pass from the start of the data feeds the index on the way.
   */
  async *frames(opts: FramesOptions = {}): AsyncGenerator<BodyFrame> {
    this.assertOpen();
    const start = opts.start ?? 0;
    const end = opts.end ?? Infinity;
    const step = opts.step ?? 1;
    if (!(start >= 0) || !(step >= 1) || !Number.isInteger(start) || !Number.isInteger(step)) {
      throw new RangeError('frames(): start must be an integer ≥ 0 and step an integer ≥ 1');
    }
    if (end <= start) return;
    if (start > 0) await this.region.ready;
    const worker = new DecodeWorkerClient();
    this.workers.add(worker);
    const queue: BodyFrame[] = [];
    let wake: (() => void) | null = null;
    let failure: unknown = null;
    let finished: JobEnd | null = null;
    const index = this.indexer.index;
    const fromBlock = this.region.seekable && start > 0 && start < index.count;
    const plan = fromBlock ? this.region.planFrom(start, index.offset(start)) : {};
    const feedIndex = !fromBlock && !this.indexer.done;
    const job = worker.start(this.region.job({ ...plan, deliver: { from: start, to: end, step }, index: feedIndex, stopAt: end, parallel: true }), {
      ...this.indexer.feedHandlers(),
      onPayload: (ordinal, _off, bytes) => {
        try {
          queue.push(decodeFrame(bytes, ordinal));
        } catch (err) {
          failure ??= err;
        }
        job.ack(bytes.length);
        wake?.();
      },
    });
    job.done.then(
      (e) => {
        finished = e;
        wake?.();
      },
      (err: unknown) => {
        failure ??= err;
        wake?.();
      },
    );
    try {
      for (;;) {
        if (opts.signal?.aborted) throw opts.signal.reason ?? new ReaderClosedError();
        const f = queue.shift();
        if (f) {
          yield f;
          continue;
        }
        if (failure) throw failure as unknown; // as caught (the truthiness check narrowed it to `{}`)
        if (finished) {
          const e = finished as JobEnd;
          // Reaching `end` is a normal stop; anything else is the end of the data.
          if (e.next < end) {
            const err = dataError(this.region.path, e);
            if (err) throw err;
          }
          return;
        }
        if (this.closed) throw new ReaderClosedError();
        await new Promise<void>((r) => (wake = r));
        wake = null;
      }
    } finally {
      await job.cancel().catch(() => undefined);
      await worker.close();
      this.workers.delete(worker);
    }
  }

  /** Decodes all frame data once more: its size, sha256 and object count. Independent of the index. */
  async verify(): Promise<{ frames: number; bytes: number; sha256: string; error: InputError | null }> {
    this.assertOpen();
    const worker = new DecodeWorkerClient();
    this.workers.add(worker);
    try {
      const job = worker.start(this.region.job({ hash: true, parallel: true }), {});
      const end = await job.done;
      if (end.error?.reason === 'internal') throw new Error(end.error.message);
      return { frames: Math.max(0, end.next), bytes: end.decodedBytes, sha256: end.sha256 ?? '', error: dataError(this.region.path, end) };
    } finally {
      await worker.close();
      this.workers.delete(worker);
    }
  }

  /** Ends every pass's worker; a pass waiting for frames then throws ReaderClosedError. */
  close(): Promise<void> {
    this.closed = true;
    return Promise.all([...this.workers].map((w) => w.close())).then(() => undefined);
  }

  private assertOpen(): void {
    if (this.closed) throw new ReaderClosedError();
  }
}
