import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { InputError } from '../errors';
import { inputFileSize, readBytesAt, startsWith, XZ_MAGIC } from '../io/fileHead';
import { DecodeWorker, type JobEnd, type JobHandle } from './decodeWorker';
import { BODY_KEYS, decodeFrame, type BodyFrame } from './frame';
import { FrameCache } from './frameCache';
import { FrameIndex } from './frameIndex';
import { classifyHead, type BodyCompressHead } from './header';
import type { PyValue } from './pyValues';
import type { DeliverRange, JobSpec } from './workerProtocol';
import { readXzLayout, streamOfBlocks, type SourcePiece, type XzBlock, type XzLayout, type XzStream } from './xzContainer';
import { defaultEngine, type XzEngine } from './xzDecode';

/*
 * Reading a BodyCompress file: open (header + metadata), a background index of every frame, the
 * first frame at once, any frame by number (decoding only from its xz block), and sequential
 * iteration. All decoding runs in worker threads; the calling thread only parses the msgpack of
 * the frames it asked for.
 */

export interface OpenOptions {
  /** `xz` (system program, faster) or `wasm` (bundled); default: `xz` when installed. */
  engine?: XzEngine | 'auto';
  /** Index the whole file in the background right away (default true). */
  index?: boolean;
  /** Decoded frames kept for random access (default 64 MiB, about 20 s of one SMPL person). */
  cacheBytes?: number;
  /** Refuse frames larger than this (default 256 MiB; the reference stops at 100 MiB). */
  maxFrameBytes?: number;
  /** Frames decoded ahead after a random access, for playback (default 4). */
  prefetch?: number;
}

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
 * How frames are reached: `blocks` decodes only from the xz block holding a frame; files written
 * by a single xz thread have one block (`single-block`), and damaged files no usable block list
 * (`sequential`): both re-decode from the start of the frames (bounded memory, slower).
 */
export type Seekability = 'blocks' | 'single-block' | 'sequential';

export interface BodyCompressSummary {
  format: 'v0.2' | 'v0.1';
  version: number[] | null;
  claimedFrames: number | null;
  frames: number;
  metadata: PyValue;
  /** Decoded key names seen in any frame, in first-seen order. */
  keys: string[];
  persons: { min: number; max: number } | null;
  /** xz blocks holding the frames (null when the block list is unknown). */
  blocks: number | null;
  seekability: Seekability;
  fileBytes: number;
  /** Compressed bytes from the start of the frame data to the end of the file. */
  dataCompressedBytes: number;
  /** msgpack bytes of all frames (what xz compressed). */
  dataUncompressedBytes: number;
  /** dataUncompressedBytes / dataCompressedBytes. */
  ratio: number | null;
  error: InputError | null;
}

export class ReaderClosedError extends Error {
  override name = 'AbortError';
  constructor() {
    super('The BodyCompress file was closed');
  }
}

interface RegionBlock {
  block: XzBlock;
  stream: XzStream;
  /** Offset of the block's data within the decoded frame region. */
  offset: number;
}

interface Waiter {
  resolve(f: BodyFrame): void;
  reject(err: unknown): void;
}

interface Cursor {
  job: JobHandle;
  next: number;
  paused: boolean;
  /** Frames the job is delivering now (until it pauses). */
  deliver: DeliverRange;
}

const DEFAULT_MAX_FRAME = 256 << 20;
const FLOW_WINDOW = 32 << 20;

