import { open, rename, rm, mkdir, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { temporaryPathFor } from './atomicFile';

/**
 * A file written in pieces at given offsets (a muxer goes back to fill in sizes once it knows
 * them), under a temporary name beside its target (atomicFile.ts), renamed when complete: an
 * interrupted or cancelled write leaves nothing under the real name, and `abort` leaves nothing at all.
 */
export class PartialFile {
  private size = 0;
  private closed = false;

  private constructor(
    readonly path: string,
    readonly tempPath: string,
    private readonly handle: FileHandle,
    private readonly maxBytes: number,
  ) {}

  /** Creates the temporary file for `path` (its folder too); at most `maxBytes` may be written. */
  static async create(path: string, maxBytes = Number.MAX_SAFE_INTEGER): Promise<PartialFile> {
    await mkdir(dirname(path), { recursive: true });
    const tempPath = temporaryPathFor(path);
    return new PartialFile(path, tempPath, await open(tempPath, 'wx'), maxBytes);
  }

  /** Bytes in the file so far. */
  get length(): number {
    return this.size;
  }

  /** Writes `data` at `position`, which may not lie beyond the end (no holes). */
  async write(position: number, data: Uint8Array): Promise<void> {
    if (this.closed) throw new Error('The file is closed');
    if (!Number.isSafeInteger(position) || position < 0 || position > this.size) {
      throw new RangeError(`Write at byte ${position} of a ${this.size}-byte file`);
    }
    const end = position + data.byteLength;
    if (end > this.maxBytes) throw new RangeError(`The file would exceed ${this.maxBytes} bytes`);
    let done = 0;
    while (done < data.byteLength) {
      const { bytesWritten } = await this.handle.write(data, done, data.byteLength - done, position + done);
      done += bytesWritten;
    }
    this.size = Math.max(this.size, end);
  }

  /** Closes the file and gives it its real name (replacing what was there). */
  async commit(): Promise<void> {
    if (this.closed) throw new Error('The file is closed');
    this.closed = true;
    try {
      await this.handle.close();
      await rename(this.tempPath, this.path);
    } catch (err) {
      await rm(this.tempPath, { force: true });
      throw err;
    }
  }

  /** Closes and deletes the temporary file. Safe to call more than once, and after commit (then it does nothing). */
  async abort(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.handle.close().catch(() => undefined);
    await rm(this.tempPath, { force: true });
  }
}
