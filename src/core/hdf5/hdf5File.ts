import { basename } from 'node:path';
import { InputError } from '../errors';
import { ByteSource } from './byteSource';
import { dtypeFromH5wasm, isNumeric, typedArrayFromBytes, type Hdf5Dtype, type NumericArray } from './dtype';
import { H5wasmIndex } from './h5wasmIndex';
import { Hdf5FormatError, Hdf5UnsupportedError } from './native/errors';
import { NativeHdf5Index } from './native/nativeIndex';
import { checkHdf5Header, guardH5wasm, hdf5ErrorMessage, loadH5wasm, openH5wasmFile, type H5File, type H5Module, type Hdf5Superblock } from './openHdf5';
import type { Hdf5DatasetInfo, Hdf5Link, Hdf5NodeKind } from './types';

/** Values of one dataset or slice: a typed array for numbers, string[] for strings. */
export interface Hdf5Array {
  dtype: Hdf5Dtype;
  shape: number[];
  data: NumericArray | string[] | unknown[];
}

export interface Hdf5Attribute {
  name: string;
  dtype: Hdf5Dtype;
  /** [] for a scalar. */
  shape: number[] | null;
  /** A string, number or bigint for scalars; string[] or a typed array otherwise. */
  value: unknown;
}

export interface Hdf5OpenOptions {
  /** Use only h5wasm for metadata (for tests that compare both readers). Default: native reader first. */
  nativeIndex?: boolean;
}

export interface ReadOptions {
  /** Refuse to read more than this many bytes in one piece (default 512 MiB). */
  maxBytes?: number;
}

export const DEFAULT_MAX_READ_BYTES = 512 * 2 ** 20;
/** No HDF5 filter in use compresses better than deflate's ~1032:1; a larger claim is a corrupt header. */
const MAX_FILTER_RATIO = 1100;
/** Filtered datasets up to this size are not held to their stored size (fill values of tiny datasets). */
const SMALL_DATASET_BYTES = 2 ** 20;

/**
 * An open HDF5 file: structure and metadata without reading values, values on request.
 *
 * Metadata and attributes come from the native reader (fast, exact storage sizes and file offsets);
 * h5wasm (the HDF5 library) serves what it does not implement, and is opened on the file only then.
 * Values of contiguous datasets are read asynchronously straight from the file; everything else
 * (chunked, filtered, strings) goes through h5wasm, which runs synchronously in the calling thread.
 * A structure the native reader finds damaged is reported as corrupt and never handed to h5wasm:
 * on some damaged structures the HDF5 library aborts its wasm instance for the whole process.
 * Every method takes absolute paths ("/Camera/00/color/0").
 */
export class Hdf5File {
  private h5file: H5File | null = null;
  private h5index: H5wasmIndex | null = null;
  private closed = false;
  /** How many metadata questions the native reader handed to h5wasm (for tests and benchmarks). */
  fallbackCount = 0;

  private constructor(
    readonly path: string,
    readonly size: number,
    readonly superblock: Hdf5Superblock,
    private readonly mod: H5Module,
    private readonly src: ByteSource,
    private readonly native: NativeHdf5Index | null,
  ) {}

  /**
   * Opens `path` read-only. Throws InputError: not-found, unreadable, is-directory, empty, not-hdf5,
   * truncated (the superblock's end-of-file address lies past the end) or corrupt.
   */
  static async open(path: string, options: Hdf5OpenOptions = {}): Promise<Hdf5File> {
    const { size, superblock } = await checkHdf5Header(path);
    const mod = await loadH5wasm();
    const src = ByteSource.open(path);
    try {
      let native: NativeHdf5Index | null = null;
      if (options.nativeIndex !== false) {
        try {
          native = new NativeHdf5Index(src, superblock);
          native.kind('/');
        } catch (err) {
          if (err instanceof Hdf5FormatError) throw damaged(path, '/', err);
          if (!(err instanceof Hdf5UnsupportedError)) throw err;
          native = null;
        }
      }
      const file = new Hdf5File(path, size, superblock, mod, src, native);
      // Without the native reader every question goes to h5wasm: open it now so open() reports failures.
      if (!native) file.h5();
      return file;
    } catch (err) {
      src.close();
      throw err;
    }
  }

  /** True when the fast native metadata reader serves this file (h5wasm otherwise). */
  get usesNativeIndex(): boolean {
    return this.native !== null;
  }