/** Opens a BodyCompress file: resolves once its header and metadata are read. */
export async function openBodyCompress(path: string, options: OpenOptions = {}): Promise<BodyCompressFile> {
  const size = await inputFileSize(path);
  if (!startsWith(await readBytesAt(path, 0, 6), XZ_MAGIC)) {
    throw new InputError('not-xz', `Not an xz-compressed file (no xz signature): ${path}`);
  }
  const engine = !options.engine || options.engine === 'auto' ? defaultEngine() : options.engine;
  const maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME;
  const scanWorker = new DecodeWorker();
  try {
    const layoutP = readLayout(path, size);
    const objects: Uint8Array[] = [];
    const job = scanWorker.start(
      {
        path,
        engine,
        pieces: [{ start: 0, end: Infinity }],
        skipBytes: 0,
        firstOrdinal: 0,
        deliver: { from: 0, to: 2, step: 1 },
        index: false,
        stopAt: 2,
        pauseAt: Infinity,
        window: Infinity,
        maxObjectBytes: maxFrameBytes,
      },
      { onPayload: (_o, _off, bytes) => void objects.push(bytes) },
    );
    const end = await job.done;
    const r = end.error?.reason;
    const ended = r === 'truncated' ? 'truncated' : r === 'corrupt' || r === 'format' || r === 'unsupported' ? 'corrupt' : 'clean';
    if (r === 'internal') throw new Error(end.error!.message);
    const head = classifyHead(objects, ended, path);
    // The block list is not needed for the first frame: it arrives while that decodes.
    return new BodyCompressFile(path, size, head, layoutP, engine, scanWorker, options, maxFrameBytes);
  } catch (err) {
    await scanWorker.close();
    throw err;
  }
}

async function readLayout(path: string, size: number): Promise<XzLayout> {
  const h = await open(path, 'r');
  try {
    return await readXzLayout(h, 0, size);
  } finally {
    await h.close();
  }
}

export class BodyCompressFile {
  private readonly index = new FrameIndex();
  private readonly cache: FrameCache;
  private readonly seekWorker = new DecodeWorker();
  private readonly iterWorkers = new Set<DecodeWorker>();
  /** The xz container and the blocks of the frame region: known shortly after open. */
  private layout: XzLayout | null = null;
  private regionBlocks: RegionBlock[] | null = null;
  private readonly layoutP: Promise<void>;
  private readonly listeners = new Set<(p: IndexProgress) => void>();
  private readonly waiters = new Map<number, Waiter[]>();
  private indexWaiters: { i: number; resolve(): void; reject(err: unknown): void }[] = [];
  private readonly inflight = new Map<number, Promise<BodyFrame>>();
  private seekChain: Promise<unknown> = Promise.resolve();
  private cursor: Cursor | null = null;
  private scanJob: JobHandle | null = null;
  private indexDone = false;
  private indexError: InputError | null = null;
  private compressedRead = 0;
  private closed = false;
  private firstFrameP: Promise<BodyFrame | null> | null = null;
  private indexedP: Promise<IndexProgress> | null = null;

  /** @internal use openBodyCompress */
  constructor(
    readonly path: string,
    readonly fileSize: number,
    readonly head: BodyCompressHead,
    layout: Promise<XzLayout>,
    readonly engine: XzEngine,
    private readonly scanWorker: DecodeWorker,
    private readonly options: OpenOptions,
    private readonly maxFrameBytes: number,
  ) {
    this.cache = new FrameCache(options.cacheBytes ?? 64 << 20);
    this.layoutP = layout.then(
      (l) => {
        this.layout = l;
        this.regionBlocks = regionBlocksOf(l, head.frames.fileOffset);
      },
      // An unreadable block list only costs random access its shortcut.
      () => undefined,
    );
    if (options.index !== false) this.startIndexing();
  }

  get format(): 'v0.2' | 'v0.1' {
    return this.head.format;
  }

  get version(): number[] | null {
    return this.head.version;
  }

  get metadata(): PyValue {
    return this.head.metadata;
  }

  /** Frame count the header (or legacy metadata) claims; the real count is known after indexing. */
  get claimedFrames(): number | null {
    return this.head.claimedFrames;
  }

  /** The xz streams and blocks of the whole file, once read (see `layoutReady`). */
  get xzLayout(): XzLayout | null {
    return this.layout;
  }

  /** Resolves when the xz block list has been read (`seekability`, `blockCount` are final then). */
  layoutReady(): Promise<void> {
    return this.layoutP;
  }

