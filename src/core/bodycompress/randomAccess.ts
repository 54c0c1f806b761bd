import { DecodeWorkerClient, type JobHandle } from './decodeWorkerClient';
import type { DeliverRange } from './decodeWorkerProtocol';
import { decodeFrame, type BodyFrame } from './frame';
import { FrameCache } from './frameCache';
import type { FrameRegion } from './frameRegion';
import type { Indexer } from './indexer';
import { dataError, ReaderClosedError } from './readerErrors';

interface Waiter {
  resolve(f: BodyFrame): void;
  reject(err: unknown): void;
}

/** The random-access decoder's job: where it is and what it delivers. */
interface Cursor {
  job: JobHandle;
  next: number;
  paused: boolean;
  /** Frames the job is delivering now (until it pauses). */
  deliver: DeliverRange;
}

/** A paused decoder this close before a requested frame goes on rather than restarting at the frame's block. */
const CONTINUE_BYTES = 4 << 20;

/**
 * Frames by number: one decoder on its own worker, started from the xz block holding the frame
 * asked for, delivers it and the next few (prefetch), then pauses; a request just ahead of the
 * paused decoder continues it. Decoded frames are kept in an LRU cache.
 */
export class RandomAccess {
  private readonly worker = new DecodeWorkerClient();
  private readonly cache: FrameCache;
  /** Requests waiting for frame n to be delivered. */
  private readonly waiters = new Map<number, Waiter[]>();
  private readonly inflight = new Map<number, Promise<BodyFrame>>();
  /** Seeks run one at a time, in the order asked. */
  private seekChain: Promise<unknown> = Promise.resolve();
  private cursor: Cursor | null = null;
  private closed = false;

  constructor(
    private readonly region: FrameRegion,
    private readonly indexer: Indexer,
    cacheBytes: number,
    private readonly prefetch: number,
  ) {
    this.cache = new FrameCache(cacheBytes);
  }

  /** Frame i (a valid frame number): from the cache, or decoded once the index reaches it. */
  async get(i: number, signal: AbortSignal | undefined): Promise<BodyFrame> {
    const hit = this.cache.get(i);
    if (hit) return hit;
    await abortable(this.indexer.waitFor(i), signal);
    const again = this.cache.get(i);
    if (again) return again;
    let p = this.inflight.get(i);
    if (!p) {
      const chained = this.seekChain.then(() => this.seek(i));
      this.seekChain = chained.catch(() => undefined);
      p = chained;
      this.inflight.set(i, p);
      void p.finally(() => this.inflight.delete(i)).catch(() => undefined);
    }
    return abortable(p, signal);
  }

  /** Takes a frame's bytes from any decoder (the indexer delivers the first frame too). */
  deliver(ordinal: number, bytes: Uint8Array): void {
    let frame: BodyFrame;
    try {
      frame = decodeFrame(bytes, ordinal);
    } catch (err) {
      for (const w of this.waiters.get(ordinal) ?? []) w.reject(err);
      this.waiters.delete(ordinal);
      return;
    }
    this.cache.set(frame);
    for (const w of this.waiters.get(ordinal) ?? []) w.resolve(frame);
    this.waiters.delete(ordinal);
  }

  /** Rejects every waiting request with `err`, drops the cache and ends the worker. */
  close(err: unknown): Promise<void> {
    this.closed = true;
    for (const list of this.waiters.values()) for (const w of list) w.reject(err);
    this.waiters.clear();
    this.cache.clear();
    return this.worker.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new ReaderClosedError();
  }

  private waitDelivered(i: number): Promise<BodyFrame> {
    return new Promise((resolve, reject) => {
      const list = this.waiters.get(i) ?? [];
      list.push({ resolve, reject });
      this.waiters.set(i, list);
    });
  }

  /** Random access to frame i (called one at a time through seekChain). */
  private async seek(i: number): Promise<BodyFrame> {
    this.assertOpen();
    const cached = this.cache.get(i);
    if (cached) return cached;
    await this.region.ready;
    this.assertOpen();
    const deliver: DeliverRange = { from: i, to: i + 1 + this.prefetch, step: 1 };
    const wait = this.waitDelivered(i);
    const c = this.cursor;
    if (c && !c.paused && c.deliver.from <= i && i < c.deliver.to) {
      // Already on its way (prefetched by the running decoder): just wait for it.
    } else if (c && c.paused && c.next <= i && this.worthContinuing(c.next, i)) {
      c.paused = false;
      c.deliver = deliver;
      c.job.resume(deliver.to, deliver);
    } else {
      if (c) {
        this.cursor = null;
        await c.job.cancel().catch(() => undefined);
      }
      this.startJob(i, deliver);
    }
    return wait;
  }

  /** Continue a paused decoder instead of restarting from the block of frame i? */
  private worthContinuing(next: number, i: number): boolean {
    if (!this.region.seekable) return true;
    const index = this.indexer.index;
    if (next >= index.count) return false;
    const from = index.offset(next);
    return from >= this.region.blockStart(index.offset(i)) || index.offset(i) - from < CONTINUE_BYTES;
  }

  private startJob(i: number, deliver: DeliverRange): void {
    const plan = this.region.planFrom(i, this.indexer.index.offset(i));
    const cursor: Cursor = { job: null as unknown as JobHandle, next: i, paused: false, deliver };
    const job = this.worker.start(this.region.job({ ...plan, deliver, pauseAt: deliver.to }), {
      onPayload: (ordinal, _off, bytes) => {
        job.ack(bytes.length);
        this.deliver(ordinal, bytes);
      },
      onPaused: (next) => {
        cursor.next = next;
        cursor.paused = true;
      },
    });
    cursor.job = job;
    this.cursor = cursor;
    const settle = (err: unknown) => {
      if (this.cursor === cursor) this.cursor = null;
      // Frames asked for that never came: the data ended or failed first.
      for (const [k, list] of this.waiters) {
        if (k < deliver.from) continue;
        if (this.cache.has(k)) continue;
        for (const w of list) w.reject(err);
        this.waiters.delete(k);
      }
    };
    job.done.then(
      (end) => {
        // A replaced decoder was cancelled on purpose; its requests moved to the new one.
        if (this.cursor !== cursor) return;
        settle(dataError(this.region.path, end) ?? this.indexer.missingFrame(end.next));
      },
      (err: unknown) => {
        if (this.cursor === cursor) settle(err);
      },
    );
  }
}

function abortable<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return p;
  return new Promise<T>((resolve, reject) => {
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the abort reason is passed on as is (as fetch() does)
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    // When `p` settles: stop listening, then settle as it did (its reactions run in this order).
    const stopListening = () => signal.removeEventListener('abort', onAbort);
    p.then(stopListening, stopListening);
    p.then(resolve, reject);
  });
}