  /** What is at `path` (soft links followed), or null if nothing is. */
  kind(path: string): Hdf5NodeKind | null {
    return this.meta(
      path,
      (n) => n.kind(path),
      (f) => f.kind(path),
    );
  }

  /** Member names of the group at `path` in HDF5's name order, or null if it is not a group. */
  childNames(path: string): string[] | null {
    return this.meta(
      path,
      (n) => {
        const links = n.links(path);
        return links ? [...links.keys()] : null;
      },
      (f) => f.childNames(path),
    );
  }

  /**
   * Members of the group at `path` with their kinds (reads each member's header), or null. Soft links
   * have the kind of what they point at and their `target` (h5wasm, the fallback, gives targets only
   * for dangling and external links).
   */
  children(path: string): Hdf5Link[] | null {
    const base = path.endsWith('/') ? path : `${path}/`;
    return this.meta(
      path,
      (n) => {
        const links = n.links(path);
        if (!links) return null;
        const groupParts = path.split('/').filter(Boolean);
        return [...links].map(([name, target]) => ({
          name,
          path: base + name,
          kind: n.kindOfTarget(target, groupParts),
          ...(target.kind !== 'hard' ? { target: target.target } : {}),
        }));
      },
      (f) =>
        f.childNames(path)?.map((name) => {
          const kind = f.kind(base + name) ?? 'unknown';
          const target = f.linkTarget(base + name);
          return { name, path: base + name, kind, ...(target ? { target } : {}) };
        }) ?? null,
    );
  }

  /** Metadata of the dataset at `path` (nothing is read from its values), or null if there is none. */
  dataset(path: string): Hdf5DatasetInfo | null {
    return this.meta(
      path,
      (n) => n.dataset(path),
      (f) => f.dataset(path),
    );
  }

  /**
   * Metadata of every dataset directly in the group at `path`, by member name in name order (other
   * members are left out); null if `path` is not a group. Faster than dataset() per member.
   */
  datasetsIn(path: string): Map<string, Hdf5DatasetInfo> | null {
    return this.meta(
      path,
      (n) => n.datasetsIn(path),
      (f) => {
        const names = f.childNames(path);
        if (!names) return null;
        const base = path.endsWith('/') ? path : `${path}/`;
        const out = new Map<string, Hdf5DatasetInfo>();
        for (const name of names) {
          const info = f.dataset(base + name);
          if (info) out.set(name, info);
        }
        return out;
      },
    );
  }

  /**
   * Attributes of the object at `path` (empty if there is none). Values as h5wasm gives them: number,
   * bigint (64-bit integers) or string for scalars; typed array or string[] otherwise.
   */
  attributes(path: string): Hdf5Attribute[] {
    return this.meta(
      path,
      (n) => n.attributes(path) ?? [],
      () => {
        const node = this.h5().get(path);
        if (!node || !('attrs' in node)) return [];
        return Object.values(node.attrs).map((a) => ({
          name: a.name,
          dtype: dtypeFromH5wasm(a.metadata),
          shape: a.shape,
          value: a.value,
        }));
      },
    );
  }

  /** One attribute's value, or undefined if the object or attribute does not exist. */
  attribute(path: string, name: string): unknown {
    return this.attributes(path).find((a) => a.name === name)?.value;
  }

  /**
   * The values' bytes in little-endian element order (for uint8 datasets: exactly the stored bytes,
   * e.g. an encoded JPEG), or null if there is no dataset at `path`.
   */
  async readBytes(path: string, options: ReadOptions = {}): Promise<Uint8Array | null> {
    const info = this.dataset(path);
    if (!info) return null;
    this.checkReadable(info, info.byteLength, options);
    if (this.canReadDirect(info)) return this.src.read(info.fileOffset!, info.byteLength);
    return bytesOf(
      this.h5call(path, () => this.h5dataset(path).value),
      info,
    );
  }

