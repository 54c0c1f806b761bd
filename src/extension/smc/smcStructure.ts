import { formatBytes } from '../../core/formatBytes';
import type { Hdf5Attribute, Hdf5File } from '../../core/hdf5/hdf5File';
import { hdf5Tree, type Hdf5TreeNode } from '../../core/hdf5/hdf5Tree';
import type { Hdf5DatasetInfo } from '../../core/hdf5/types';
import type { Hdf5DatasetView, Hdf5NodeView } from '../../protocol/smcProtocol';
import { ParamError } from '../kit/requestParams';

/** Members listed per group: a raw file's colour group holds thousands of frames. */
const MAX_LISTED_CHILDREN = 1000;
/** Characters of an attribute value shown. */
const MAX_VALUE_CHARS = 300;

/**
 * One object and its direct members for the structure view (works on any HDF5 file). Attributes
 * are given for the object itself only; members are expanded by asking again.
 */
export function smcNodeView(file: Hdf5File, path: string): Hdf5NodeView {
  if (file.kind(path) === null) throw new ParamError(`No object at ${path}`);
  const node = hdf5Tree(file, path, { depth: 1, maxChildren: MAX_LISTED_CHILDREN, attributes: false });
  const out: Hdf5NodeView = {
    path: node.path,
    name: node.name,
    kind: node.kind,
    attributes: file.attributes(path).map(attributeView),
  };
  if (node.target !== undefined) out.target = node.target;
  if (node.dataset) out.dataset = datasetView(node.dataset);
  if (node.childCount !== undefined) out.childCount = node.childCount;
  if (node.children) out.children = node.children.map(childView);
  return out;
}

function childView(c: Hdf5TreeNode): NonNullable<Hdf5NodeView['children']>[number] {
  return {
    name: c.name,
    path: c.path,
    kind: c.kind,
    ...(c.childCount !== undefined ? { childCount: c.childCount } : {}),
    ...(c.dataset ? { dataset: datasetView(c.dataset) } : {}),
  };
}

function datasetView(d: Hdf5DatasetInfo): Hdf5DatasetView {
  return {
    dtype: d.dtype.name,
    shape: d.shape,
    layout: d.layout,
    chunks: d.chunks,
    filters: d.filters.map((f) => f.name),
    size: formatBytes(d.byteLength),
    stored: d.storedBytes === null ? 'unknown' : formatBytes(d.storedBytes),
  };
}

function attributeView(a: Hdf5Attribute): { name: string; dtype: string; value: string } {
  return { name: a.name, dtype: a.dtype.name, value: a.error === undefined ? attributeText(a.value) : `(unreadable: ${a.error})` };
}

/** A readable, bounded rendering of an attribute value (strings, numbers, bigints, arrays). */
export function attributeText(v: unknown): string {
  let text: string;
  if (typeof v === 'string') text = JSON.stringify(v);
  else if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') text = String(v);
  else if (v === null || v === undefined) text = '—';
  else if (ArrayBuffer.isView(v) || Array.isArray(v)) {
    const items = Array.from(v as ArrayLike<unknown>)
      .slice(0, 64)
      .map((x) => attributeText(x));
    const n = (v as ArrayLike<unknown>).length;
    text = `[${items.join(', ')}${n > items.length ? `, … (${n} values)` : ''}]`;
  } else text = objectText(v);
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS)}…` : text;
}

/** A compound value as JSON (bigints as numbers' text); '[object]' when it cannot be written. */
function objectText(v: object): string {
  try {
    return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));
  } catch {
    return '[object]';
  }
}
