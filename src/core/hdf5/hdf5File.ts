import { basename } from 'node:path';
import { InputError } from '../errors';
import { ByteSource } from './byteSource';
import type { Metadata } from 'h5wasm';
import {
  decodeNumbers,
  dtypeFromH5wasm,
  emptyValues,
  isNumeric,
  makeDtype,
  needsDecoding,
  typedArrayFromBytes,
  type Hdf5Dtype,
  type NumericArray,
} from './dtype';
import { isLibraryFailure, rawReadable, readAttributeValues, readDatasetBytes, readDatasetValues } from './h5wasmValues';
import { H5wasmIndex, normalize } from './h5wasmIndex';
import { gatherHyperslab, hyperslabElements, hyperslabFromRows, hyperslabProblem, type Hyperslab } from './hyperslab';
import { swapBytesInPlace } from '../numpy/dtype';
import { Hdf5FormatError, Hdf5UnsupportedError } from './native/errors';
import { NativeHdf5Index } from './native/nativeIndex';
import { maxExpansion, missingFilterReason } from './filters';
import {
  checkHdf5Header,
  guardH5wasm,
  h5wasmDead,
  h5wasmReplacement,
  hdf5ErrorMessage,
  loadH5wasm,
  openH5wasmFile,
  type H5File,
  type H5Module,
  type Hdf5Superblock,
} from './openHdf5';
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
  /** A string, number or bigint for scalars; string[] or a typed array otherwise; null when unreadable. */
  value: unknown;
  /** Why the value could not be read (a type no reader converts, damaged bytes); absent when it was read. */
  error?: string;
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
  /** Dataset descriptions that came from h5wasm (which does not report N-bit integer layouts). */
  private readonly describedByLibrary = new WeakSet<Hdf5DatasetInfo>();
  /** A native reader of object headers for the h5wasm path (undefined: not made yet, null: it failed). */
  private headerReader: NativeHdf5Index | null | undefined;

  private constructor(
    readonly path: string,
    readonly size: number,
    readonly superblock: Hdf5Superblock,
    private mod: H5Module,
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
          ...(target.kind === 'soft' || target.kind === 'external' ? { target: target.target } : {}),
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
      (f) => this.libraryDataset(f, path),
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
          const info = this.libraryDataset(f, base + name);
          if (info) out.set(name, info);
        }
        return out;
      },
    );
  }

  /**
   * Attributes of the object at `path` (empty if there is none), in h5py's order (creation order when
   * the object tracks it, else name order). Values: number, bigint (64-bit integers) or string for
   * scalars; typed array (float32 for half floats), bigint[] (128-bit integers) or string[] otherwise.
   * An attribute that cannot be read is listed with `error` and a null value; the others are kept.
   */
  attributes(path: string): Hdf5Attribute[] {
    return this.meta(
      path,
      (n) => {
        const attrs = n.attributes(path) ?? [];
        if (!attrs.some((a) => a.needsLibrary)) return attrs;
        // Types the native reader does not decode: those attributes alone from the HDF5 library.
        this.fallbackCount++;
        const p = normalize(path);
        return attrs.map(({ needsLibrary, ...a }) => (needsLibrary ? this.h5call(path, () => this.h5wasmAttribute(this.h5().file_id, p, a.name)) : a));
      },
      (f) => {
        const kind = f.kind(path);
        if (kind !== 'group' && kind !== 'dataset' && kind !== 'datatype') return [];
        const fileId = this.h5().file_id;
        const p = normalize(path);
        let names: string[];
        try {
          names = this.mod.Module.get_attribute_names(fileId, p);
        } catch (err) {
          if (!refusesNbitType(err)) throw err;
          // The library refuses the object's type (see refusesNbitType): its attributes from its header.
          const address = this.libraryAddress(path);
          const attrs = address === null ? null : this.nativeHeaders(() => this.headers()?.attributesAt(address) ?? null);
          if (!attrs) throw err;
          return attrs.map(({ needsLibrary, ...a }) => (needsLibrary ? this.h5wasmAttribute(fileId, p, a.name) : a));
        }
        return names.map((name) => this.h5wasmAttribute(fileId, p, name));
      },
    );
  }

  /** One attribute through h5wasm; a failure to read it becomes its `error`. */
  private h5wasmAttribute(fileId: bigint, path: string, name: string): Hdf5Attribute {
    const module = this.mod.Module;
    let md: Metadata | undefined;
    try {
      md = module.get_attribute_metadata(fileId, path, name);
      const dtype = dtypeFromH5wasm(md);
      const shape = md.shape;
      if (shape === null) return { name, dtype, shape, value: null };
      const value = rawReadable(dtype) ? readAttributeValues(module, fileId, path, name, md) : new this.mod.Attribute(fileId, path, name).value;
      const scalar = shape.length === 0 && (Array.isArray(value) || ArrayBuffer.isView(value));
      return { name, dtype, shape, value: scalar ? (value as ArrayLike<unknown>)[0] : value };
    } catch (err) {
      // An abort or a wasm fault is the library's failure, not this attribute's: guardH5wasm handles it.
      if (isLibraryFailure(err)) throw err;
      return { name, dtype: md ? dtypeFromH5wasm(md) : makeDtype('unknown', 1), shape: md?.shape ?? null, value: null, error: hdf5ErrorMessage(err) };
    }
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
    await this.waitForLibrary();
    const info = this.dataset(path);
    if (!info) return null;
    this.checkReadable(info, info.byteLength, options);
    if (this.canReadDirect(info)) return this.src.read(info.fileOffset!, info.byteLength);
    return this.h5bytes(path, info);
  }

  /** All values of the dataset at `path`, or null if there is none. */
  async readArray(path: string, options: ReadOptions = {}): Promise<Hdf5Array | null> {
    await this.waitForLibrary();
    const info = this.dataset(path);
    if (!info) return null;
    this.checkReadable(info, info.byteLength, options);
    const shape = info.shape ?? [];
    if (info.shape === null) return { dtype: info.dtype, shape: [0], data: [] };
    if (this.canDecodeDirect(info)) {
      const bytes = await this.src.read(info.fileOffset!, info.byteLength);
      return { dtype: info.dtype, shape, data: valuesOf(bytes, info.dtype) };
    }
    const value = this.h5values(path, info);
    return { dtype: info.dtype, shape, data: asArray(value, info.dtype) };
  }

  /** Rows [start, start + count) along the first axis (clipped to the dataset), or null. */
  async readRows(path: string, start: number, count: number, options: ReadOptions = {}): Promise<Hdf5Array | null> {
    await this.waitForLibrary();
    const info = this.dataset(path);
    if (!info) return null;
    const shape = info.shape ?? [];
    if (shape.length === 0) return this.readArray(path, options);
    const first = Math.max(0, Math.min(start, shape[0]!));
    const end = Math.max(first, Math.min(first + Math.max(0, count), shape[0]!));
    const rowBytes = shape[0] === 0 ? 0 : info.byteLength / shape[0]!;
    const outShape = [end - first, ...shape.slice(1)];
    this.checkReadable(info, (end - first) * rowBytes, options);
    if (end === first) return { dtype: info.dtype, shape: outShape, data: emptyValues(info.dtype) };
    if (this.canDecodeDirect(info)) {
      const bytes = await this.src.read(info.fileOffset! + first * rowBytes, (end - first) * rowBytes);
      return { dtype: info.dtype, shape: outShape, data: valuesOf(bytes, info.dtype) };
    }
    const value = this.h5values(path, info, [first, end]);
    return { dtype: info.dtype, shape: outShape, data: asArray(value, info.dtype) };
  }

  /**
   * The values of a hyperslab of the dataset at `path` (all of a scalar), or null if there is none.
   * Only the selected elements are read: contiguous data in a few merged pieces straight from the
   * file, other layouts through the HDF5 library's hyperslab selection. `maxBytes` bounds the slab.
   */
  async readSlice(path: string, slab: Hyperslab, options: ReadOptions = {}): Promise<Hdf5Array | null> {
    await this.waitForLibrary();
    const info = this.dataset(path);
    if (!info) return null;
    const shape = info.shape ?? [];
    if (shape.length === 0) return this.readArray(path, options);
    const problem = hyperslabProblem(shape, slab);
    if (problem) throw new RangeError(`Cannot select in ${path} (${shape.join('×')}): ${problem}`);
    const outShape = slab.count.slice();
    this.checkReadable(info, hyperslabElements(slab) * info.dtype.size, options);
    if (hyperslabElements(slab) === 0) return { dtype: info.dtype, shape: outShape, data: emptyValues(info.dtype) };
    if (this.canDecodeDirect(info)) {
      const bytes = await gatherHyperslab(shape, info.dtype.size, slab, (offset, length) => this.src.read(info.fileOffset! + offset, length));
      return { dtype: info.dtype, shape: outShape, data: valuesOf(bytes, info.dtype) };
    }
    const value = this.h5values(path, info, slab);
    return { dtype: info.dtype, shape: outShape, data: asArray(value, info.dtype) };
  }

  /**
   * The values' bytes (as readBytes) in pieces of about `chunkBytes`, for copying payloads of any
   * size without holding them whole. Contiguous data streams from the file; other layouts are read
   * row-slice by row-slice through h5wasm.
   */
  async *streamBytes(path: string, chunkBytes = 4 * 2 ** 20): AsyncGenerator<Uint8Array> {
    await this.waitForLibrary();
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
      yield this.h5bytes(path, info, [row, end]);
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.src.close();
    // A handle in an instance that aborted is left alone: that instance is never called again.
    if (!h5wasmDead(this.mod)) this.h5file?.close();
  }

  /**
   * After the HDF5 library aborted (on this or another file), moves this file to the fresh instance:
   * its handle is opened again there on next use. While the instance is still being created the
   * call is refused (guardH5wasm); the async reads wait for it (waitForLibrary).
   */
  private followLibrary(): void {
    const next = h5wasmReplacement(this.mod);
    if (!next || next === this.mod) return;
    this.mod = next;
    this.h5file = null;
    this.h5index = null;
  }

  private async waitForLibrary(): Promise<void> {
    if (h5wasmDead(this.mod)) await loadH5wasm();
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
  private canDecodeDirect(info: Hdf5DatasetInfo): boolean {
    // Converted types are decoded from the file's bytes in either byte order.
    return this.canReadDirect(info) || (info.fileOffset !== null && needsDecoding(info.dtype));
  }

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
    // Deflate, LZF, LZ4 expand their bytes at most ~1032:1; a larger claim is a corrupt header.
    // Others (bzip2, Zstandard, Blosc, scaleoffset, szip) have no such bound: the read limit applies.
    const ratio = maxExpansion(info.filters);
    if (info.byteLength > (filtered ? this.size * ratio : this.size)) {
      return `it claims ${fmt(info.byteLength)} bytes, more than the ${fmt(this.size)}-byte file can hold`;
    }
    // Chunks that were never written read as fill values: a small file could otherwise make the
    // HDF5 library fill hundreds of MB. Datasets of SMC files have every chunk written.
    if (filtered && info.storedBytes !== null && info.byteLength > Math.max(info.storedBytes * ratio, SMALL_DATASET_BYTES)) {
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
    const filter = info.fileOffset === null ? missingFilterReason(info.filters) : null;
    if (filter) throw new InputError('unsupported', `Dataset ${name} cannot be read: ${filter}`);
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

  /**
   * Values through h5wasm: read into zeroed memory and decoded here for numbers and strings (half
   * floats, non-IEEE floats, enums, 128-bit integers, NULL strings, never-written data), h5wasm's own
   * conversion for other types.
   */
  private h5values(path: string, info: Hdf5DatasetInfo, rows?: [number, number] | Hyperslab): unknown {
    this.checkLibraryConverts(path, info);
    const dtype = this.storedDtype(path, info);
    try {
      return this.h5call(path, () => {
        if (rawReadable(dtype)) return readDatasetValues(this.mod.Module, this.h5().file_id, normalize(path), dtype, info.shape ?? [], rows);
        const ds = this.h5dataset(path);
        return rows ? ds.slice(Array.isArray(rows) ? [rows] : slabRanges(rows)) : ds.value;
      });
    } catch (err) {
      if (!refusesNbitType(err)) throw err;
      if (!rows || Array.isArray(rows)) return decodeNumbers(this.nativeChunkedBytes(path, info, rows), info.dtype);
      // The native chunk reader hands out whole rows: the slab's rows, then the slab out of them.
      const first = rows.start[0]!;
      const block = this.nativeChunkedBytes(path, info, [first, first + (rows.count[0]! - 1) * rows.step[0]! + 1]);
      return decodeNumbers(hyperslabFromRows(block, info.shape ?? [], info.dtype.size, rows, first), info.dtype);
    }
  }

  /**
   * Describes a dataset through h5wasm. A dataset whose type the library refuses (see refusesNbitType)
   * is described by the native reader from its object header, found through an object reference.
   */
  private libraryDataset(f: H5wasmIndex, path: string): Hdf5DatasetInfo | null {
    let info: Hdf5DatasetInfo | null;
    try {
      info = f.dataset(path);
    } catch (err) {
      if (!refusesNbitType(err)) throw err;
      const address = this.libraryAddress(path);
      const described = address === null ? null : this.nativeHeaders(() => this.headers()?.datasetAt(address, normalize(path)) ?? null);
      if (!described) throw err;
      return described;
    }
    if (info) this.describedByLibrary.add(info);
    return info;
  }

  /**
   * The type to decode a dataset's values as. h5wasm reports neither the precision nor the bit offset
   * of an N-bit integer, and reads it as the stored bits (padding bits as stored, no sign extension):
   * for an integer dataset that h5wasm described, the type is decoded from its object header here.
   */
  private storedDtype(path: string, info: Hdf5DatasetInfo): Hdf5Dtype {
    const { dtype } = info;
    if (!this.describedByLibrary.has(info) || (dtype.kind !== 'int' && dtype.kind !== 'uint') || dtype.intBits) return dtype;
    const address = this.h5call(path, () => this.libraryAddress(path));
    if (address === null) return dtype;
    const stored = this.nativeHeaders(() => this.headers()?.datatypeAt(address) ?? null);
    return stored?.intBits && stored.kind === dtype.kind && stored.size === dtype.size ? stored : dtype;
  }

  /** The object header address (relative to the base) of the object at `path`, from an HDF5 object reference. */
  private libraryAddress(path: string): number | null {
    let ref: ArrayLike<number>;
    try {
      ref = this.mod.Module.create_object_reference(this.h5().file_id, normalize(path));
    } catch (err) {
      if (isLibraryFailure(err)) throw err;
      return null;
    }
    if (ref.length < 8) return null;
    let address = 0;
    for (let i = 7; i >= 0; i--) address = address * 256 + ref[i]!;
    return Number.isSafeInteger(address) ? address : null;
  }

  /** The native object header reader (the metadata reader when there is one). */
  private headers(): NativeHdf5Index | null {
    if (this.native) return this.native;
    if (this.headerReader === undefined) {
      try {
        this.headerReader = new NativeHdf5Index(this.src, this.superblock);
      } catch {
        this.headerReader = null;
      }
    }
    return this.headerReader;
  }

  /** A native header lookup that answers null where the native reader does not (or finds damage). */
  private nativeHeaders<T>(fn: () => T | null): T | null {
    try {
      return fn();
    } catch (err) {
      if (err instanceof Hdf5FormatError || err instanceof Hdf5UnsupportedError) return null;
      throw err;
    }
  }

  /**
   * The values' bytes (file byte order) of a chunked dataset whose type the HDF5 library refuses, read
   * and unfiltered natively; a layout or filter the native reader lacks is refused as unsupported.
   */
  private nativeChunkedBytes(path: string, info: Hdf5DatasetInfo, rows?: [number, number]): Uint8Array {
    const name = `${path} in ${basename(this.path)}`;
    const bits = info.dtype.intBits?.precision;
    const refusal = (why: string) =>
      new InputError(
        'unsupported',
        `${name}: ${bits ?? 'N'}-bit integers stored by HDF5 ≤ 1.8 cannot be read by the bundled HDF5 2.0 (it takes their datatype ` +
          `for a damaged one); h5py reads them. The native reader cannot read them either: ${why}`,
      );
    const address = this.h5call(path, () => this.libraryAddress(path));
    const headers = this.headers();
    if (address === null || !headers) throw refusal('their object header was not found');
    try {
      return headers.chunkedBytes(address, rows);
    } catch (err) {
      if (err instanceof Hdf5UnsupportedError) throw refusal(err.message);
      if (err instanceof Hdf5FormatError) throw damaged(this.path, path, err);
      throw err;
    }
  }

  /** Types h5wasm cannot hand out: floats whose layout it does not report, big-endian enums (H5Tset_order fails on them). */
  private checkLibraryConverts(path: string, info: Hdf5DatasetInfo): void {
    const { dtype } = info;
    let why: string | null = null;
    if (dtype.kind === 'float' && !isNumeric(dtype) && !needsDecoding(dtype)) why = `${dtype.size}-byte floats of a layout that cannot be converted`;
    if (dtype.kind === 'enum' && !dtype.littleEndian)
      why = 'big-endian enum values, which h5wasm cannot convert (the native reader reads them from unfiltered contiguous storage only)';
    if (why) throw new InputError('unsupported', `${path} in ${basename(this.path)} holds ${why}`);
  }

  /** The values' bytes through h5wasm, little-endian (as h5values reads them). */
  private h5bytes(path: string, info: Hdf5DatasetInfo, rows?: [number, number]): Uint8Array {
    this.checkLibraryConverts(path, info);
    try {
      return this.h5call(path, () => {
        if (rawReadable(info.dtype) && info.dtype.kind !== 'vlen-string') {
          return readDatasetBytes(this.mod.Module, this.h5().file_id, normalize(path), info.dtype, info.shape ?? [], rows);
        }
        const ds = this.h5dataset(path);
        return bytesOf(rows ? ds.slice([rows]) : ds.value, info);
      });
    } catch (err) {
      if (!refusesNbitType(err)) throw err;
      const bytes = this.nativeChunkedBytes(path, info, rows);
      if (!info.dtype.littleEndian) swapBytesInPlace(bytes, info.dtype.size);
      return bytes;
    }
  }

  private h5dataset(path: string) {
    return new this.mod.Dataset(this.h5().file_id, path);
  }

  /** HDF5 library errors on a valid path mean the file's structure is damaged. */
  private h5call<T>(path: string, fn: () => T): T {
    if (this.closed) throw new Error(`${this.path} is closed`);
    this.followLibrary();
    try {
      return guardH5wasm(this.mod, fn);
    } catch (err) {
      if (err instanceof InputError) throw err;
      throw new InputError('corrupt', `Cannot read ${path} in ${basename(this.path)}: ${hdf5ErrorMessage(err)}`);
    }
  }
}

/**
 * True for HDF5 2.0's refusal of an integer or float type with many unused bits stored in a datatype
 * message of version 1 or 2 (an N-bit type written by HDF5 ≤ 1.8 or with libver earliest): only
 * H5Pset_relax_file_integrity_checks lifts it, which h5wasm does not export.
 */
function refusesNbitType(err: unknown): boolean {
  return err instanceof Error && err.message.includes('unusually large # of unused bits') && !isLibraryFailure(err);
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

/** h5wasm's slice ranges ([start, stop, step] per axis) of a hyperslab. */
function slabRanges(slab: Hyperslab): [number, number, number][] {
  return slab.start.map((start, i) => [start, start + (slab.count[i]! - 1) * slab.step[i]! + 1, slab.step[i]!]);
}

function bytesOf(value: unknown, info: Hdf5DatasetInfo): Uint8Array {
  const arr = asArray(value, info.dtype);
  if (ArrayBuffer.isView(arr)) return new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength);
  throw new InputError('unsupported', `${info.path} holds ${info.dtype.name} values, not bytes`);
}

/** Values from the file's bytes (in the file's byte order), for the types canDecodeDirect accepts. */
function valuesOf(bytes: Uint8Array, dtype: Hdf5Dtype): NumericArray | unknown[] {
  return isNumeric(dtype) ? typedArrayFromBytes(bytes, dtype) : decodeNumbers(bytes, dtype);
}
