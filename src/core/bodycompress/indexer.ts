import { basename } from 'node:path';
import { InputError } from '../errors';
import type { DecodeWorkerClient, JobEnd, JobHandlers, JobHandle } from './decodeWorkerClient';
import { FrameIndex } from './frameIndex';
import type { FrameRegion } from './frameRegion';
import { dataError } from './readerErrors';

export interface IndexProgress {
  /** Frames indexed so far (all of them once `done`). */
  frames: number;
  /** Compressed bytes of the frame data read so far, and in total. */
  compressedBytes: number;
  totalCompressedBytes: number;
  /** What the header (or legacy metadata) claims, if anything. */
  claimedFrames: number | null;
  done: boolean;
  /** Set when done early: the file is truncated or corrupt after `frames` frames. */
  error: InputError | null;
}

/**
 * The background index of every frame: one job on its own worker decodes the frame region from
 * the start and reports where each frame lies. Other jobs that pass over frames not indexed yet
 * (sequential iteration) add to the same index through `feedHandlers`. Requests for a frame wait
 * here until the index reaches it.
 */
export class Indexer {
  readonly index = new FrameIndex();
  private job: JobHandle | null = null;
  private finished = false;
  private failure: InputError | null = null;
  private compressedRead = 0;
  private closed = false;
  private readonly listeners = new Set<(p: IndexProgress) => void>();
  /** Requests waiting for frame `i` to be indexed (Infinity: for the whole index). */
  private waiters: { i: number; resolve(): void; reject(err: unknown): void }[] = [];
  private indexedP: Promise<IndexProgress> | null = null;

  /** `onFrame` gets the first frame's bytes, which the index job delivers along the way. */
  constructor(
    private readonly region: FrameRegion,
    private readonly worker: DecodeWorkerClient,
    private readonly onFrame: (ordinal: number, bytes: Uint8Array) => void,
  ) {}

  /** True once every frame is indexed or the data ended early (see `error`). */
  get done(): boolean {
    return this.finished;
  }

  /** Why the data ended early, once done. */
  get error(): InputError | null {
    return this.failure;
  }

  get progress(): IndexProgress {
    return {
      frames: this.index.count,
      compressedBytes: this.compressedRead,
      totalCompressedBytes: this.region.compressedBytes,
      claimedFrames: this.region.head.claimedFrames,
      done: this.finished,
      error: this.failure,
    };
  }

  onProgress(listener: (p: IndexProgress) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    if (this.job || this.finished || this.closed) return;
    const job = this.worker.start(
      // The first frame comes along, so an editor can show it before indexing ends.
      this.region.job({ deliver: { from: 0, to: 1, step: 1 }, index: true, parallel: true }),
      {
        ...this.feedHandlers(),
        onProgress: (c) => {
          this.compressedRead = c;
        },
        onPayload: (ordinal, _off, bytes) => {
          job.ack(bytes.length);
          this.onFrame(ordinal, bytes);
        },
      },
    );
    this.job = job;
    job.done.then(
      (end) => this.finish(end),
      (err: unknown) => this.fail(err),
    );
  }

  /** Handlers that add what a decode job with `index: true` reports to this index. */
  feedHandlers(): Pick<JobHandlers, 'onKeys' | 'onBatch'> {
    // Each worker numbers key sets its own way.
    const sigMap = new Map<number, number>();
    return {
      onKeys: (sig, keys) => sigMap.set(sig, this.index.keySetId(keys)),
      onBatch: (b) => {
        if (this.index.add(b, sigMap)) this.grew();
      },
    };
  }

  /** Resolves when every frame is indexed (or the data ended early: see `error`). */
  indexed(): Promise<IndexProgress> {
    this.start();
    this.indexedP ??= new Promise((resolve, reject) => {
      if (this.finished) {
        resolve(this.progress);
        return;
      }
      this.waiters.push({ i: Infinity, resolve: () => resolve(this.progress), reject });
    });
    return this.indexedP;
  }

  /** Resolves when frame i is indexed; rejects with an InputError when the file has no such frame. */
  waitFor(i: number): Promise<void> {
    if (i < this.index.count) return Promise.resolve();
    if (this.finished) return Promise.reject(this.missingFrame(i));
    this.start();
    return new Promise((resolve, reject) => this.waiters.push({ i, resolve, reject }));
  }

  /** The error for a frame the data does not hold (it ended, or is damaged before it). */
  missingFrame(i: number): InputError {
    const n = this.index.count;
    if (this.failure) {
      return new InputError(this.failure.code, `Frame ${i} cannot be read: ${this.failure.message}`);
    }
    const name = basename(this.region.path);
    return new InputError('not-found', `Frame ${i} does not exist: ${name} has ${n} frame${n === 1 ? '' : 's'}`);
  }

  /** Rejects every waiting request with `err` and ends the worker. */
  close(err: unknown): Promise<void> {
    this.closed = true;
    for (const w of this.waiters) w.reject(err);
    this.waiters = [];
    return this.worker.close();
  }

  private finish(end: JobEnd): void {
    if (this.closed) return;
    this.finished = true;
    this.failure = dataError(this.region.path, end);
    if (end.error?.reason === 'internal') {
      this.fail(new Error(end.error.message));
      return;
    }
    this.grew();
  }

  private fail(err: unknown): void {
    if (this.closed) return;
    this.finished = true;
    for (const w of this.waiters) w.reject(err);
    this.waiters = [];
  }

  private grew(): void {
    const n = this.index.count;
    const keep: typeof this.waiters = [];
    for (const w of this.waiters) {
      if (w.i < n) w.resolve();
      else if (this.finished) {
        if (w.i === Infinity) w.resolve();
        else w.reject(this.missingFrame(w.i));
      } else keep.push(w);
    }
    this.waiters = keep;
    const p = this.progress;
    for (const l of this.listeners) l(p);
  }
}
