import type { Metadata } from 'h5wasm';
import {
  decodeFixedStrings,
  decodeNumbers,
  dtypeFromH5wasm,
  isNumeric,
  makeDtype,
  needsDecoding,
  textFromBytes,
  typedArrayFromBytes,
  type Hdf5Dtype,
  type NumericArray,
} from './dtype';
import { hyperslabElements, rowsHyperslab, type Hyperslab } from './hyperslab';

type H5WasmModule = typeof import('h5wasm').Module;

/**
 * Values read through the HDF5 library (h5wasm) without h5wasm's own conversion, which cannot convert
 * half floats or integers wider than 64 bits, decodes fixed-length strings byte by byte as
 * Windows-1252, reads a NULL variable-length ASCII string from address 0, and hands out the
 * uninitialised memory it read into when nothing was ever written (fill time "never"). Here the
 * buffer is zeroed first and the bytes are decoded like the native reader decodes them.
 */

/**
 * True for an abort of the HDF5 library or a fault of its wasm instance: never one value's problem,
 * so never caught as such (guardH5wasm must see it).
 */
export function isLibraryFailure(err: unknown): boolean {
  return /^RuntimeError:|\bAborted\(/.test(err instanceof Error ? `${err.name}: ${err.message}` : String(err));
}

/** The types readDatasetValues and readAttributeValues decode; everything else is left to h5wasm's conversion. */
export function rawReadable(dtype: Hdf5Dtype): boolean {
  return isNumeric(dtype) || needsDecoding(dtype) || dtype.kind === 'string' || dtype.kind === 'vlen-string';
}

/** Decoded values: numbers as typed arrays (bigint[] beyond 64 bits), strings as string[]. */
export type RawValues = NumericArray | bigint[] | string[];

/** The selection of a read: rows [start, end) of the first axis, a hyperslab, or everything. */
interface Selection {
  count: bigint[] | null;
  offset: bigint[] | null;
  strides: bigint[] | null;
  elements: number;
}

function selection(shape: number[], rows: [number, number] | Hyperslab | undefined): Selection {
  if (!rows || shape.length === 0) return { count: null, offset: null, strides: null, elements: shape.reduce((a, b) => a * b, 1) };
  const slab = Array.isArray(rows) ? rowsHyperslab(shape, rows) : rows;
  return {
    count: slab.count.map(BigInt),
    offset: slab.start.map(BigInt),
    strides: slab.step.map(BigInt),
    elements: hyperslabElements(slab),
  };
}

/**
 * The values of the dataset at `path` of type `dtype` (as the native reader or h5wasm describes it) and
 * shape `shape`: all of them, the rows [start, end) of the first axis, or a hyperslab.
 */
export function readDatasetValues(
  module: H5WasmModule,
  fileId: bigint,
  path: string,
  dtype: Hdf5Dtype,
  shape: number[],
  rows?: [number, number] | Hyperslab,
): RawValues {
  const sel = selection(shape, rows);
  return readValues(module, dtype, sel.elements, datasetReader(module, fileId, path, sel));
}

/** The stored bytes (little-endian) of a dataset of a fixed-size type that rawReadable accepts. */
export function readDatasetBytes(
  module: H5WasmModule,
  fileId: bigint,
  path: string,
  dtype: Hdf5Dtype,
  shape: number[],
  rows?: [number, number] | Hyperslab,
): Uint8Array {
  if (dtype.kind === 'vlen-string') throw new Error('variable-length strings have no fixed-size bytes');
  const sel = selection(shape, rows);
  const nbytes = sel.elements * dtype.size;
  return readInto(module, nbytes, datasetReader(module, fileId, path, sel), false, (heap, ptr) => heap.slice(ptr, ptr + nbytes));
}

function datasetReader(module: H5WasmModule, fileId: bigint, path: string, sel: Selection): Reader {
  return {
    read: (ptr) => module.get_dataset_data(fileId, path, sel.count, sel.offset, sel.strides, BigInt(ptr)),
    reclaim: (ptr) => {
      if (sel.count) module.reclaim_vlen_memory_count(fileId, path, '', BigInt(ptr), sel.count);
      else module.reclaim_vlen_memory(fileId, path, '', BigInt(ptr));
    },
  };
}

/** All values of the attribute `name` of the object at `path` (h5wasm's metadata of it in `md`). */
export function readAttributeValues(module: H5WasmModule, fileId: bigint, path: string, name: string, md: Metadata): RawValues {
  return readValues(module, dtypeFromH5wasm(md), md.total_size, {
    read: (ptr) => module.get_attribute_data(fileId, path, name, BigInt(ptr)),
    reclaim: (ptr) => module.reclaim_vlen_memory(fileId, path, name, BigInt(ptr)),
  });
}

interface Reader {
  read: (ptr: number) => unknown;
  reclaim: (ptr: number) => void;
}

/** Variable-length strings are read as one pointer each (wasm32). */
const POINTER_SIZE = 4;

/** Reads `elements` values of `dtype` and decodes them (strings, numbers; see rawReadable). */
function readValues(module: H5WasmModule, dtype: Hdf5Dtype, elements: number, reader: Reader): RawValues {
  const vlen = dtype.kind === 'vlen-string';
  const nbytes = elements * (vlen ? POINTER_SIZE : dtype.size);
  return readInto(module, nbytes, reader, vlen, (heap, ptr): RawValues => {
    if (vlen) return vlenStrings(heap, ptr, elements);
    const bytes = heap.slice(ptr, ptr + nbytes);
    if (dtype.kind === 'string') return decodeFixedStrings(bytes, dtype);
    // The library hands out little-endian bytes (h5wasm reads in the file's type, little-endian).
    if (isNumeric(dtype)) return typedArrayFromBytes(bytes, makeDtype(dtype.kind, dtype.size));
    return decodeNumbers(bytes, dtype, true);
  });
}

/**
 * Runs `reader.read` into `nbytes` of zeroed wasm memory and hands the heap to `take`; variable-length
 * data the library allocated is reclaimed (`reclaim`) and the buffer freed, whatever happens.
 */
function readInto<T>(module: H5WasmModule, nbytes: number, reader: Reader, reclaim: boolean, take: (heap: Uint8Array, ptr: number) => T): T {
  if (nbytes > module.MAXIMUM_MEMORY) throw new Error(`${nbytes} bytes do not fit in the HDF5 library's memory`);
  const ptr = module._malloc(Math.max(1, nbytes));
  if (ptr === 0) throw new Error(`the HDF5 library could not allocate ${nbytes} bytes`);
  let filled = false;
  try {
    module.HEAPU8.fill(0, ptr, ptr + nbytes);
    reader.read(ptr);
    filled = true;
    // h5wasm's memory may have grown during the read: take the heap view afterwards.
    return take(module.HEAPU8, ptr);
  } finally {
    if (reclaim && filled) reader.reclaim(ptr);
    module._free(ptr);
  }
}

/** Variable-length strings in wasm memory: one 32-bit pointer each to a NUL-terminated string, 0 for NULL. */
function vlenStrings(heap: Uint8Array, ptr: number, count: number): string[] {
  const view = new DataView(heap.buffer, heap.byteOffset);
  return Array.from({ length: count }, (_, i) => {
    const p = view.getUint32(ptr + POINTER_SIZE * i, true);
    if (p === 0) return '';
    const end = heap.indexOf(0, p);
    return textFromBytes(heap.subarray(p, end < 0 ? heap.length : end));
  });
}