  /** All values of the dataset at `path`, or null if there is none. */
  async readArray(path: string, options: ReadOptions = {}): Promise<Hdf5Array | null> {
    const info = this.dataset(path);
    if (!info) return null;
    this.checkReadable(info, info.byteLength, options);
    const shape = info.shape ?? [];
    if (info.shape === null) return { dtype: info.dtype, shape: [0], data: [] };
    if (this.canReadDirect(info)) {
      const bytes = await this.src.read(info.fileOffset!, info.byteLength);
      return { dtype: info.dtype, shape, data: typedArrayFromBytes(bytes, info.dtype) };
    }
    const value = this.h5call(path, () => this.h5dataset(path).value);
    return { dtype: info.dtype, shape, data: asArray(value, info.dtype) };
  }

  /** Rows [start, start + count) along the first axis (clipped to the dataset), or null. */
  async readRows(path: string, start: number, count: number, options: ReadOptions = {}): Promise<Hdf5Array | null> {
    const info = this.dataset(path);
    if (!info) return null;
    const shape = info.shape ?? [];
    if (shape.length === 0) return this.readArray(path, options);
    const first = Math.max(0, Math.min(start, shape[0]!));
    const end = Math.max(first, Math.min(first + Math.max(0, count), shape[0]!));
    const rowBytes = shape[0] === 0 ? 0 : info.byteLength / shape[0]!;
    const outShape = [end - first, ...shape.slice(1)];
    this.checkReadable(info, (end - first) * rowBytes, options);
    if (end === first) return { dtype: info.dtype, shape: outShape, data: typedEmpty(info.dtype) };
    if (this.canReadDirect(info)) {
      const bytes = await this.src.read(info.fileOffset! + first * rowBytes, (end - first) * rowBytes);
      return { dtype: info.dtype, shape: outShape, data: typedArrayFromBytes(bytes, info.dtype) };
    }
    const value = this.h5call(path, () => this.h5dataset(path).slice([[first, end]]));
    return { dtype: info.dtype, shape: outShape, data: asArray(value, info.dtype) };
  }

