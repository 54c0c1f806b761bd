import { cameraView } from '../../core/bodycompress/camera';
import type { BodyFrame } from '../../core/bodycompress/frame';
import { personsOf } from '../../core/bodycompress/frameArrays';
import { asNumber, type PyValue } from '../../core/bodycompress/pyValues';
import { frameKeyViews } from '../../core/bodycompress/valueView';
import { NdArray } from '../../core/numpy/ndarray';
import { formatFloat32 } from '../../core/writers/obj';
import type { BodyCompressCamera, BodyCompressFrame, BodyCompressKeyRow, BodyCompressPerson } from '../../protocol/bodyCompressProtocol';

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
    ...boxesOf(frame.values.get('boxes')),
  };
}

/** NLF's per-person image boxes, (N, 5) x, y, w, h, confidence (or (N, 4) without confidence), as five floats per box. */
function boxesOf(value: PyValue | undefined): { boxes?: Float32Array } {
  if (!(value instanceof NdArray) || value.ndim !== 2 || value.shape[0] === 0 || value.shape[1]! < 4) return {};
  const v = value.values();
  if (!v || v instanceof BigInt64Array || v instanceof BigUint64Array) return {};
  const [n, cols] = [value.shape[0]!, value.shape[1]!];
  const out = new Float32Array(n * 5);
  for (let i = 0; i < n; i++) for (let c = 0; c < 5; c++) out[i * 5 + c] = c < cols ? Number(v[i * cols + c]) : NaN;
  return { boxes: out };
}

function cameraOf(value: PyValue | undefined): BodyCompressCamera | null {
  const c = cameraView(value);
  if (!c) return null;
  const [cx, cy] = [c.K[2]!, c.K[5]!];
  const stored = storedImageSize(value);
  // NLF's principal point is ((W-1)/2, (H-1)/2); without it, a square image around the centre.
  const size: [number, number] = stored ?? (cx > 0 && cy > 0 ? [Math.round(2 * cx + 1), Math.round(2 * cy + 1)] : [1000, 1000]);
  return {
    R: [...c.R],
    loc: [...c.loc],
    K: [...c.K],
    up: [...c.up],
    imageSize: size,
    imageSizeEstimated: !stored,
    distcoef: c.distcoef ? [...c.distcoef] : null,
  };
}

/** A camera map's own image size, `image_size` as [width, height] pixels, when it stores one. */
function storedImageSize(camera: PyValue | undefined): [number, number] | null {
  const v = camera instanceof Map ? camera.get('image_size') : undefined;
  const values = v instanceof NdArray ? v.values() : Array.isArray(v) ? v.map((x) => asNumber(x)) : null;
  if (values?.length !== 2) return null;
  const [w, h] = [Number(values[0]), Number(values[1])];
  return Number.isInteger(w) && Number.isInteger(h) && w > 0 && h > 0 ? [w, h] : null;
}

/** The inspector's rows: every key with its type, shape and value as Python prints it; dict fields one level down. */
export function keyRows(values: Map<string, PyValue>): BodyCompressKeyRow[] {
  return frameKeyViews(values).map(({ key, type, shape, text, note }) => ({ key, type, shape, value: text, note }));
}
