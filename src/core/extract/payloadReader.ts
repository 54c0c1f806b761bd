import { open, type FileHandle } from 'node:fs/promises';
import { InputError, inputErrorFromFs } from '../errors';
import { readFully } from '../io/readFully';
import type { SmcFile, SmcFileKind } from '../smc/smcFile';

/**
 * Reads stored payloads (encoded images) for extraction. Payloads in one unfiltered run of the file
 * are read with positioned async reads on our own handle, straight into the caller's buffer (no
 * per-image allocation, never blocking the thread); anything else (chunked or compressed datasets)
 * goes through the HDF5 reader.
 */
export class PayloadReader {
  private constructor(
    private readonly files: Partial<Record<SmcFileKind, SmcFile>>,
    private readonly handles: Partial<Record<SmcFileKind, FileHandle>>,
  ) {}

  static async open(files: Partial<Record<SmcFileKind, SmcFile | null>>): Promise<PayloadReader> {
    const kept: Partial<Record<SmcFileKind, SmcFile>> = {};
    const handles: Partial<Record<SmcFileKind, FileHandle>> = {};
    try {
      for (const kind of ['anno', 'raw'] as const) {
        const f = files[kind];
        if (!f) continue;
        kept[kind] = f;
        handles[kind] = await open(f.path, 'r').catch((err: unknown) => {
          throw inputErrorFromFs(err, f.path);
        });
      }
    } catch (err) {
      for (const h of Object.values(handles)) await h.close();
      throw err;
    }
    return new PayloadReader(kept, handles);
  }

  file(kind: SmcFileKind): SmcFile {
    const f = this.files[kind];
    if (!f) throw new Error(`No ${kind} file is open`);
    return f;
  }

  /**
   * The `length` stored bytes of `dataset`. With `offset` they are read into `into` when it is large
   * enough (the result is then a view of it, valid until the buffer is reused).
   */
  async read(kind: SmcFileKind, dataset: string, offset: number | null, length: number, into?: Buffer): Promise<Uint8Array> {
    if (offset === null) {
      const bytes = await this.file(kind).hdf5.readBytes(dataset, { maxBytes: Number.MAX_SAFE_INTEGER });
      if (!bytes) throw new Error(`${dataset} vanished from ${this.file(kind).path}`);
      return bytes;
    }
    const out = into && into.length >= length ? into.subarray(0, length) : Buffer.allocUnsafe(length);
    const bytesRead = await readFully(this.handles[kind]!, out, offset, length).catch((err: unknown) => {
      throw inputErrorFromFs(err, this.file(kind).path);
    });
    // The plan checked the range against the file's size: the file shrank since.
    if (bytesRead < length) throw new InputError('truncated', `${this.file(kind).path} ends inside ${dataset}; was it changed while extracting?`);
    return out;
  }

  /** The first `n` stored bytes of a dataset (to sniff its format). */
  async head(kind: SmcFileKind, dataset: string, offset: number | null, length: number, n = 8): Promise<Uint8Array> {
    if (offset === null) return (await this.read(kind, dataset, null, length)).subarray(0, n);
    return this.read(kind, dataset, offset, Math.min(n, length));
  }

  async close(): Promise<void> {
    for (const h of Object.values(this.handles)) await h.close();
  }
}
