import { InputError } from '../errors';
import { NdArray } from '../numpy/ndarray';
import { Camera, cameraToMap } from './camera';
import { decodeMsgpack, encodeMsgpack, MsgpackFormatError, MsgpackIncompleteError, type EncodableValue } from './msgpack';
import { DEFAULT_QUANTIZATION_MM } from './defaults';
import { dequantize, quantize, type PointAxis } from './quantize';
import { asNumber, PyFloat, type PyValue } from './pyValues';

/** The decoded body arrays, in the order the reference appends them after the other keys. */
export const BODY_KEYS = ['vertices', 'joints', 'vertex_uncertainties', 'joint_uncertainties'] as const;
export type BodyKey = (typeof BODY_KEYS)[number];

const AXIS: Record<BodyKey, PointAxis> = { vertices: -2, joints: -2, vertex_uncertainties: -1, joint_uncertainties: -1 };

/** One frame as the reference reader yields it: keys in its order, body arrays float32. */
export interface BodyFrame {
  /** Frame number, from 0. */
  index: number;
  /**
   * Every key: the others in wire order (camera in its slot, as the stored map), then
   * `vertices`, `joints`, `vertex_uncertainties`, `joint_uncertainties` when present
   * (`<f4` NdArrays: `(N, V, 3)` mm, `(N, J, 3)` mm, `(N, V)` m, `(N, J)` m).
   */
  values: Map<string, PyValue>;
}

/** Decodes one frame object's msgpack bytes (a complete object). */
export function decodeFrame(bytes: Uint8Array, index: number): BodyFrame {
  let obj: PyValue;
  try {
    const r = decodeMsgpack(bytes);
    obj = r.value;
  } catch (err) {
    if (err instanceof MsgpackIncompleteError || err instanceof MsgpackFormatError) {
      throw new InputError('corrupt', `Frame ${index} is not valid msgpack: ${err.message}`);
    }
    throw err;
  }
  return { index, values: frameFromObject(obj, index) };
}

/** `decompress()` of the reference: replaces each `qd_*` pair by its float32 array, appended at the end. */
export function frameFromObject(obj: PyValue, index: number): Map<string, PyValue> {
  if (!(obj instanceof Map)) throw new InputError('corrupt', `Frame ${index} is not a map`);
  const out = new Map<string, PyValue>();
  const body = new Map<BodyKey, PyValue>();
  for (const [k, v] of obj) {
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a non-str key (the reference writes none) is named by String(), an object key "[object Object]"
    const key = typeof k === 'string' ? k : k instanceof Uint8Array ? Buffer.from(k).toString('utf8') : String(k);
    const bodyKey = key.startsWith('qd_') ? (key.slice(3) as BodyKey) : null;
    if (bodyKey && BODY_KEYS.includes(bodyKey)) body.set(bodyKey, v);
    else out.set(key, v);
  }
  for (const key of BODY_KEYS) {
    const v = body.get(key);
    if (v !== undefined) out.set(key, decodeQuantized(v, key, index));
  }
  return out;
}

function decodeQuantized(v: PyValue, key: BodyKey, index: number): NdArray {
  const bad = (why: string) => new InputError('corrupt', `Frame ${index}: qd_${key} ${why}`);
  if (!Array.isArray(v) || v.length !== 2) throw bad('is not a [array, factor] pair');
  const [q, f] = v;
  const factor = asNumber(f);
  if (!(q instanceof NdArray) || factor === undefined) throw bad('is not a [array, factor] pair');
  const ints = q.values();
  if (!ints || !/^[<>|=]?[iu]\d$/.test(q.dtype)) throw bad(`holds ${q.dtype} values, not integers`);
  if (ints.length !== q.size) throw bad(`has ${q.bytes.length} data bytes for shape [${q.shape.join(', ')}]`);
  const values = dequantize(ints, q.shape, factor, AXIS[key], `Frame ${index}: qd_${key}`);
  return NdArray.fromTyped(values, q.shape, '<f4');
}

/** What `append()` takes: any keys; body arrays as NdArrays (float32/float64), `camera` as a Camera or any value. */
export type FrameInput = Map<string, EncodableValue | Camera> | Record<string, EncodableValue | Camera>;

/**
 * `compress()` of the reference, then msgpack: other keys in order (a Camera replaced in its slot
 * by its map), then `qd_vertices`, `qd_joints` and the uncertainties when given.
 */
export function encodeFrame(input: FrameInput, quantizationMm = DEFAULT_QUANTIZATION_MM): Uint8Array {
  if (!(quantizationMm > 0) || !Number.isFinite(quantizationMm)) {
    throw new InputError('invalid-value', `The quantization step must be a positive number of mm (got ${quantizationMm})`);
  }
  const entries = input instanceof Map ? [...input] : Object.entries(input);
  const factor = 1 / quantizationMm;
  const wire = new Map<string, EncodableValue>();
  const body = new Map<BodyKey, EncodableValue | Camera>();
  for (const [k, v] of entries) {
    if ((BODY_KEYS as readonly string[]).includes(k)) body.set(k as BodyKey, v);
    else if (k.startsWith('qd_') && (BODY_KEYS as readonly string[]).includes(k.slice(3))) {
      throw new InputError('invalid-value', `Key ${k} is reserved for the quantized ${k.slice(3)}`);
    } else wire.set(k, v instanceof Camera ? cameraToMap(v) : v);
  }
  for (const key of BODY_KEYS) {
    const v = body.get(key);
    if (v === undefined || v === null) {
      if (key === 'vertices' || key === 'joints') throw new InputError('invalid-value', `Every frame needs ${key}`);
      continue;
    }
    if (!(v instanceof NdArray)) throw new InputError('invalid-value', `${key} must be an array`);
    const f = key === 'vertices' || key === 'joints' ? factor : factor * 1000;
    wire.set(`qd_${key}`, [quantize(v, f, AXIS[key], key), new PyFloat(f)]);
  }
  return encodeMsgpack(wire);
}
