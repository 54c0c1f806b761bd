import { open } from 'node:fs/promises';
import { InputError } from '../errors';
import { inputFileSize, readBytesAt, startsWith, XZ_MAGIC } from '../io/fileHead';
import { DecodeWorkerClient } from './decodeWorkerClient';
import { BODY_KEYS, type BodyFrame } from './frame';
import { FrameIterator, type FramesOptions } from './frameIterator';
import { FrameRegion } from './frameRegion';
import { readHead, type BodyCompressHead } from './header';
import { Indexer, type IndexProgress } from './indexer';
import type { PyValue } from './pyValues';
import { RandomAccess } from './randomAccess';
import { ReaderClosedError } from './readerErrors';
import { readXzLayout, type XzLayout } from './xzContainer';
import { defaultEngine, type XzEngine } from './xzDecode';

export { ReaderClosedError } from './readerErrors';
export type { IndexProgress } from './indexer';

/*
 * Reading a BodyCompress file: open (header + metadata), a background index of every frame, the
 * first frame at once, any frame by number (decoding only from its xz block), and sequential
 * iteration. All decoding runs in worker threads; the calling thread only parses the msgpack of
 * the frames it asked for. BodyCompressFile is the facade; each part is scheduled on its own:
 * indexer.ts (the index, on its own worker), randomAccess.ts (frames by number, cache and
 * prefetch), frameIterator.ts (sequential passes, a worker each), over frameRegion.ts (where the
 * frames lie and the decode jobs that reach them).
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

const DEFAULT_MAX_FRAME = 256 << 20;

/** Opens a BodyCompress file: resolves once its header and metadata are read. */
export async function openBodyCompress(path: string, options: OpenOptions = {}): Promise<BodyCompressFile> {
  const size = await inputFileSize(path);
  if (!startsWith(await readBytesAt(path, 0, 6), XZ_MAGIC)) {
    throw new InputError('not-xz', `Not an xz-compressed file (no xz signature): ${path}`);
  }
  const engine = !options.engine || options.engine === 'auto' ? defaultEngine() : options.engine;
  const maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME;
  const scanWorker = new DecodeWorkerClient();
  try {
    const layoutP = readLayout(path, size);
    const head = await readHead(path, size, engine, scanWorker, maxFrameBytes);
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
  private readonly region: FrameRegion;
  private readonly indexer: Indexer;
  private readonly access: RandomAccess;
  private readonly iterator: FrameIterator;
  private closed = false;
  private firstFrameP: Promise<BodyFrame | null> | null = null;

  /** @internal use openBodyCompress */
  constructor(
    readonly path: string,
    readonly fileSize: number,
    readonly head: BodyCompressHead,
    layout: Promise<XzLayout>,
    readonly engine: XzEngine,
    scanWorker: DecodeWorkerClient,
    options: OpenOptions,
    maxFrameBytes: number,
  ) {
    this.region = new FrameRegion(path, fileSize, head, engine, maxFrameBytes, layout);
    this.indexer = new Indexer(this.region, scanWorker, (ordinal, bytes) => this.access.deliver(ordinal, bytes));
    this.access = new RandomAccess(this.region, this.indexer, options.cacheBytes ?? 64 << 20, options.prefetch ?? 4);
    this.iterator = new FrameIterator(this.region, this.indexer);
    if (options.index !== false) this.indexer.start();
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
    return this.region.layout;
  }

  /** Resolves when the xz block list has been read (`seekability`, `blockCount` are final then). */
  layoutReady(): Promise<void> {
    return this.region.ready;
  }

  /** How frames are reached (see Seekability); `sequential` until `layoutReady()`. */
  get seekability(): Seekability {
    if (!this.region.blocks) return 'sequential';
    return this.region.blocks.length > 1 ? 'blocks' : 'single-block';
  }

  /** Number of xz blocks holding the frames, or null when unknown (not read yet, damaged or truncated file). */
  get blockCount(): number | null {
    return this.region.blocks ? this.region.blocks.length : null;
  }

  get indexProgress(): IndexProgress {
    return this.indexer.progress;
  }

  /** Called (at most about ten times a second) while the index grows, and once when it is done. */
  onIndexProgress(listener: (p: IndexProgress) => void): () => void {
    return this.indexer.onProgress(listener);
  }

  /** Resolves when every frame is indexed (or the data ended early: see `error`). */
  indexed(): Promise<IndexProgress> {
    return this.indexer.indexed();
  }

  /** The first frame as soon as it is decoded; null for a file without frames. */
  firstFrame(): Promise<BodyFrame | null> {
    this.firstFrameP ??= this.getFrame(0).catch((err: unknown) => {
      if (this.indexer.done && this.indexer.index.count === 0 && !(err instanceof ReaderClosedError)) {
        if (this.indexer.error) throw this.indexer.error;
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
    return this.access.get(i, opts.signal);
  }

  /**
   * Every frame in order (or `start:end:step`), decoded by a dedicated worker with bounded memory.
   * After the last complete frame of a truncated or damaged file it throws an InputError.
   */
  frames(opts: FramesOptions = {}): AsyncGenerator<BodyFrame> {
    return this.iterator.frames(opts);
  }

  /** Everything `bodycap info` shows; indexes the whole file first. */
  async summary(): Promise<BodyCompressSummary> {
    const p = await this.indexed();
    await this.region.ready;
    const index = this.indexer.index;
    const n = index.count;
    const dataU = n > 0 ? index.offset(n - 1) + index.length(n - 1) - index.offset(0) : 0;
    const dataC = this.region.compressedBytes;
    const keys: string[] = [];
    for (const set of index.keySetsSeen) for (const k of decodedKeys(set)) if (!keys.includes(k)) keys.push(k);
    return {
      format: this.head.format,
      version: this.head.version,
      claimedFrames: this.head.claimedFrames,
      frames: n,
      metadata: this.head.metadata,
      keys,
      persons: index.maxPersons >= 0 ? { min: index.minPersons, max: index.maxPersons } : null,
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
  verifyData(): Promise<{ frames: number; bytes: number; sha256: string; error: InputError | null }> {
    return this.iterator.verify();
  }

  /** People in frame i as indexing saw them (-1 unknown); throws if i is not indexed yet. */
  personsIn(i: number): number {
    if (i >= this.indexer.index.count) throw new RangeError(`Frame ${i} is not indexed yet`);
    return this.indexer.index.personsIn(i);
  }

  /** Stops every decoder and worker; pending requests reject with ReaderClosedError. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const err = new ReaderClosedError();
    await Promise.all([this.access.close(err), this.indexer.close(err), this.iterator.close()]);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new ReaderClosedError();
  }
}

/** Wire keys → the keys a decoded frame has (qd_* become body keys, appended in order). */
export function decodedKeys(wire: readonly string[]): string[] {
  const body = BODY_KEYS.filter((k) => wire.includes(`qd_${k}`));
  return [...wire.filter((k) => !(k.startsWith('qd_') && (BODY_KEYS as readonly string[]).includes(k.slice(3)))), ...body];
}
