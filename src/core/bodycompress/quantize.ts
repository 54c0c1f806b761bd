import { InputError } from '../errors';
import { NdArray, shapeSize } from '../numpy/ndarray';
import { parseDType } from '../numpy/dtype';

/**
 * BodyCompress quantization (spec §5.2/5.3): points are multiplied by a factor (1 / step), rounded
 * half to even and differenced along the point axis; decoding sums back (exactly, in a double)
 * and divides in float32. Both directions reproduce numpy bit for bit.
 */

/** Point axis: -2 for `(..., P, 3)` points, -1 for `(..., P)` uncertainties. */
export type PointAxis = -1 | -2;

interface Layout {
  outer: number;
  points: number;
  inner: number;
}

function layoutOf(shape: readonly number[], axis: PointAxis, what: string): Layout {
  if (shape.length < -axis) {
    throw new InputError('corrupt', `${what} has shape [${shape.join(', ')}]: it needs at least ${-axis} dimensions`);
  }
  const points = shape[shape.length + axis]!;
  const inner = axis === -2 ? shape[shape.length - 1]! : 1;
  const size = shapeSize(shape);
  return { outer: points * inner === 0 ? 0 : size / (points * inner), points, inner };
}

/**
 * Decodes a quantized `[Q, factor]` pair: cumulative sum along the point axis (int64 in numpy,
 * exact in a double here), then `float32(sum) / float32(factor)` rounded to float32.
 */
export function dequantize(q: ArrayLike<number | bigint>, shape: readonly number[], factor: number, axis: PointAxis, what = 'array'): Float32Array {
  const { outer, points, inner } = layoutOf(shape, axis, what);
  const out = new Float32Array(shapeSize(shape));
  const f = Math.fround(factor);
  const acc = new Float64Array(inner);
  const isBig = q.length > 0 && typeof q[0] === 'bigint';
  let i = 0;
  for (let o = 0; o < outer; o++) {
    acc.fill(0);
    for (let p = 0; p < points; p++) {
      for (let c = 0; c < inner; c++, i++) {
        const a = (acc[c] = acc[c]! + (isBig ? Number(q[i]) : (q[i] as number)));
        // Both operands are float32 values, so the double quotient rounded once is the float32 quotient.
        out[i] = Math.fround(a) / f;
      }
    }
  }
  return out;
}

/** numpy's `np.round`: round half to even. */
export function roundHalfEven(y: number): number {
  const r = Math.round(y); // half toward +Infinity
  return r - y === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/**
 * Quantizes `x` (float32 arithmetic for float32 input, as numpy does; float64 otherwise) and
 * differences it along the point axis into int32. Rejects NaN/Inf and values whose steps do not
 * fit in int32 (numpy would silently store INT32_MIN garbage there).
 */
export function quantize(x: NdArray, factor: number, axis: PointAxis, name: string): NdArray {
  const d = parseDType(x.dtype);
  const values = x.values();
  if (!d || !values || !'fiu'.includes(d.kind) || (d.kind === 'f' && d.itemsize < 4)) {
    throw new InputError('invalid-value', `${name} must be a float32 or float64 array (got ${x.dtype})`);
  }
  if (values instanceof BigInt64Array || values instanceof BigUint64Array) {
    throw new InputError('invalid-value', `${name} must be a float32 or float64 array (got ${x.dtype})`);
  }
  const { outer, points, inner } = layoutOf(x.shape, axis, name);
  const f32 = d.kind === 'f' && d.itemsize === 4;
  const f = f32 ? Math.fround(factor) : factor;
  const out = new Int32Array(values.length);
  const prev = new Float64Array(inner);
  let i = 0;
  for (let o = 0; o < outer; o++) {
    prev.fill(0);
    for (let p = 0; p < points; p++) {
      for (let c = 0; c < inner; c++, i++) {
        const v = values[i]!;
        if (!Number.isFinite(v)) {
          throw new InputError('invalid-value', `${name} holds ${v} at ${indexText(x.shape, i)}: BodyCompress can only store finite numbers`);
        }
        const r = roundHalfEven(f32 ? Math.fround(v * f) : v * f);
        const diff = r - prev[c]!;
        if (diff < INT32_MIN || diff > INT32_MAX) {
          throw new InputError(
            'invalid-value',
            `${name} value ${v} at ${indexText(x.shape, i)} is beyond what BodyCompress can quantize ` +
              `(${r} steps of ${1 / factor}; steps and their differences must fit in 32 bits)`,
          );
        }
        out[i] = diff;
        prev[c] = r;
      }
    }
  }
  return NdArray.fromTyped(out, x.shape, '<i4');
}

function indexText(shape: readonly number[], flat: number): string {
  const idx: number[] = [];
  for (let k = shape.length - 1; k >= 0; k--) {
    idx.unshift(flat % shape[k]!);
    flat = Math.floor(flat / shape[k]!);
  }
  return `[${idx.join(', ')}]`;
}
