import { NdArray } from '../numpy/ndarray';
import { parseDType, swapBytesInPlace, typedArrayClassFor } from '../numpy/dtype';

/**
 * The values a BodyCompress file holds, as Python wrote them, decoded without loss so that they can
 * be written back byte for byte:
 * - nil, bool, str, bytes (`Uint8Array`), lists (tuples come back as lists);
 * - int: `number` when it is a safe integer, else `bigint`;
 * - float: `number`, except a float with a whole value (3.0), which is a `PyFloat` because a JS
 *   number cannot say that it was a float (its `valueOf`/`toJSON` give the number);
 * - dict: `Map` (keys may be str, bytes or anything msgpack allows; insertion order kept);
 * - numpy arrays `NdArray`, numpy scalars `NpScalar`, Python complex `PyComplex`, msgpack ext `MsgExt`.
 */
export type PyValue = null | boolean | number | bigint | string | Uint8Array | PyFloat | PyValue[] | PyDict | NdArray | NpScalar | PyComplex | MsgExt;

export type PyDict = Map<PyValue, PyValue>;

/** A Python float whose value is a whole number (msgpack float 64 on the wire). */
export class PyFloat {
  constructor(readonly value: number) {}
  valueOf(): number {
    return this.value;
  }
  toJSON(): number {
    return this.value;
  }
}

/** A numpy scalar (`np.float32(1.5)`): msgpack-numpy's `{nd: false, type, data}` map. */
export class NpScalar {
  constructor(
    readonly dtype: string,
    readonly bytes: Uint8Array,
  ) {}
  /** The number (bigint for 64-bit ints, boolean for bool), or null for types JS cannot read. */
  get value(): number | bigint | boolean | null {
    const v = new NdArray(this.dtype, [], this.bytes).values();
    if (!v || v.length === 0) return null;
    const d = parseDType(this.dtype);
    if (d?.kind === 'b') return v[0] !== 0;
    return v[0]!;
  }
}

/** A Python complex, stored by msgpack-numpy as its repr string (`"(1+2j)"`). */
export class PyComplex {
  constructor(
    readonly real: number,
    readonly imag: number,
    /** The exact string the writer stored; regenerated from real/imag when absent. */
    readonly repr?: string,
  ) {}

  static parse(repr: string): PyComplex | null {
    const s = repr.trim().replace(/^\((.*)\)$/, '$1');
    const num = '[+-]?(?:(?:\\d+\\.?\\d*|\\.\\d+)(?:e[+-]?\\d+)?|nan|inf)';
    const m = new RegExp(`^(?:(${num})(?=[+-]))?(${num})?j$`, 'i').exec(s) ?? new RegExp(`^(${num})$`, 'i').exec(s);
    if (!m) return null;
    const f = (t: string | undefined) => (t === undefined ? 0 : parsePyFloat(t));
    if (!s.endsWith('j') && !s.endsWith('J')) return new PyComplex(f(m[1]), 0, repr);
    return new PyComplex(f(m[1]), m[2] === undefined ? 1 : f(m[2]), repr);
  }
}

function parsePyFloat(t: string): number {
  const l = t.toLowerCase();
  if (l.endsWith('nan')) return NaN;
  if (l.endsWith('inf')) return l.startsWith('-') ? -Infinity : Infinity;
  return Number(t);
}

/** A msgpack extension value (never written by BodyCompress; kept so a reader does not fail). */
export class MsgExt {
  constructor(
    readonly type: number,
    readonly data: Uint8Array,
  ) {}
}

/** Looks up a str key in a decoded dict (or returns undefined for anything else). */
export function dictGet(v: PyValue | undefined, key: string): PyValue | undefined {
  return v instanceof Map ? v.get(key) : undefined;
}

/** The number a decoded value holds (int, float, numpy scalar), or undefined. */
export function asNumber(v: PyValue | undefined): number | undefined {
  if (typeof v === 'number') return v;
  if (v instanceof PyFloat) return v.value;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof NpScalar) {
    const x = v.value;
    return typeof x === 'boolean' || x === null ? undefined : Number(x);
  }
  return undefined;
}

const ARRAY_VALUES_LIMIT = 256;

/**
 * A JSON-safe view of a decoded value for display and `metadata.json`, using the same typed-JSON
 * conventions as the reference fixtures: non-finite floats and big ints as `{"$type": ...}`
 * objects, bytes as base64, dicts with non-str keys as item lists, arrays as dtype/shape plus
 * their values when small.
 */
