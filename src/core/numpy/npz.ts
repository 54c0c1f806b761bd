import { Readable } from 'node:stream';
import * as yauzl from 'yauzl';
import * as yazl from 'yazl';
import { InputError, inputErrorFromFs } from '../errors';
import { createAtomicWriteStream, writeFileAtomic, type AtomicWriteStream } from '../io/atomicFile';
import type { NdArray } from './ndarray';
import { encodeNpy, encodeNpyHeader, NpyRowReader, readNpyWhole } from './npy';
import { storedZip, storedZipFits, type ZipEntry } from './storedZip';

/*
 * .npz files: a zip of `<name>.npy` entries (np.savez stores them, np.savez_compressed deflates
 * them). Writing streams each entry to disk as it is added (yazl); reading lists the zip's
 * central directory and streams one entry at a time (yauzl), so neither holds the archive.
 */

/** A fixed entry time (the zip epoch), so the same arrays always give the same bytes. */
const ENTRY_MTIME = new Date(1980, 0, 1);

export class NpzWriter {
  private readonly zip = new yazl.ZipFile();
  private readonly piped: Promise<void>;
  private fail: (err: unknown) => void = () => undefined;
  private readonly names = new Set<string>();

  private constructor(
    private readonly out: AtomicWriteStream,
    private readonly compress: boolean,
  ) {
    this.piped = new Promise<void>((resolve, reject) => {
      // Any failure (zip, output file, or a streamed entry's source) ends the archive with an error.
      this.fail = reject;
      (this.zip as unknown as NodeJS.EventEmitter).on('error', reject);
      this.zip.outputStream.on('error', reject);
      out.stream.on('error', reject);
      this.zip.outputStream.on('end', resolve);
      this.zip.outputStream.pipe(out.stream, { end: false });
    });
    this.piped.catch(() => undefined);
  }

  /** Starts an .npz at `path` (written under a temporary name until `close`). */
  static async create(path: string, options: { compress?: boolean } = {}): Promise<NpzWriter> {
    return new NpzWriter(await createAtomicWriteStream(path), options.compress ?? false);
  }

  private entryName(name: string): string {
    if (this.names.has(name)) throw new Error(`Array ${name} is already in the .npz`);
    this.names.add(name);
    return `${name}.npy`;
  }

  /** Adds one array as `<name>.npy`. */
  add(name: string, a: NdArray): void {
    const npy = encodeNpy(a);
    this.zip.addBuffer(Buffer.from(npy.buffer, npy.byteOffset, npy.byteLength), this.entryName(name), {
      compress: this.compress,
      mtime: ENTRY_MTIME,
    });
  }

  /**
   * Adds a large array whose C-order bytes arrive in pieces (e.g. frame by frame), without
   * holding it: `data` must yield exactly itemsize × product(shape) bytes.
   */
  addStreamed(name: string, dtype: string, shape: readonly number[], dataBytes: number, data: AsyncIterable<Uint8Array>): void {
    const header = encodeNpyHeader(dtype, shape);
    async function* all() {
      yield header;
      let n = 0;
      for await (const chunk of data) {
        n += chunk.length;
        yield chunk;
      }
      if (n !== dataBytes) throw new Error(`${name}: expected ${dataBytes} data bytes, got ${n}`);
    }
    const source = Readable.from(all());
    source.on('error', (err) => this.fail(err));
    this.zip.addReadStream(source, this.entryName(name), { compress: this.compress, size: header.length + dataBytes, mtime: ENTRY_MTIME });
  }

  /** Finishes the archive and renames it into place. */
  async close(): Promise<void> {
    this.zip.end();
    try {
      await this.piped;
      await this.out.commit();
    } catch (err) {
      await this.out.abort();
      throw err;
    }
  }

  async abort(): Promise<void> {
    this.zip.outputStream.unpipe?.();
    await this.out.abort();
  }
}

/** Archives up to this size are built in memory and written at once (np.savez's cost, no per-entry streaming). */
const IN_MEMORY_NPZ = 64 << 20;

/** Writes arrays into one .npz (np.savez layout): temporary name, then rename. */
export async function writeNpz(path: string, arrays: Iterable<[string, NdArray]>, options: { compress?: boolean } = {}): Promise<void> {
  const list = [...arrays];
  const entries: ZipEntry[] = list.map(([name, a]) => ({ name: `${name}.npy`, parts: [encodeNpyHeader(a.dtype, a.shape), a.bytes] }));
  if (!options.compress && new Set(entries.map((e) => e.name)).size === entries.length && storedZipFits(entries, IN_MEMORY_NPZ)) {
    await writeFileAtomic(path, storedZip(entries));
    return;
  }
  const w = await NpzWriter.create(path, options);
  try {
    for (const [name, a] of list) w.add(name, a);
  } catch (err) {
    await w.abort();
    throw err;
  }
  await w.close();
}

export class NpzReader {
  private constructor(
    private readonly zip: yauzl.ZipFile,
    private readonly entries: Map<string, yauzl.Entry>,
    readonly path: string,
  ) {}

  static async open(path: string): Promise<NpzReader> {
    let zip: yauzl.ZipFile;
    try {
      zip = await yauzl.openPromise(path, { lazyEntries: true, autoClose: false });
    } catch (err) {
      const fsErr = inputErrorFromFs(err, path);
      if (fsErr instanceof InputError) throw fsErr;
      throw new InputError('unsupported', `${path} is not a readable .npz (zip) file: ${(err as Error).message}`);
    }
    const entries = new Map<string, yauzl.Entry>();
    try {
      await new Promise<void>((resolve, reject) => {
        zip.on('entry', (e: yauzl.Entry) => {
          if (e.fileName.endsWith('.npy')) entries.set(e.fileName.slice(0, -4), e);
          zip.readEntry();
        });
        zip.on('end', resolve);
        zip.on('error', reject);
        zip.readEntry();
      });
    } catch (err) {
      zip.close();
      throw new InputError('corrupt', `${path}: damaged .npz (zip) directory: ${(err as Error).message}`);
    }
    return new NpzReader(zip, entries, path);
  }

  /** Array names (entry names without `.npy`), in archive order. */
  get names(): string[] {
    return [...this.entries.keys()];
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** Streams one array row by row. */
  async rowReader(name: string): Promise<NpyRowReader> {
    const e = this.entries.get(name);
    if (!e) throw new InputError('not-found', `${this.path} has no array named ${name}`);
    let stream: Readable;
    try {
      stream = await this.zip.openReadStreamPromise(e);
    } catch (err) {
      throw new InputError('corrupt', `${this.path}: cannot read ${name}: ${(err as Error).message}`);
    }
    stream.on('error', () => undefined); // reported through the iterator
    return NpyRowReader.open(mapErrors(stream, `${this.path}:${name}`), `${this.path}:${name}`, e.uncompressedSize);
  }

  /** Reads one whole array (use for small ones). */
  async read(name: string): Promise<NdArray> {
    const r = await this.rowReader(name);
    try {
      return await readNpyWhole(r);
    } finally {
      await r.close();
    }
  }

  close(): void {
    this.zip.close();
  }
}

async function* mapErrors(stream: Readable, source: string): AsyncGenerator<Uint8Array> {
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) yield chunk;
  } catch (err) {
    throw new InputError('corrupt', `${source}: ${(err as Error).message}`);
  } finally {
    stream.destroy();
  }
}
