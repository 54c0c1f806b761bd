import { cameraView } from '../../core/bodycompress/camera';
import type { BodyFrame } from '../../core/bodycompress/frame';
import { personsOf } from '../../core/bodycompress/frameArrays';
import { MsgExt, NpScalar, PyComplex, PyFloat, toJsonValue, type PyValue } from '../../core/bodycompress/pyValues';
import { NdArray } from '../../core/numpy/ndarray';
import { formatFloat32 } from '../../core/writers/obj';
import type { BodyCompressCamera, BodyCompressFrame, BodyCompressKeyRow, BodyCompressPerson } from '../../protocol/bodyCompressProtocol';

/** Arrays with at most this many values are shown with their values in the inspector (boxes of 50 people). */
export const MAX_SHOWN_VALUES = 256;
/** Characters of a plain value (a string, a nested dict) shown in the inspector. */
const MAX_VALUE_CHARS = 2000;

/**
 * A decoded frame as the webview gets it: each person's vertices, joints (and uncertainties when
 * asked for) in buffers of their own (a view into the frame's array would send all of it), the
 * camera in plain numbers, and a row per key for the inspector.
 */
export function frameForWebview(frame: BodyFrame, uncertainties: boolean): BodyCompressFrame {
  const v = frame.values.get('vertices');
  const j = frame.values.get('joints');
  const vu = frame.values.get('vertex_uncertainties');
  const vertices = personsOf(v instanceof NdArray ? v : undefined);
  const joints = personsOf(j instanceof NdArray ? j : undefined);
  const vertexCount = v instanceof NdArray && v.ndim >= 2 ? v.shape[v.ndim - 2]! : 0;
  const jointCount = j instanceof NdArray && j.ndim >= 2 ? j.shape[j.ndim - 2]! : 0;
  const vuValues = uncertainties && vu instanceof NdArray && vu.values() instanceof Float32Array ? (vu.values() as Float32Array) : null;
  const n = Math.max(vertices.length, joints.length);
  const persons: BodyCompressPerson[] = [];
  for (let p = 0; p < n; p++) {
    const u = vuValues && vuValues.length >= (p + 1) * vertexCount ? vuValues.slice(p * vertexCount, (p + 1) * vertexCount) : null;
    persons.push({ vertices: vertices[p]?.slice() ?? null, joints: joints[p]?.slice() ?? null, vertexUncertainties: u });
  }
  const first = vertices[0];
  return {
    index: frame.index,
    persons,
    vertexCount,
    jointCount,
    camera: cameraOf(frame.values.get('camera')),
    keys: keyRows(frame.values),
    firstVertex: first && first.length >= 3 ? [formatFloat32(first[0]!), formatFloat32(first[1]!), formatFloat32(first[2]!)] : null,
  };
}

function cameraOf(value: PyValue | undefined): BodyCompressCamera | null {
  const c = cameraView(value);
  if (!c) return null;
  const [cx, cy] = [c.K[2]!, c.K[5]!];
  // NLF's principal point is ((W-1)/2, (H-1)/2); without it, a square image around the centre.
  const size: [number, number] = cx > 0 && cy > 0 ? [Math.round(2 * cx + 1), Math.round(2 * cy + 1)] : [1000, 1000];
  return { R: [...c.R], loc: [...c.loc], K: [...c.K], up: [...c.up], imageSize: size };
}

/** The inspector's rows: every key with its type, shape and (small) value; dict fields one level down. */
export function keyRows(values: Map<string, PyValue>): BodyCompressKeyRow[] {
  const rows: BodyCompressKeyRow[] = [];
  for (const [key, v] of values) {
    const fields = v instanceof Map && [...v.keys()].every((k) => typeof k === 'string') ? [...v] : null;
    // A dict (the camera) is listed field by field below its own row.
    rows.push(fields ? { ...keyRow(key, v), value: '' } : keyRow(key, v));
    for (const [field, x] of fields ?? []) rows.push(keyRow(`${key}.${field as string}`, x));
  }
  return rows;
}

function keyRow(key: string, v: PyValue): BodyCompressKeyRow {
  if (v instanceof NdArray) {
    const shape = `(${v.shape.join(', ')}${v.shape.length === 1 ? ',' : ''})`;
    const values = v.size <= MAX_SHOWN_VALUES ? v.values() : null;
    return { key, type: v.kind ? `${v.kind} array` : v.dtype, shape, value: values ? nested(values, v.shape, v.dtype) : '' };
  }
  if (v instanceof NpScalar) return { key, type: `numpy ${v.dtype}`, shape: '()', value: String(v.value) };
  return { key, type: pythonType(v), shape: Array.isArray(v) || v instanceof Map ? `${v instanceof Map ? v.size : v.length} items` : '', value: plainText(v) };
}

function pythonType(v: PyValue): string {
  if (v === null) return 'None';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'string') return 'str';
  if (typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v))) return 'int';
  if (typeof v === 'number' || v instanceof PyFloat) return 'float';
  if (v instanceof Uint8Array) return 'bytes';
  if (Array.isArray(v)) return 'list';
  if (v instanceof Map) return 'dict';
  if (v instanceof PyComplex) return 'complex';
  if (v instanceof MsgExt) return 'msgpack ext';
  return typeof v;
}

function plainText(v: PyValue): string {
  const text = typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(toJsonValue(v, 16));
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS)}…` : text;
}

/** Values as nested lists in C order (`[[1, 2], [3, 4]]`), float32 in its shortest decimals. */
function nested(values: ArrayLike<number | bigint>, shape: readonly number[], dtype: string): string {
  const f32 = dtype.endsWith('f4');
  const bool = dtype.endsWith('b1');
  const fmt = (x: number | bigint) => (bool ? (x ? 'True' : 'False') : typeof x === 'bigint' ? x.toString() : f32 ? formatFloat32(x) : String(x));
  if (shape.length === 0) return values.length ? fmt(values[0]!) : '';
  let pos = 0;
  const walk = (depth: number): string => {
    const n = shape[depth]!;
    const parts: string[] = [];
    for (let i = 0; i < n; i++) parts.push(depth === shape.length - 1 ? fmt(values[pos++]!) : walk(depth + 1));
    return `[${parts.join(', ')}]`;
  };
  return walk(0);
}