export function toJsonValue(v: PyValue, arrayValuesLimit = ARRAY_VALUES_LIMIT): unknown {
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : { $type: 'float', value: String(v) };
  if (v instanceof PyFloat) return toJsonValue(v.value);
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : { $type: 'int', value: v.toString() };
  if (v instanceof Uint8Array) return { $type: 'bytes', b64: Buffer.from(v).toString('base64') };
  if (Array.isArray(v)) return v.map((x) => toJsonValue(x, arrayValuesLimit));
  if (v instanceof Map) {
    if ([...v.keys()].every((k) => typeof k === 'string')) {
      const o: Record<string, unknown> = {};
      for (const [k, x] of v) o[k as string] = toJsonValue(x, arrayValuesLimit);
      return o;
    }
    return { $type: 'map', items: [...v].map(([k, x]) => [toJsonValue(k), toJsonValue(x, arrayValuesLimit)]) };
  }
  if (v instanceof NdArray) {
    const out: Record<string, unknown> = { $type: 'ndarray', dtype: v.dtype, shape: [...v.shape], nbytes: v.bytes.length };
    if (v.kind) out.kind = v.kind;
    const values = v.values();
    if (values && v.size <= arrayValuesLimit) {
      const isBool = parseDType(v.dtype)?.kind === 'b';
      out.values = Array.from(values as ArrayLike<number | bigint>, (x) =>
        isBool ? x !== 0 : typeof x === 'bigint' ? toJsonValue(x) : Number.isFinite(x) ? x : String(x),
      );
    }
    return out;
  }
  if (v instanceof NpScalar) {
    const x = v.value;
    return { $type: 'npscalar', dtype: v.dtype, value: x === null ? null : typeof x === 'boolean' ? x : toJsonValue(x) };
  }
  if (v instanceof PyComplex) return { $type: 'complex', real: toJsonValue(v.real), imag: toJsonValue(v.imag) };
  if (v instanceof MsgExt) return { $type: 'ext', type: v.type, b64: Buffer.from(v.data).toString('base64') };
  return String(v);
}

/**
 * The inverse of `toJsonValue`: JSON (e.g. `--metadata` or an exported metadata.json) to the
 * values a writer stores. Objects become dicts in key order; whole numbers become ints, others
 * floats; `{"$type": ...}` objects become big ints, non-finite floats, bytes, arrays (with their
 * `values`), numpy scalars and complex numbers.
 */
export function fromJsonValue(v: unknown): PyValue {
  if (v === null || typeof v === 'boolean' || typeof v === 'string' || typeof v === 'number') return v;
  if (Array.isArray(v)) return v.map(fromJsonValue);
  if (typeof v !== 'object') return null;
  const o = v as Record<string, unknown>;
  switch (o.$type) {
    case 'int':
      return BigInt(String(o.value));
    case 'float':
      return Number(o.value);
    case 'bytes':
      return new Uint8Array(Buffer.from(String(o.b64), 'base64'));
    case 'map':
      return new Map((o.items as [unknown, unknown][]).map(([k, x]) => [fromJsonValue(k), fromJsonValue(x)]));
    case 'complex':
      return new PyComplex(Number(o.real), Number(o.imag));
    case 'ndarray':
    case 'npscalar': {
      const dtype = String(o.dtype);
      const d = parseDType(dtype);
      const Ctor = d ? typedArrayClassFor(d) : null;
      const shape = o.$type === 'npscalar' ? [] : ((o.shape as number[]) ?? []);
      let bytes: Uint8Array | null = typeof o.b64 === 'string' ? new Uint8Array(Buffer.from(o.b64, 'base64')) : null;
      const values = o.$type === 'npscalar' ? [o.value] : (o.values as unknown[] | undefined);
      if (!bytes && Ctor && values) {
        const nums = values.map((x) => (x === true ? 1 : x === false ? 0 : typeof x === 'string' ? Number(x) : Number(x)));
        const big = Ctor.BYTES_PER_ELEMENT === 8 && d!.kind !== 'f' && d!.kind !== 'c';
        const typed = big
          ? d!.kind === 'u'
            ? BigUint64Array.from(nums, (x) => BigInt(x))
            : BigInt64Array.from(nums, (x) => BigInt(x))
          : new Ctor(new ArrayBuffer(nums.length * Ctor.BYTES_PER_ELEMENT), 0, nums.length);
        if (!big) (typed as Float64Array).set(nums);
        bytes = new Uint8Array(typed.buffer);
        if (d!.order === '>') swapBytesInPlace(bytes, Ctor.BYTES_PER_ELEMENT);
      }
      if (!bytes) throw new RangeError(`A ${o.$type} needs "values" or "b64"`);
      return o.$type === 'npscalar' ? new NpScalar(dtype, bytes) : new NdArray(dtype, shape, bytes);
    }
    default: {
      const m: PyDict = new Map();
      for (const [k, x] of Object.entries(o)) m.set(k, fromJsonValue(x));
      return m;
    }
  }
}
