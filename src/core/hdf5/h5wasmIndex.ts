import { dtypeFromH5wasm } from './dtype';
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
    const type = this.module.get_type(this.file.file_id, normalize(path));
    const m = this.module;
    if (type === m.H5G_GROUP) return 'group';
    if (type === m.H5G_DATASET) return 'dataset';
    if (type === m.H5G_TYPE) return 'datatype';
    if (type === m.H5G_LINK) return 'soft-link';
    if (type === m.H5G_UDLINK) return 'external-link';
    return type < 0 ? null : 'unknown';
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

function normalize(path: string): string {
  const parts = path.split('/').filter((p) => p !== '');
  return `/${parts.join('/')}`;
}
