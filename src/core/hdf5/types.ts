import type { Hdf5Dtype } from './dtype';

export type Hdf5NodeKind = 'group' | 'dataset' | 'datatype' | 'soft-link' | 'external-link' | 'unknown';

/** One member of a group. */
export interface Hdf5Link {
  name: string;
  /** Absolute path of the member ("/Camera/00"). */
  path: string;
  kind: Hdf5NodeKind;
  /** For links: the soft link's target ("/a/b" or relative) or the external link's ("file.h5:/a/b"). */
  target?: string;
}

export type Hdf5LayoutKind = 'contiguous' | 'chunked' | 'compact' | 'virtual' | 'unknown';

export interface Hdf5Filter {
  id: number;
  /** "deflate", "shuffle", "fletcher32", "szip", ... or the name the file gives. */
  name: string;
}

/** A dataset's metadata, read without touching its values. */
export interface Hdf5DatasetInfo {
  path: string;
  dtype: Hdf5Dtype;
  /** Dimensions; [] for a scalar, null for an empty (null) dataspace. */
  shape: number[] | null;
  /** Number of elements (product of the shape; 1 for a scalar, 0 for null). */
  elements: number;
  /** Size of the values in memory: elements × dtype.size. For an encoded image, the image file's size. */
  byteLength: number;
  layout: Hdf5LayoutKind;
  chunks: number[] | null;
  filters: Hdf5Filter[];
  /**
   * Bytes the values occupy in the file (compressed size for filtered chunks); null when the reader
   * cannot know it without a scan that h5wasm does not offer (chunk indexes of newer HDF5 layouts).
   */
  storedBytes: number | null;
  /**
   * Absolute file offset of the values when they sit in one unfiltered run (contiguous layout), so they
   * can be read or streamed straight from the file; null otherwise.
   */
  fileOffset: number | null;
}

export const FILTER_NAMES: Record<number, string> = {
  1: 'deflate',
  2: 'shuffle',
  3: 'fletcher32',
  4: 'szip',
  5: 'nbit',
  6: 'scaleoffset',
  307: 'bzip2',
  32000: 'lzf',
  32001: 'blosc',
  32004: 'lz4',
  32008: 'bitshuffle',
  32015: 'zstd',
};
