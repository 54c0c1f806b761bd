import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { InputError } from '../errors';
import { plural } from '../plural';
import { createAtomicWriteStream, removeStaleTemporaries, type AtomicWriteStream } from '../io/atomicFile';
import { DEFAULT_QUANTIZATION_MM } from './defaults';
import { encodeFrame, type FrameInput } from './frame';
import { encodeMsgpack, type EncodableValue } from './msgpack';
import { openBodyCompress } from './reader';
import { VERSION_KEY } from './header';
import { writeWithBackpressure } from '../writers/streamWrite';
import { compressBuffer, defaultCompressor, startCompressor, type Compressor } from './xzEncode';
import { defaultEngine, type XzEngine } from './xzDecode';
import { startStreamVerifier, type StreamVerifier } from './streamVerifier';

/*
 * Writes BodyCompress v0.2.1 files as the reference BodyCompressor does (spec §2.1): header
 * stream, 64-byte zero gap, metadata stream, frame stream; the header is rewritten with the
 * frame count and data offset on close. The file is written under a temporary name, decoded
 * again to verify it (while it is written: streamVerifier.ts), and only then renamed.
 */

export const WRITER_VERSION = [0, 2, 1];

export interface WriterOptions {
  /** Any msgpack-able value (default nil, like the reference). */
  metadata?: EncodableValue;
  /** Quantization step of vertices and joints in mm (default 0.5; uncertainties use the same step in m). */
  quantizationMm?: number;
  /**
   * Start a new xz stream every N frames so that a reader can decode any frame from the start
   * of its group (the reference: one 24 MiB block per ~227 frames). Off by default.
   */
  blockFrames?: number;
  /** Default: the system xz when installed, else lzma-native. */
  compressor?: Compressor | 'auto';
  /** xz threads for the frame stream (0 = one per core, the reference's default). */
  threads?: number;
  /** Decode the finished file again before renaming it (default true). */
  verify?: boolean;
  /** Decoder for the verification (default: system xz when installed). */
  verifyEngine?: XzEngine;
}

export interface WriteResult {
  path: string;
  frames: number;
  fileBytes: number;
  /** msgpack bytes of all frames (the data xz compressed). */
  dataBytes: number;
  dataSha256: string;
}

interface DataSink {
  write(bytes: Uint8Array): Promise<void>;
  finish(): Promise<void>;
  abort(): void;
}

/** Creates a writer; the output file appears only when `close()` succeeds. */
export async function createBodyCompressWriter(path: string, options: WriterOptions = {}): Promise<BodyCompressWriter> {
  const q = options.quantizationMm ?? DEFAULT_QUANTIZATION_MM;
  if (!(q > 0) || !Number.isFinite(q)) throw new InputError('invalid-value', `The quantization step must be a positive number of mm (got ${q})`);
  if (options.blockFrames !== undefined && !(Number.isInteger(options.blockFrames) && options.blockFrames >= 1)) {
    throw new InputError('invalid-value', `The block size must be a whole number of frames ≥ 1 (got ${options.blockFrames})`);
  }
  const compressor = !options.compressor || options.compressor === 'auto' ? defaultCompressor() : options.compressor;
  const metadataBytes = encodeMsgpack(options.metadata ?? null);
  const out = await createAtomicWriteStream(path);
  let verifier: StreamVerifier | null = null;
  try {
    verifier = options.verify === false ? null : await startStreamVerifier(options.verifyEngine ?? defaultEngine());
    const initialHeader = await compressBuffer(headerMsgpack(0, null), compressor);
    const metadata = await compressBuffer(metadataBytes, compressor);
    const metadataStart = initialHeader.length + 64;
    await writeWithBackpressure(out.stream, initialHeader);
    await writeWithBackpressure(out.stream, new Uint8Array(64));
    await writeWithBackpressure(out.stream, metadata);
    const dataStart = metadataStart + metadata.length;
    const tee = verifier ? verifier.push.bind(verifier) : () => undefined;
    const sink =
      options.blockFrames === undefined ? await streamSink(out, compressor, options.threads ?? 0, tee) : groupSink(out, compressor, options.blockFrames, tee);
    return new BodyCompressWriter(path, out, sink, q, metadataStart, dataStart, compressor, options, verifier);
  } catch (err) {
    verifier?.abort();
    await out.abort();
    throw err;
  }
}

