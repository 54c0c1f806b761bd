import type { Hdf5Attribute, Hdf5File } from './hdf5File';
import type { Hdf5DatasetInfo, Hdf5NodeKind } from './types';

/** One object of an HDF5 file's structure, for a raw structure view (works on any HDF5 file). */
export interface Hdf5TreeNode {
  /** Member name; "/" for the root. */
  name: string;
  path: string;
  kind: Hdf5NodeKind;
  /** Target of a soft or external link. */
  target?: string;
  attributes: Hdf5Attribute[];
  /** Datasets: dtype, shape, layout, filters and stored size (values are not read). */
  dataset?: Hdf5DatasetInfo;
  /** Groups: number of members, known even when they are not expanded. */
  childCount?: number;
  /** Groups within the depth limit: the first `maxChildren` members in name order. */
  children?: Hdf5TreeNode[];
}

export interface Hdf5TreeOptions {
  /** Levels of members to expand below `path` (default: all). 1 lists the direct members. */
  depth?: number;
  /** Members listed per group (default: all). A group's childCount still gives the true number. */
  maxChildren?: number;
  /** Read attributes (default true). */
  attributes?: boolean;
}

/**
 * The structure under `path`. Costs a few µs per dataset plus an h5wasm call per object for its
 * attributes; for a file with 100,000 datasets expand lazily (depth 1 per opened group).
 */
export function hdf5Tree(file: Hdf5File, path = '/', options: Hdf5TreeOptions = {}): Hdf5TreeNode {
  const depth = options.depth ?? Number.POSITIVE_INFINITY;
  const withAttrs = options.attributes ?? true;
  const maxChildren = options.maxChildren ?? Number.POSITIVE_INFINITY;
  const kind = file.kind(path);
  if (kind === null) throw new Error(`No object at ${path}`);
  const node = (p: string, name: string, k: Hdf5NodeKind, target: string | undefined, level: number): Hdf5TreeNode => {
    const out: Hdf5TreeNode = { name, path: p, kind: k, attributes: [] };
    if (target !== undefined) out.target = target;
    if (withAttrs && (k === 'group' || k === 'dataset' || k === 'datatype')) out.attributes = file.attributes(p);
    if (k === 'dataset') out.dataset = file.dataset(p) ?? undefined;
    if (k === 'group') {
      const links = level < depth ? file.children(p) : null;
      if (links) {
        out.childCount = links.length;
        out.children = links.slice(0, maxChildren).map((l) => node(l.path, l.name, l.kind, l.target, level + 1));
      } else {
        out.childCount = file.childNames(p)?.length ?? 0;
      }
    }
    return out;
  };
  const name = path === '/' ? '/' : (path.split('/').filter(Boolean).at(-1) ?? '/');
  return node(path, name, kind, undefined, 0);
}

/** Counts and logical/stored bytes of every dataset under a tree (for an overview line). */
export function summarizeTree(root: Hdf5TreeNode): { groups: number; datasets: number; bytes: number; storedBytes: number | null } {
  let groups = 0;
  let datasets = 0;
  let bytes = 0;
  let storedBytes: number | null = 0;
  const visit = (n: Hdf5TreeNode) => {
    if (n.kind === 'group') groups++;
    if (n.dataset) {
      datasets++;
      bytes += n.dataset.byteLength;
      storedBytes = storedBytes === null || n.dataset.storedBytes === null ? null : storedBytes + n.dataset.storedBytes;
    }
    n.children?.forEach(visit);
  };
  visit(root);
  return { groups, datasets, bytes, storedBytes };
}
