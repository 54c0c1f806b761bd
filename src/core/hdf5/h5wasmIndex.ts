import { dtypeFromH5wasm } from './dtype';
import { isLibraryFailure } from './h5wasmValues';
import type { H5File } from './openHdf5';
import { FILTER_NAMES, type Hdf5DatasetInfo, type Hdf5NodeKind } from './types';

type H5WasmModule = typeof import('h5wasm').Module;

/**
 * The same metadata questions as NativeHdf5Index, answered by the HDF5 library through h5wasm: slower
 * (tens of µs per dataset) but complete. Used for structures the native reader does not implement.
 * h5wasm cannot report storage sizes, so storedBytes is exact only for unfiltered contiguous data.
 */
export class H5wasmIndex {
  constructor(
    private readonly file: H5File,
    private readonly module: H5WasmModule,
  ) {}

  kind(path: string): Hdf5NodeKind | null {
    const p = normalize(path);
    const m = this.module;
    let type: number;
    try {
      type = m.get_type(this.file.file_id, p);
    } catch (err) {
      // The library fails to traverse a soft link that loops back to itself and a link of a
      // user-defined class it has not registered; the link itself is still there.
      const link = this.unfollowableLink(p);
      if (link) return link;
      throw err;
    }
    if (type === m.H5G_GROUP) return 'group';
    if (type === m.H5G_DATASET) return 'dataset';
    if (type === m.H5G_TYPE) return 'datatype';
    if (type === m.H5G_LINK) return 'soft-link';
    if (type === m.H5G_UDLINK) {
      // External links and links of user-defined classes share this type; only external ones unpack.
      const external = m.get_external_link(this.file.file_id, p) as { filename?: string };
      return external.filename === undefined ? 'unknown' : 'external-link';
    }
    return type < 0 ? null : 'unknown';
  }

  /** A link that exists but does not lead to an object: 'soft-link' (looping), 'unknown' (user-defined class), else null. */
  private unfollowableLink(p: string): Hdf5NodeKind | null {
    try {
      if ((this.module.get_symbolic_link(this.file.file_id, p) as string | null) !== null) return 'soft-link';
      const parent = p.slice(0, p.lastIndexOf('/')) || '/';
      const names = this.module.get_names(this.file.file_id, parent, false);
      return names.includes(p.slice(p.lastIndexOf('/') + 1)) ? 'unknown' : null;
    } catch (err) {
      if (isLibraryFailure(err)) throw err;
      return null;
    }
  }

  /** Member names in name order, or null if `path` is not a group. */
  childNames(path: string): string[] | null {
    if (this.kind(path) !== 'group') return null;
    return this.module.get_names(this.file.file_id, normalize(path), false);
  }

  linkTarget(path: string): string | undefined {
    const kind = this.kind(path);
    if (kind === 'soft-link') return this.module.get_symbolic_link(this.file.file_id, normalize(path));
    if (kind === 'external-link') {
      const { filename, obj_path } = this.module.get_external_link(this.file.file_id, normalize(path));
      return `${filename}:${obj_path}`;
    }
    return undefined;
  }

  dataset(path: string): Hdf5DatasetInfo | null {
    const p = normalize(path);
    if (this.kind(p) !== 'dataset') return null;
    const md = this.module.get_dataset_metadata(this.file.file_id, p);
    const filters = this.module.get_dataset_filters(this.file.file_id, p).map((f) => ({ id: f.id, name: FILTER_NAMES[f.id] ?? (f.name || `filter ${f.id}`) }));
    const dtype = dtypeFromH5wasm(md);
    const shape = md.shape;
    const elements = shape === null ? 0 : md.total_size;
    const byteLength = elements * dtype.size;
    const contiguous = md.chunks === null && md.virtual_sources === undefined;
    return {
      path: p,
      dtype,
      shape,
      elements,
      byteLength,
      layout: md.virtual_sources ? 'virtual' : md.chunks ? 'chunked' : 'contiguous',
      chunks: md.chunks,
      filters,
      storedBytes: contiguous && filters.length === 0 ? byteLength : null,
      fileOffset: null,
    };
  }
}

/** An absolute path without empty parts ("/a/b"), as the h5wasm calls take it. */
export function normalize(path: string): string {
  const parts = path.split('/').filter((p) => p !== '');
  return `/${parts.join('/')}`;
}