function headerMsgpack(length: number, dataStart: number | null): Uint8Array {
  return encodeMsgpack(
    new Map<string, EncodableValue>([
      [VERSION_KEY, WRITER_VERSION],
      ['length', length],
      ['data_start', dataStart],
    ]),
  );
}

/** One compressor for the whole frame stream (xz --threads=0 -5: 24 MiB blocks, like the reference). */
async function streamSink(out: AtomicWriteStream, compressor: Compressor, threads: number, tee: (b: Uint8Array) => void): Promise<DataSink> {
  const c = await startCompressor(compressor, threads);
  c.output.on('data', tee);
  const piped = new Promise<void>((resolve, reject) => {
    c.output.on('error', reject);
    c.output.on('end', resolve);
    c.output.pipe(out.stream, { end: false });
  });
  piped.catch(() => undefined);
  c.input.on('error', () => undefined); // surfaced by `done`
  // A compressor that exits before its input ends has failed (or was killed).
  const stopped = c.done.then(() => Promise.reject(new Error('The compressor stopped before the end of its input')));
  stopped.catch(() => undefined);
  return {
    write: (b) => Promise.race([writeWithBackpressure(c.input, b), stopped]),
    async finish() {
      c.input.end();
      await Promise.all([c.done, piped]);
    },
    abort: () => c.kill(),
  };
}

/**
 * Every `n` frames become one complete xz stream, compressed in parallel (one per core) and
 * written in order: concatenated streams are valid .xz, and each group starts a new block.
 */
function groupSink(out: AtomicWriteStream, compressor: Compressor, n: number, tee: (b: Uint8Array) => void): DataSink {
  const limit = Math.max(1, availableParallelism());
  let group: Uint8Array[] = [];
  let failed: unknown = null;
  /** Rethrows the first failure as caught (`as unknown` undoes the truthiness narrowing to `{}`). */
  const throwIfFailed = () => {
    if (failed) throw failed as unknown;
  };
  /** Completion of each group's write, in file order (only the last `limit + 1` are kept). */
  const writes: Promise<void>[] = [];
  const flushGroup = async () => {
    if (group.length === 0) return;
    const compressing = compressBuffer(Buffer.concat(group), compressor);
    group = [];
    const previous = writes[writes.length - 1] ?? Promise.resolve();
    const written = (async () => {
      const compressed = await compressing;
      await previous;
      throwIfFailed();
      tee(compressed);
      await writeWithBackpressure(out.stream, compressed);
    })();
    written.catch((err: unknown) => {
      failed ??= err;
    });
    writes.push(written);
    if (writes.length > limit + 1) void writes.shift();
    // At most `limit` groups compress at once: wait for the group `limit` places back.
    if (writes.length > limit) await writes[writes.length - 1 - limit]!.catch(() => undefined);
    throwIfFailed();
  };
  return {
    async write(b) {
      throwIfFailed();
      group.push(b);
      if (group.length >= n) await flushGroup();
    },
    async finish() {
      await flushGroup();
      await writes[writes.length - 1];
      throwIfFailed();
    },
    abort: () => void (failed ??= new Error('aborted')),
  };
}

export class BodyCompressWriter {
  private frames = 0;
  private dataBytes = 0;
  private readonly hash = createHash('sha256');
  private state: 'open' | 'closing' | 'closed' | 'aborted' = 'open';
  private queue: Promise<void> = Promise.resolve();

  /** @internal use createBodyCompressWriter */
  constructor(
    readonly path: string,
    private readonly out: AtomicWriteStream,
    private readonly sink: DataSink,
    readonly quantizationMm: number,
    private readonly metadataStart: number,
    private readonly dataStart: number,
    readonly compressor: Compressor,
    private readonly options: WriterOptions,
    /** Decodes the frame data as it is written (null: verified after writing, or not at all). */
    private readonly verifier: StreamVerifier | null = null,
  ) {}

  /** Frames appended so far. */
  get length(): number {
    return this.frames;
  }

  /**
   * Quantizes and queues one frame; resolves when the compressor accepted it (await it for
   * backpressure). Throws an InputError for values the format cannot hold (NaN, Inf, out of
   * range, missing vertices/joints); the frame is then not written and the writer stays usable.
   */
  async append(frame: FrameInput): Promise<void> {
    if (this.state !== 'open') throw new Error(`The writer is ${this.state}`);
    const bytes = encodeFrame(frame, this.quantizationMm);
    const p = this.queue.then(() => this.sink.write(bytes));
    this.queue = p.catch(() => undefined);
    await p;
    this.frames++;
    this.dataBytes += bytes.length;
    this.hash.update(bytes);
  }

