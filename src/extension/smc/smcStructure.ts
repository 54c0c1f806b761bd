import { formatBytes } from '../../core/formatBytes';
import type { Hdf5Attribute, Hdf5File } from '../../core/hdf5/hdf5File';
import { hdf5Tree } from '../../core/hdf5/hdf5Tree';
import type { Hdf5DatasetInfo } from '../../core/hdf5/types';
import { naturalSort } from '../../core/naturalSort';
import { sniffImageFormat } from '../../core/smc/imageFormat';
import type { Hdf5ChildView, Hdf5DatasetView, Hdf5NodeView } from '../../protocol/smcProtocol';
import { ParamError } from '../kit/requestParams';

/** Members listed per group: a raw file's colour group holds thousands of frames. */
const MAX_LISTED_CHILDREN = 1000;
/** Characters of an attribute value shown. */
const MAX_VALUE_CHARS = 300;

/**
 * One object and its direct members for the structure view (works on any HDF5 file). Attributes
 * are given for the object itself only; members are expanded by asking again. Members are listed
 * in natural order (frame and camera groups as 0, 1, 2, …, 10), the first MAX_LISTED_CHILDREN of them.
 */
export async function smcNodeView(file: Hdf5File, path: string): Promise<Hdf5NodeView> {
  if (file.kind(path) === null) throw new ParamError(`No object at ${path}`);
  const node = hdf5Tree(file, path, { depth: 0, attributes: false });
  const out: Hdf5NodeView = {
    path: node.path,
    name: node.name,
    kind: node.kind,
    attributes: file.attributes(path).map(attributeView),
  };
  if (node.target !== undefined) out.target = node.target;
  if (node.dataset) out.dataset = { ...datasetView(node.dataset), ...(await imageOf(file, node.dataset)) };
  if (node.kind === 'group') {
    const links = naturalSort(file.children(path) ?? [], (l) => l.name);
    out.childCount = links.length;
    out.children = links.slice(0, MAX_LISTED_CHILDREN).map((l): Hdf5ChildView => {
      const dataset = l.kind === 'dataset' ? file.dataset(l.path) : null;
      return {
        name: l.name,
        path: l.path,
        kind: l.kind,
        ...(l.kind === 'group' ? { childCount: file.childNames(l.path)?.length ?? 0 } : {}),
        ...(dataset ? { dataset: datasetView(dataset) } : {}),
      };
    });
  }
  return out;
}

/** A 1-D uint8 dataset whose first bytes are a JPEG or PNG signature (SMC images, masks) is an image. */
async function imageOf(file: Hdf5File, d: Hdf5DatasetInfo): Promise<{ image?: 'jpeg' | 'png' }> {
  if (d.dtype.name !== 'uint8' || d.shape?.length !== 1 || d.shape[0]! < 8 || file.unreadableReason(d)) return {};
  try {
    const head = await file.readRows(d.path, 0, 8);
    const format = head ? sniffImageFormat(head.data as Uint8Array) : 'unknown';
    return format === 'unknown' ? {} : { image: format };
  } catch {
    // Unreadable bytes are reported when the values are asked for.
    return {};
  }
}

const NUMERIC_KINDS = new Set(['int', 'uint', 'float', 'enum']);

function datasetView(d: Hdf5DatasetInfo): Hdf5DatasetView {
  return {
    dtype: d.dtype.name,
    itemSize: d.dtype.size,
    numeric: NUMERIC_KINDS.has(d.dtype.kind),
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
