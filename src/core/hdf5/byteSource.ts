import { closeSync, fstatSync, openSync } from 'node:fs';
import { inputErrorFromFs } from '../errors';
import { readFully, readFullySync } from '../io/readFully';
import { Hdf5FormatError } from './native/errors';

const PAGE_SIZE = 4096;
/** 2 MiB of cached metadata pages: object headers of neighbouring datasets share pages. */
export const MAX_PAGES = 512;
/** Metadata reads larger than this bypass the page cache. */
const DIRECT_READ_BYTES = 16 * PAGE_SIZE;
/**
 * No HDF5 metadata structure (object header block, B-tree node, heap) comes near this; a larger size
 * is a damaged field, refused before allocating.
 */
const MAX_METADATA_READ = 64 * 2 ** 20;

/**
 * Random access to one file without reading it whole: small synchronous reads through a page cache
 * (for HDF5 metadata: object headers, B-tree nodes, heaps) and asynchronous range reads for payloads,
 * which never block the calling thread.
 *
 * The cache is a fixed set of page buffers reused first-in first-out: a metadata scan misses hundreds
 * of thousands of pages, and a fresh buffer per miss costs GC time and inflates RSS through malloc.
 */
export class ByteSource {
  private readonly pages = new Map<number, Uint8Array>();
  private pending = 0;
  private closing = false;
  private closed = false;

  private constructor(
    readonly path: string,
    private readonly fd: number,
    readonly size: number,
  ) {}

  static open(path: string): ByteSource {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (err) {
      throw inputErrorFromFs(err, path);
    }
    return new ByteSource(path, fd, fstatSync(fd).size);
  }

  /**
   * `length` bytes at `position`, synchronously. The result may be a view into a cached page, valid
   * until MAX_PAGES further pages have been read: decode it right away and copy anything kept.
   */
  readSync(position: number, length: number): Uint8Array {
    this.checkRange(position, length);
    if (length > MAX_METADATA_READ) throw new Hdf5FormatError(`a metadata structure claims ${length} bytes`);
    if (length === 0) return new Uint8Array(0);
    if (length > DIRECT_READ_BYTES) return this.readDirect(position, length);
    const first = Math.floor(position / PAGE_SIZE);
    const last = Math.floor((position + length - 1) / PAGE_SIZE);
    if (first === last) {
      const start = position - first * PAGE_SIZE;
      return this.page(first).subarray(start, start + length);
    }
    const out = new Uint8Array(length);
    for (let p = first, written = 0; p <= last; p++) {
      const page = this.page(p);
      const start = p === first ? position - p * PAGE_SIZE : 0;
      const n = Math.min(page.length - start, length - written);
      out.set(page.subarray(start, start + n), written);
      written += n;
    }
    return out;
  }

  /** `length` bytes at `position` into a fresh, 8-byte aligned buffer, without blocking the thread. */
  async read(position: number, length: number): Promise<Uint8Array> {
    this.checkRange(position, length);
    if (this.closing) throw new Error(`${this.path} is closed`);
    const out = new Uint8Array(length);
    this.pending++;
    try {
      const n = await readFully(this.fd, out, position).catch((err: unknown) => {
        throw inputErrorFromFs(err, this.path);
      });
      if (n < length) throw new Hdf5FormatError(`unexpected end of file at byte ${position + n}`);
      return out;
    } finally {
      this.pending--;
      if (this.closing && this.pending === 0) this.release();
    }
  }

  /** Closes the file once the reads in flight have finished; later reads fail. */
  close(): void {
    if (this.closing) return;
    this.closing = true;
    this.pages.clear();
    if (this.pending === 0) this.release();
  }

  private release(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }

  private checkRange(position: number, length: number): void {
    if (this.closing) throw new Error(`${this.path} is closed`);
    if (!Number.isSafeInteger(position) || !Number.isSafeInteger(length) || position < 0 || length < 0) {
      throw new Hdf5FormatError(`invalid file range ${position}+${length}`);
    }
    if (position + length > this.size) {
      throw new Hdf5FormatError(`the file structure points past the end of the file (${length} bytes at ${position}, file size ${this.size})`);
    }
  }

  private page(index: number): Uint8Array {
    const cached = this.pages.get(index);
    if (cached) return cached;
    const start = index * PAGE_SIZE;
    const length = Math.min(PAGE_SIZE, this.size - start);
    let buffer: Uint8Array;
    if (this.pages.size >= MAX_PAGES) {
      // Reuse the oldest page's buffer (Map iteration order is insertion order).
      const [oldest, old] = this.pages.entries().next().value!;
      this.pages.delete(oldest);
      buffer = new Uint8Array(old.buffer, old.byteOffset, PAGE_SIZE);
    } else {
      buffer = new Uint8Array(PAGE_SIZE);
    }
    this.fill(buffer, start, length);
    const page = length === PAGE_SIZE ? buffer : buffer.subarray(0, length);
    this.pages.set(index, page);
    return page;
  }

  private readDirect(position: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    this.fill(out, position, length);
    return out;
  }

  private fill(out: Uint8Array, position: number, length: number): void {
    let n: number;
    try {
      n = readFullySync(this.fd, out, position, length);
    } catch (err) {
      throw inputErrorFromFs(err, this.path);
    }
    if (n < length) throw new Hdf5FormatError(`unexpected end of file at byte ${position + n}`);
  }
}