  /** How frames are reached (see Seekability); `sequential` until `layoutReady()`. */
  get seekability(): Seekability {
    if (!this.regionBlocks) return 'sequential';
    return this.regionBlocks.length > 1 ? 'blocks' : 'single-block';
  }

  /** Number of xz blocks holding the frames, or null when unknown (not read yet, damaged or truncated file). */
  get blockCount(): number | null {
    return this.regionBlocks ? this.regionBlocks.length : null;
  }

  get indexProgress(): IndexProgress {
    return {
      frames: this.index.count,
      compressedBytes: this.compressedRead,
      totalCompressedBytes: this.fileSize - this.head.frames.fileOffset,
      claimedFrames: this.head.claimedFrames,
      done: this.indexDone,
      error: this.indexError,
    };
  }

  /** Called (at most about ten times a second) while the index grows, and once when it is done. */
  onIndexProgress(listener: (p: IndexProgress) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves when every frame is indexed (or the data ended early: see `error`). */
  indexed(): Promise<IndexProgress> {
    this.startIndexing();
    this.indexedP ??= new Promise((resolve, reject) => {
      if (this.indexDone) return resolve(this.indexProgress);
      this.indexWaiters.push({ i: Infinity, resolve: () => resolve(this.indexProgress), reject });
    });
    return this.indexedP;
  }

  /** The first frame as soon as it is decoded; null for a file without frames. */
  firstFrame(): Promise<BodyFrame | null> {
    this.firstFrameP ??= this.getFrame(0).catch((err: unknown) => {
      if (this.indexDone && this.index.count === 0 && !(err instanceof ReaderClosedError)) {
        if (this.indexError) throw this.indexError;
        return null;
      }
      throw err;
    });
    return this.firstFrameP;
  }

  /**
   * Frame `i` (from 0). Waits for the index to reach it, then decodes from the xz block holding
   * it (recently used and the next few frames are cached). Rejects with an InputError when the
   * file has no such frame (it ended, or is truncated before it).
   */
  async getFrame(i: number, opts: { signal?: AbortSignal } = {}): Promise<BodyFrame> {
    this.assertOpen();
    if (!Number.isSafeInteger(i) || i < 0) throw new RangeError(`Frame numbers are integers from 0 (got ${i})`);
    const hit = this.cache.get(i);
    if (hit) return hit;
    await abortable(this.waitIndexed(i), opts.signal);
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
    return abortable(p, opts.signal);
  }

  /**
   * Every frame in order (or `start:end:step`), decoded by a dedicated worker with bounded memory.
   * After the last complete frame of a truncated or damaged file it throws an InputError.
   */
  async *frames(opts: { start?: number; end?: number; step?: number; signal?: AbortSignal } = {}): AsyncGenerator<BodyFrame> {
    this.assertOpen();
    const start = opts.start ?? 0;
    const end = opts.end ?? Infinity;
    const step = opts.step ?? 1;
    if (!(start >= 0) || !(step >= 1) || !Number.isInteger(start) || !Number.isInteger(step)) {
      throw new RangeError('frames(): start must be an integer ≥ 0 and step an integer ≥ 1');
    }
    if (end <= start) return;
    if (start > 0) await this.layoutP;
    const worker = new DecodeWorker();
    this.iterWorkers.add(worker);
    const queue: BodyFrame[] = [];
    let wake: (() => void) | null = null;
    let failure: unknown = null;
    let finished: JobEnd | null = null;
    const fromBlock = this.regionBlocks && this.regionBlocks.length > 1 && start > 0 && start < this.index.count;
    const plan = fromBlock ? this.planFrom(start) : {};
    const feedIndex = !fromBlock && !this.indexDone;
    const sigMap = new Map<number, number>();
    const job = worker.start(
      this.regionJob({ ...plan, deliver: { from: start, to: end, step }, index: feedIndex, stopAt: end }),
      {
        onKeys: (sig, keys) => sigMap.set(sig, this.index.keySetId(keys)),
        onBatch: (b) => {
          if (this.index.add(b, sigMap)) this.afterIndexGrew();
        },
        onPayload: (ordinal, _off, bytes) => {
          try {
            queue.push(decodeFrame(bytes, ordinal));
          } catch (err) {
            failure ??= err;
          }
          job.ack(bytes.length);
          wake?.();
        },
      },
    );
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
        if (failure) throw failure;
        if (finished) {
          const e = finished as JobEnd;
          // Reaching `end` is a normal stop; anything else is the end of the data.
          if (e.next < end) {
            const err = this.dataError(e);
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
      this.iterWorkers.delete(worker);
    }
  }

  /** Everything `bodycap info` shows; indexes the whole file first. */
  async summary(): Promise<BodyCompressSummary> {
    const p = await this.indexed();
    await this.layoutP;
    const n = this.index.count;
    const dataU = n > 0 ? this.index.offset(n - 1) + this.index.length(n - 1) - this.index.offset(0) : 0;
    const dataC = this.fileSize - this.head.frames.fileOffset;
    const keys: string[] = [];
    for (const set of this.index.keySetsSeen) for (const k of decodedKeys(set)) if (!keys.includes(k)) keys.push(k);
    return {
      format: this.head.format,
      version: this.head.version,
      claimedFrames: this.head.claimedFrames,
      frames: n,
      metadata: this.head.metadata,
      keys,
      persons: this.index.maxPersons >= 0 ? { min: this.index.minPersons, max: this.index.maxPersons } : null,
      blocks: this.blockCount,
      seekability: this.seekability,
      fileBytes: this.fileSize,
      dataCompressedBytes: dataC,
      dataUncompressedBytes: dataU,
      ratio: dataC > 0 && n > 0 ? dataU / dataC : null,
      error: p.error,
    };
  }

  /**
   * Decodes all frame data once more and reports its size, sha256 and object count (the writer
   * compares them with what it wrote). Independent of the index.
   */
  async verifyData(): Promise<{ frames: number; bytes: number; sha256: string; error: InputError | null }> {
    this.assertOpen();
    const worker = new DecodeWorker();
    this.iterWorkers.add(worker);
    try {
      const job = worker.start(this.regionJob({ hash: true }), {});
      const end = await job.done;
      if (end.error?.reason === 'internal') throw new Error(end.error.message);
      return { frames: Math.max(0, end.next), bytes: end.decodedBytes, sha256: end.sha256 ?? '', error: this.dataError(end) };
    } finally {
      await worker.close();
      this.iterWorkers.delete(worker);
    }
  }

  /** People in frame i as indexing saw them (-1 unknown); throws if i is not indexed yet. */
  personsIn(i: number): number {
    if (i >= this.index.count) throw new RangeError(`Frame ${i} is not indexed yet`);
    return this.index.personsIn(i);
  }

  /** Stops every decoder and worker; pending requests reject with ReaderClosedError. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const err = new ReaderClosedError();
    for (const list of this.waiters.values()) for (const w of list) w.reject(err);
    this.waiters.clear();
    for (const w of this.indexWaiters) w.reject(err);
    this.indexWaiters = [];
    this.cache.clear();
    await Promise.all([this.scanWorker.close(), this.seekWorker.close(), ...[...this.iterWorkers].map((w) => w.close())]);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  // ----------------------------------------------------------------------------------------------

  private assertOpen(): void {
    if (this.closed) throw new ReaderClosedError();
  }

  private regionPieces(): SourcePiece[] {
    return [{ start: this.head.frames.fileOffset, end: Infinity }];
  }

  /** A decode job over the frame region from its start, with `over` changed. */
  private regionJob(over: Partial<Omit<JobSpec, 'id'>>): Omit<JobSpec, 'id'> {
    return {
      path: this.path,
      engine: this.engine,
      pieces: this.regionPieces(),
      skipBytes: 0,
      firstOrdinal: 0 - this.head.frames.objectsBefore,
      deliver: { from: 0, to: 0, step: 1 },
      index: false,
      stopAt: Infinity,
      pauseAt: Infinity,
      window: FLOW_WINDOW,
      maxObjectBytes: this.maxFrameBytes,
      ...over,
    };
  }

  private startIndexing(): void {
    if (this.scanJob || this.indexDone || this.closed) return;
    const sigMap = new Map<number, number>();
    const job = this.scanWorker.start(
      // The first frame comes along, so an editor can show it before indexing ends.
      this.regionJob({ deliver: { from: 0, to: 1, step: 1 }, index: true }),
      {
        onKeys: (sig, keys) => sigMap.set(sig, this.index.keySetId(keys)),
        onBatch: (b) => {
          if (this.index.add(b, sigMap)) this.afterIndexGrew();
        },
        onProgress: (c) => {
          this.compressedRead = c;
        },
        onPayload: (ordinal, _off, bytes) => {
          job.ack(bytes.length);
          this.deliver(ordinal, bytes);
        },
      },
    );
    this.scanJob = job;
    job.done.then(
      (end) => this.finishIndex(end),
      (err: unknown) => this.failIndex(err),
    );
  }

  private finishIndex(end: JobEnd): void {
    if (this.closed) return;
    this.indexDone = true;
    this.indexError = this.dataError(end);
    if (end.error?.reason === 'internal') return this.failIndex(new Error(end.error.message));
    this.afterIndexGrew();
  }

  private failIndex(err: unknown): void {
    if (this.closed) return;
    this.indexDone = true;
    for (const w of this.indexWaiters) w.reject(err);
    this.indexWaiters = [];
  }

  private afterIndexGrew(): void {
    const n = this.index.count;
    const keep: typeof this.indexWaiters = [];
    for (const w of this.indexWaiters) {
      if (w.i < n) w.resolve();
      else if (this.indexDone) {
        if (w.i === Infinity) w.resolve();
        else w.reject(this.missingFrame(w.i));
      } else keep.push(w);
    }
    this.indexWaiters = keep;
    const p = this.indexProgress;
    for (const l of this.listeners) l(p);
  }

  private missingFrame(i: number): InputError {
    const n = this.index.count;
    if (this.indexError) {
      return new InputError(this.indexError.code, `Frame ${i} cannot be read: ${this.indexError.message}`);
    }
    return new InputError('not-found', `Frame ${i} does not exist: ${basename(this.path)} has ${n} frame${n === 1 ? '' : 's'}`);
  }

  private waitIndexed(i: number): Promise<void> {
    if (i < this.index.count) return Promise.resolve();
    if (this.indexDone) return Promise.reject(this.missingFrame(i));
    this.startIndexing();
    return new Promise((resolve, reject) => this.indexWaiters.push({ i, resolve, reject }));
  }

  /** The error a decode job's end means for the frames, or null when the data ended cleanly. */
  private dataError(end: JobEnd): InputError | null {
    const n = Math.max(0, end.next);
    const name = basename(this.path);
    const where = n === 0 ? 'before its first frame' : `after frame ${n - 1} (${n} complete frame${n === 1 ? '' : 's'})`;
    const e = end.error;
    if (!e) {
      if (end.trailingBytes > 0) return new InputError('truncated', `${name} is truncated ${where}: the data ends inside the next frame`);
      return null;
    }
    switch (e.reason) {
      case 'truncated':
        return new InputError('truncated', `${name} is truncated ${where}: ${e.message}`);
      case 'unsupported':
        return new InputError('unsupported', `${name} cannot be decoded ${where}: ${e.message}`);
      case 'internal':
        return null;
      default:
        return new InputError('corrupt', `${name} is corrupt ${where}: ${e.message}`);
    }
  }

  private deliver(ordinal: number, bytes: Uint8Array): void {
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

  private waitDelivered(i: number): Promise<BodyFrame> {
    return new Promise((resolve, reject) => {
      const list = this.waiters.get(i) ?? [];
      list.push({ resolve, reject });
      this.waiters.set(i, list);
    });
  }

  /** Block (index into regionBlocks) whose decoded data contains region offset `off`. */
  private blockAt(off: number): number {
    const b = this.regionBlocks!;
    let lo = 0;
    let hi = b.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (b[mid]!.offset <= off) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Decode plan starting at indexed frame i: from its block when blocks are known. */
  private planFrom(i: number): { pieces: SourcePiece[]; skipBytes: number; firstOrdinal: number } {
    const off = this.index.offset(i);
    const blocks = this.regionBlocks;
    if (!blocks || blocks.length <= 1) return { pieces: this.regionPieces(), skipBytes: off, firstOrdinal: i };
    const rb = blocks[this.blockAt(off)]!;
    const s = rb.stream;
    const pieces = streamOfBlocks(s, s.blocks.slice(s.blocks.indexOf(rb.block)));
    // Later streams follow as they are: concatenated xz streams decode as one sequence.
    const streams = this.layout!.streams;
    const next = streams[streams.indexOf(s) + 1];
    if (next) pieces.push({ start: next.fileOffset, end: Infinity });
    return { pieces, skipBytes: off - rb.offset, firstOrdinal: i };
  }

  /** Random access to frame i (called one at a time through seekChain). */
  private async seek(i: number): Promise<BodyFrame> {
    this.assertOpen();
    const cached = this.cache.get(i);
    if (cached) return cached;
    await this.layoutP;
    this.assertOpen();
    const count = this.options.prefetch ?? 4;
    const deliver: DeliverRange = { from: i, to: i + 1 + count, step: 1 };
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
      this.startSeekJob(i, deliver);
    }
    return wait;
  }

  /** Continue a paused decoder instead of restarting from the block of frame i? */
  private worthContinuing(next: number, i: number): boolean {
    if (!this.regionBlocks || this.regionBlocks.length <= 1) return true;
    if (next >= this.index.count) return false;
    const from = this.index.offset(next);
    const blockStart = this.regionBlocks[this.blockAt(this.index.offset(i))]!.offset;
    return from >= blockStart || this.index.offset(i) - from < 4 << 20;
  }

  private startSeekJob(i: number, deliver: DeliverRange): void {
    const plan = this.planFrom(i);
    const cursor: Cursor = { job: null as unknown as JobHandle, next: i, paused: false, deliver };
    const job = this.seekWorker.start(
      this.regionJob({ ...plan, deliver, pauseAt: deliver.to }),
      {
        onPayload: (ordinal, _off, bytes) => {
          job.ack(bytes.length);
          this.deliver(ordinal, bytes);
        },
        onPaused: (next) => {
          cursor.next = next;
          cursor.paused = true;
        },
      },
    );
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
        settle(this.dataError(end) ?? this.missingFrame(end.next));
      },
      (err: unknown) => {
        if (this.cursor === cursor) settle(err);
      },
    );
  }
}

/** The blocks of the frame region, with offsets relative to its decoded start; null if unusable. */
function regionBlocksOf(layout: XzLayout, fileOffset: number): RegionBlock[] | null {
  if (!layout.complete) return null;
  const streams = layout.streams.filter((s) => s.fileOffset >= fileOffset);
  if (streams.length === 0 || streams[0]!.fileOffset !== fileOffset) return null;
  const base = streams[0]!.uncompressedOffset;
  const out: RegionBlock[] = [];
  for (const s of streams) for (const b of s.blocks) out.push({ block: b, stream: s, offset: b.uncompressedOffset - base });
  return out;
}

/** Wire keys → the keys a decoded frame has (qd_* become body keys, appended in order). */
export function decodedKeys(wire: readonly string[]): string[] {
  const body = BODY_KEYS.filter((k) => wire.includes(`qd_${k}`));
  return [...wire.filter((k) => !(k.startsWith('qd_') && (BODY_KEYS as readonly string[]).includes(k.slice(3)))), ...body];
}

function abortable<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return p;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}