  /**
   * Finishes the file: final header, verification by decoding, then the rename. Aborting `signal`
   * before the rename deletes the temporary file instead (an existing file at the path stays).
   */
  async close(signal?: AbortSignal): Promise<WriteResult> {
    if (this.state !== 'open') throw new Error(`The writer is ${this.state}`);
    this.state = 'closing';
    try {
      await this.queue;
      await this.sink.finish();
      const decoded = await this.verifier?.finish().catch((err: unknown) => {
        throw new Error(`Verification of the written file failed: ${(err as Error).message}`);
      });
      await new Promise<void>((resolve, reject) => this.out.stream.end((err?: Error | null) => (err ? reject(err) : resolve())));
      const header = await compressBuffer(headerMsgpack(this.frames, this.dataStart), this.compressor);
      if (header.length > this.metadataStart) throw new Error('New header too large');
      const h = await open(this.out.tempPath, 'r+');
      let fileBytes: number;
      try {
        // The header grew by a few bytes; what is left of the 64-byte gap stays zero (stream padding).
        const patch = new Uint8Array(this.metadataStart);
        patch.set(header);
        await h.write(patch, 0, patch.length, 0);
        fileBytes = (await h.stat()).size;
      } finally {
        await h.close();
      }
      const sha = this.hash.digest('hex');
      if (decoded) await this.checkWritten(sha, decoded);
      else if (this.options.verify !== false) await this.verify(sha);
      signal?.throwIfAborted();
      await this.out.commit();
      // An earlier write of this file that was killed left its temporary file: the file is complete now.
      await removeStaleTemporaries(this.path);
      this.state = 'closed';
      return { path: this.path, frames: this.frames, fileBytes, dataBytes: this.dataBytes, dataSha256: sha };
    } catch (err) {
      await this.abort();
      throw err;
    }
  }

  /** Stops everything and deletes the temporary file; nothing appears under the real name. */
  async abort(): Promise<void> {
    if (this.state === 'closed' || this.state === 'aborted') return;
    this.state = 'aborted';
    this.sink.abort();
    this.verifier?.abort();
    await this.out.abort();
  }

  /**
   * The frame data decoded while it was written (`decoded`) must be what was compressed, and the
   * file around it what a reader expects: header, metadata and xz indexes from the file itself.
   */
  private async checkWritten(sha: string, decoded: { bytes: number; sha256: string }): Promise<void> {
    const f = await openBodyCompress(this.out.tempPath, { index: false, engine: this.options.verifyEngine });
    try {
      await f.layoutReady();
      const header = f.head;
      const layout = f.xzLayout;
      const frameBytes = layout?.streams.filter((st) => st.fileOffset >= this.dataStart).reduce((n, st) => n + st.uncompressedSize, 0);
      const ok =
        header.format === 'v0.2' &&
        header.claimedFrames === this.frames &&
        header.dataStart === this.dataStart &&
        layout?.complete === true &&
        frameBytes === this.dataBytes &&
        decoded.bytes === this.dataBytes &&
        decoded.sha256 === sha;
      if (!ok) {
        throw new Error(
          `Verification of the written file failed (${decoded.bytes} bytes decoded, ${frameBytes ?? 'unknown'} in its xz index; ` +
            `${plural(this.frames, 'frame')}, ${this.dataBytes} bytes written${layout?.problem ? `; ${layout.problem}` : ''})`,
        );
      }
    } finally {
      await f.close();
    }
  }

  private async verify(sha: string): Promise<void> {
    const f = await openBodyCompress(this.out.tempPath, { index: false, engine: this.options.verifyEngine });
    try {
      const header = f.head;
      const r = await f.verifyData();
      const ok =
        header.format === 'v0.2' &&
        header.claimedFrames === this.frames &&
        header.dataStart === this.dataStart &&
        r.error === null &&
        r.frames === this.frames &&
        r.bytes === this.dataBytes &&
        r.sha256 === sha;
      if (!ok) {
        throw new Error(
          `Verification of the written file failed (${plural(r.frames, 'frame')}, ${r.bytes} bytes decoded; ` +
            `${plural(this.frames, 'frame')}, ${this.dataBytes} bytes written${r.error ? `; ${r.error.message}` : ''})`,
        );
      }
    } finally {
      await f.close();
    }
  }
}