  /**
   * The values' bytes (as readBytes) in pieces of about `chunkBytes`, for copying payloads of any
   * size without holding them whole. Contiguous data streams from the file; other layouts are read
   * row-slice by row-slice through h5wasm.
   */
  async *streamBytes(path: string, chunkBytes = 4 * 2 ** 20): AsyncGenerator<Uint8Array> {
    const info = this.dataset(path);
    if (!info) throw new InputError('not-found', `No dataset ${path} in ${basename(this.path)}`);
    this.checkReadable(info, 0, {});
    if (this.canReadDirect(info)) {
      for (let done = 0; done < info.byteLength;) {
        const n = Math.min(chunkBytes, info.byteLength - done);
        yield await this.src.read(info.fileOffset! + done, n);
        done += n;
      }
      return;
    }
    const shape = info.shape ?? [];
    if (shape.length === 0 || info.byteLength === 0) {
      const bytes = await this.readBytes(path, { maxBytes: Number.MAX_SAFE_INTEGER });
      if (bytes && bytes.length > 0) yield bytes;
      return;
    }
    const rowBytes = info.byteLength / shape[0]!;
    const rowsPerChunk = Math.max(1, Math.floor(chunkBytes / rowBytes));
    for (let row = 0; row < shape[0]!; row += rowsPerChunk) {
      const end = Math.min(shape[0]!, row + rowsPerChunk);
      const value = this.h5call(path, () => this.h5dataset(path).slice([[row, end]]));
      yield bytesOf(value, info);
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.src.close();
    this.h5file?.close();
  }

  /** The h5wasm handle on this file, opened on first use. */
  private h5(): H5File {
    this.h5file ??= openH5wasmFile(this.mod, this.path);
    return this.h5file;
  }

  private get fallback(): H5wasmIndex {
    this.h5index ??= new H5wasmIndex(this.h5(), this.mod.Module);
    return this.h5index;
  }

  /** Direct reads need one unfiltered run in little-endian order (single bytes have no order). */
  private canReadDirect(info: Hdf5DatasetInfo): boolean {
    return info.fileOffset !== null && isNumeric(info.dtype) && (info.dtype.littleEndian || info.dtype.size === 1);
  }

  /**
   * Why the values of a dataset (metadata from this file) cannot be read, or null if they can: they
   * lie past the end of the file, or claim more bytes than the file (or its stored chunks, through
   * any filter) can hold. Callers that read payloads themselves (extraction) check this first.
   */
  unreadableReason(info: Hdf5DatasetInfo): string | null {
    const fmt = (n: number) => n.toLocaleString('en-US');
    if (info.fileOffset !== null && info.fileOffset + info.byteLength > this.size) {
      return `it claims ${fmt(info.byteLength)} bytes at byte ${fmt(info.fileOffset)}, past the end of the ${fmt(this.size)}-byte file`;
    }
    if (info.layout === 'virtual') return null;
    const filtered = info.filters.length > 0;
    if (info.byteLength > (filtered ? this.size * MAX_FILTER_RATIO : this.size)) {
      return `it claims ${fmt(info.byteLength)} bytes, more than the ${fmt(this.size)}-byte file can hold`;
    }
    // Chunks that were never written read as fill values: a small file could otherwise make the
    // HDF5 library fill hundreds of MB. Datasets of SMC files have every chunk written.
    if (filtered && info.storedBytes !== null && info.byteLength > Math.max(info.storedBytes * MAX_FILTER_RATIO, SMALL_DATASET_BYTES)) {
      return `it claims ${fmt(info.byteLength)} bytes but stores ${fmt(info.storedBytes)}, more than any filter expands`;
    }
    return null;
  }

  /** Rejects reads the file cannot back, before anything is allocated. */
  private checkReadable(info: Hdf5DatasetInfo, bytes: number, options: ReadOptions): void {
    const name = `${info.path} in ${basename(this.path)}`;
    const fmt = (n: number) => n.toLocaleString('en-US');
    const why = this.unreadableReason(info);
    if (why) throw new InputError('corrupt', `Dataset ${name} cannot be read: ${why}; the file is corrupt or truncated`);
    const max = options.maxBytes ?? DEFAULT_MAX_READ_BYTES;
    if (bytes > max) {
      throw new InputError('too-large', `Dataset ${name} holds ${fmt(bytes)} bytes, more than one read may take (${fmt(max)}); read it in slices`);
    }
  }

  /** Native first; on a structure it does not implement, ask h5wasm; a damaged one is corrupt. */
  private meta<T>(path: string, native: (n: NativeHdf5Index) => T, fallback: (f: H5wasmIndex) => T): T {
    if (this.closed) throw new Error(`${this.path} is closed`);
    if (this.native) {
      try {
        return native(this.native);
      } catch (err) {
        if (err instanceof Hdf5FormatError) throw damaged(this.path, path, err);
        if (!(err instanceof Hdf5UnsupportedError)) throw err;
        this.fallbackCount++;
      }
    }
    return this.h5call(path, () => fallback(this.fallback));
  }

  private h5dataset(path: string) {
    return new this.mod.Dataset(this.h5().file_id, path);
  }

  /** HDF5 library errors on a valid path mean the file's structure is damaged. */
  private h5call<T>(path: string, fn: () => T): T {
    if (this.closed) throw new Error(`${this.path} is closed`);
    try {
      return guardH5wasm(fn);
    } catch (err) {
      if (err instanceof InputError) throw err;
      throw new InputError('corrupt', `Cannot read ${path} in ${basename(this.path)}: ${hdf5ErrorMessage(err)}`);
    }
  }
}

function damaged(file: string, path: string, err: Error): InputError {
  return new InputError('corrupt', `Cannot read ${path} in ${basename(file)}: the HDF5 structure is damaged (${err.message})`);
}

/** h5wasm returns scalars as plain numbers, bigints or strings; callers always get an array. */
function asArray(value: unknown, dtype: Hdf5Dtype): NumericArray | string[] | unknown[] {
  if (ArrayBuffer.isView(value)) return value as NumericArray;
  if (Array.isArray(value)) return value as unknown[];
  if ((typeof value === 'number' || typeof value === 'bigint') && isNumeric(dtype)) {
    const arr = typedArrayFromBytes(new Uint8Array(dtype.size), dtype);
    (arr as unknown as Record<number, number | bigint>)[0] = value;
    return arr;
  }
  return [value];
}

function bytesOf(value: unknown, info: Hdf5DatasetInfo): Uint8Array {
  const arr = asArray(value, info.dtype);
  if (ArrayBuffer.isView(arr)) return new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength);
  throw new InputError('unsupported', `${info.path} holds ${info.dtype.name} values, not bytes`);
}

function typedEmpty(dtype: Hdf5Dtype): NumericArray | unknown[] {
  return isNumeric(dtype) ? typedArrayFromBytes(new Uint8Array(0), dtype) : [];
}
